#!/usr/bin/env bash
# check_unfused.sh: on a GPU machine, build fa_bench (or take FA_BENCH, a prebuilt one), check the
# unfused versions 8 (vanilla backward), 9 and 10 (standard attention forward and backward, dropout
# p = 0.1 with the kernel's mask regenerated on the CPU) against the CPU reference on shapes with N
# not a multiple of 64 (N = 1, 100, 257, 1000, 1031), d = 64 and 128, causal and not, fp16, bf16
# and fp32; run compute-sanitizer memcheck on B=1 H=2 N=100, causal and not (racecheck causal: the row
# kernels share SRAM); time them at the FA paper's Figure 2 setting (B=64 H=16 N=1024 d=64, causal).
# usage: kernels/check_unfused.sh [BUILD_DIR]      (from the repository root); exit status = failures
set -u
BUILD=${1:-build-kernels}
. "$(dirname "$0")/fa_bench_or_build.sh"
fa_bench_or_build "$BUILD" "error" || exit 1
fails=0
check() {  # check VERSION DTYPE B H N d causal
    local out rc
    out=$(timeout 120 "$FA" --version "$1" --dtype "$2" --B "$3" --H "$4" --N "$5" --d "$6" --causal "$7" --repeats 1 2>&1)
    rc=$?
    printf "v%-2s %-4s B=%s H=%s N=%-5s d=%-3s causal=%s rc=%s %s\n" "$1" "$2" "$3" "$4" "$5" "$6" "$7" "$rc" \
        "$(echo "$out" | grep -E '^check:' | cut -c1-100)"
    if [ $rc -ne 0 ]; then fails=$((fails+1)); echo "$out" | grep -v "^check:" | tail -8; fi
}
for v in 8 9 10; do for c in 0 1; do for d in 64 128; do
    check $v fp16 1 2 100 $d $c; check $v fp16 2 3 257 $d $c; check $v bf16 1 2 1000 $d $c
done; check $v fp16 1 1 1 64 $c; check $v fp32 1 2 1031 64 $c; check $v fp16 16 16 1024 64 $c; done; done
echo "unfused correctness failures: $fails"
echo "--- compute-sanitizer (B=1 H=2 N=100 d=64 fp16) ---"
for v in 8 9 10; do for tc in "memcheck 0" "memcheck 1" "racecheck 1"; do set -- $tc; tool=$1 c=$2
    timeout 120 compute-sanitizer --tool $tool --error-exitcode 99 "$FA" --version $v --B 1 --H 2 --N 100 --d 64 \
        --causal $c --repeats 1 2>&1 | grep -E "SUMMARY|check:" | cut -c1-60 | tr '\n' ' ' | sed "s/^/v$v $tool causal=$c: /"; echo
done; done
echo "--- Figure 2 setting: B=64 H=16 N=1024 d=64 causal, fp16, median ms (L2 flushed) ---"
for v in 2 9 8 10 5 7; do
    timeout 120 "$FA" --version $v --B 64 --H 16 --N 1024 --d 64 --causal 1 --repeats 10 --no-check | grep time: | sed "s/^/v$v /"
done
exit $fails
