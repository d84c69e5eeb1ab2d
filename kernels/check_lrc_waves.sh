#!/usr/bin/env bash
# check_lrc_waves.sh: on a GPU machine, how many of the FlashAttention kernels' K, V re-reads reach
# the L2 tags as the number of waves grows (docs/fidelity.md, L2 traffic): versions 4, 5 and 6 at
# d = 64, N = 1024 (8 CTAs a head) and N = 4096 (32 a head), with B chosen for less than one wave
# up to the calibration shapes' 7.8 waves, under ncu with the L2's read sectors by source, the
# coalescer's merged sectors and the sectors the SMs receive. kernels/micro/sm_skew's sweeps of
# these group sizes reach the tags 0.26 (G = 8) and 0.72 (G = 32) of the time in one wave and
# 0.36-0.58 over 7.8; v5 at the calibration shapes 0.68-0.84.
# Raw output (ncu's CSV, never edited) with provenance to OUT_DIR/<gpu>-<date>-lrc_waves.txt.
# usage: kernels/check_lrc_waves.sh OUT_DIR FA_BENCH      (from the repository root)
set -u
O=${1:?usage: check_lrc_waves.sh OUT_DIR FA_BENCH}
FA=${2:?usage: check_lrc_waves.sh OUT_DIR FA_BENCH}
mkdir -p "$O"
. "$(dirname "$0")/gpu_slug.sh"
slug=$(gpu_slug)
f="$O/$slug-$(date -u +%Y-%m-%d)-lrc_waves.txt"
m=gpu__time_duration.sum,dram__bytes_read.sum,lts__t_sectors_op_read.sum,lts__t_sectors_srcunit_tex_op_read.sum
m=$m,lts__t_sectors_srcunit_ltcfabric.sum,l1tex__m_xbar2l1tex_read_sectors.sum,sm__sass_data_bytes_mem_global_op_ldgsts.sum
m=$m,sm__sass_data_bytes_mem_global_op_ld.sum,launch__grid_size,launch__occupancy_limit_shared_mem,launch__waves_per_multiprocessor
{
    echo "# kernels/check_lrc_waves.sh, raw output (never edited)"
    echo "# date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "# gpu: $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader)"
    echo "# ncu: $(ncu --version 2>/dev/null | tail -1)"
    echo "# each case: ncu --profile-from-start off --cache-control all --clock-control none --metrics $m --csv --page raw --print-units base $FA --version V --B B --H 16 --N N --d 64 --causal 0 --profile-once --no-check"
    for v in 5 6 4; do
        for NB in 1024:1 1024:2 1024:4 1024:16 4096:1 4096:2 4096:4; do
            N=${NB%:*} B=${NB#*:}
            echo "## version $v N $N B $B H 16 d 64"
            timeout 120 ncu --profile-from-start off --cache-control all --clock-control none --metrics "$m" --csv --page raw \
                --print-units base "$FA" --version $v --B $B --H 16 --N $N --d 64 --causal 0 --profile-once --no-check 2>&1 |
                grep -v "^==PROF==" | grep -E '^"|rror'
            echo "# exit code: ${PIPESTATUS[0]}"
        done
    done
} > "$f"
echo "wrote $f"
