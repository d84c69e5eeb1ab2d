#!/usr/bin/env bash
# run_micro.sh BUILD_DIR OUT_DIR [NAME...]: runs the microbenchmarks of kernels/micro/ built in
# BUILD_DIR (cmake -S kernels -B BUILD_DIR; all of them, or the NAMEs given) and writes each one's
# raw output, provenance first, to OUT_DIR/micro-<gpu>-<date>-<name>.txt, the name
# kernels/measurements/ stores it under.
set -u
B=${1:?usage: run_micro.sh BUILD_DIR OUT_DIR}
O=${2:?usage: run_micro.sh BUILD_DIR OUT_DIR}
mkdir -p "$O"
. "$(dirname "$0")/../gpu_slug.sh"
slug=$(gpu_slug)
day=$(date -u +%Y-%m-%d)
shift 2
names=${*:-mem_latency_bw loaded_chase clock_under_load launch_cost mma_rate ldmatrix_mma_mix issue_latency l2_writeback l2_clean_order sram_issue l2_stream l2_partition cta_retire red_throughput l2_merge write_stream tile_stream cta_placement sm_skew cta_life}
# ncu_pass WHAT ARGS...: runs `ncu ARGS...` and writes its raw output, provenance first, to
# OUT_DIR/micro-<gpu>-<date>-<name>-ncu.txt (WHAT names the program in the first line); shows its tail.
ncu_pass() {
    local what=$1
    shift
    local f="$O/micro-$slug-$day-$name-ncu.txt"
    {
        echo "# kernels/micro/$what under ncu, raw output (never edited)"
        echo "# date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
        echo "# gpu: $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader)"
        echo "# ncu: $(ncu --version 2>/dev/null | tail -1)"
        echo "# command: ncu $*"
        ncu "$@" 2>&1
        echo "# exit code: $?"
    } > "$f"
    tail -5 "$f"
}
for name in $names; do
    exe="$B/micro_$name"
    if [ ! -x "$exe" ]; then echo "skip $name (not built)"; continue; fi
    f="$O/micro-$slug-$day-$name.txt"
    # l2_writeback and l2_clean_order only launch; Nsight Compute measures their kernels (HBM bytes per kernel).
    runner=()
    if [ "$name" = l2_writeback ] || [ "$name" = l2_clean_order ]; then
        runner=(ncu --metrics dram__bytes_write.sum,dram__bytes_read.sum,lts__t_sectors_op_write.sum,gpu__time_duration.sum
                --cache-control all --clock-control none --csv)
    fi
    # l2_merge: the read sectors at the L2 and the L1 of each read_region launch, the metrics this ncu has
    # (kernels/micro/l2_merge_metrics.sh); the launches flush the L2 themselves (--cache-control none).
    if [ "$name" = l2_merge ]; then
        runner=(ncu --kernel-name read_region --metrics "$(bash "$(dirname "$0")/l2_merge_metrics.sh")"
                --cache-control none --clock-control none --csv)
    fi
    {
        echo "# kernels/micro/$name.cu, raw output (never edited)"
        echo "# date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
        echo "# gpu, driver, SM clock now, max SM clock: $(nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm --format=csv,noheader)"
        echo "# cuda: $(nvcc --version | grep release)"
        echo "# ncu: $(ncu --version 2>/dev/null | tail -1)"
        echo "# command: ${runner[*]} $exe   (built by cmake -S kernels -B $B -DCMAKE_CUDA_ARCHITECTURES=90; run by kernels/micro/run_micro.sh $B OUT $name)"
        "${runner[@]}" "$exe" 2>&1
        echo "# exit code: $?"
    } > "$f"
    cat "$f"
    # red_throughput: its HBM cases under Nsight Compute (bytes to and from HBM, L2 sectors per op).
    if [ "$name" = red_throughput ]; then
        m=dram__bytes_read.sum,dram__bytes_write.sum,lts__t_sectors_op_red.sum,lts__t_sectors_op_write.sum,lts__t_sectors_op_read.sum,gpu__time_duration.sum
        ncu_pass "$name.cu --ncu" --metrics "$m" --cache-control all --clock-control none --csv "$exe" --ncu
    fi
    # sm_skew: also under Nsight Compute, each sweep's read sectors at the L2 tags and the request
    # coalescer's counters (l2_merge_metrics.sh with FLASHSIM_LRC=1), to set beside its skews.
    if [ "$name" = sm_skew ]; then
        m=$(FLASHSIM_LRC=1 bash "$(dirname "$0")/l2_merge_metrics.sh")
        ncu_pass "$name.cu" --kernel-name regex:sweep --metrics "$m" --cache-control none --clock-control none --csv "$exe"
    fi
    # sram_issue: also under Nsight Compute, for its instructions and shared wavefronts per step.
    if [ "$name" = sram_issue ]; then
        m=smsp__inst_executed.sum,l1tex__data_pipe_lsu_wavefronts_mem_shared.sum,smsp__inst_executed_op_shared_ld.sum,sm__cycles_elapsed.max
        ncu_pass "$name.cu" --metrics "$m" --csv "$exe"
    fi
done
