#!/usr/bin/env bash
# check_l2_merge.sh: on a GPU machine, the evidence of where requested bytes disappear before the
# L2's lts__t counters (docs/fidelity.md, L2 traffic): kernels/micro/l2_merge under ncu (L1 hits of
# ld.global, merging of requests from several SMs, by load kind and time apart), then profile.py
# with its L1 metrics on versions 4, 5, 6 at the calibration shapes (N = 1024, 4096; d = 64, 128).
# Takes prebuilt binaries from KBIN (fa_bench, micro_l2_merge) when they run, else builds them.
# usage: kernels/check_l2_merge.sh OUT_DIR [KBIN]      (from the repository root)
set -u
O=${1:?usage: check_l2_merge.sh OUT_DIR [KBIN]}
K=${2:-build-kernels}
mkdir -p "$O"
if ! "$K/fa_bench" --info >/dev/null 2>&1 || ! "$K/micro_l2_merge" >/dev/null 2>&1; then
    K=build-kernels-device
    cmake -S kernels -B $K -DCMAKE_CUDA_ARCHITECTURES=90 -DCMAKE_BUILD_TYPE=Release >/dev/null &&
        cmake --build $K --target fa_bench micro_l2_merge -j"$(nproc)" 2>&1 | grep -E "error" 
fi
echo "binaries: $K"
ncu --query-metrics > "$O/ncu-query-metrics-h200.txt" 2>&1
echo "ncu lists $(grep -c __ "$O/ncu-query-metrics-h200.txt") metric lines; lrc/coalescer/multicast bases:"
grep -i -E "^(lrc|[a-z0-9]+__[a-z0-9_]*(coalesc|multicast))" "$O/ncu-query-metrics-h200.txt" | cut -c1-150
timeout 90 bash kernels/micro/run_micro.sh "$K" "$O" l2_merge > /dev/null 2>&1; echo "l2_merge rc=$?"
f=$(ls "$O"/micro-*-l2_merge.txt 2>/dev/null | head -1)
lrc=$(FLASHSIM_LRC=1 bash kernels/micro/l2_merge_metrics.sh | tr ',' '\n' | grep -v -E "^(lts|l1tex|sm|smsp|gpu)__" | paste -sd,)
if [ -n "$lrc" ] && [ -n "$f" ]; then
    g="${f%.txt}-lrc.txt"
    { echo "# kernels/micro/l2_merge.cu under ncu, the L2 request coalescer's counters, first 40 launches (raw output)"
      echo "# date: $(date -u +%Y-%m-%dT%H:%M:%SZ); ncu: $(ncu --version | tail -1)"
      echo "# command: ncu --kernel-name read_region --launch-count 40 --metrics $lrc --cache-control none --clock-control none --csv $K/micro_l2_merge"
      timeout 40 ncu --kernel-name read_region --launch-count 40 --metrics "$lrc" --cache-control none --clock-control none --csv "$K/micro_l2_merge" 2>&1
      echo "# exit code: $?"; } > "$g"
fi
timeout 200 python3 kernels/profile.py --bench "$K/fa_bench" --out "$O" --phases runs --versions 4,5,6 --N 1024,4096 \
    --tag l1 --repeats 3 > "$O/profile-l1.log" 2>&1; echo "profile rc=$?"
tail -5 "$O/profile-l1.log"
