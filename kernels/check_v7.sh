#!/usr/bin/env bash
# check_v7.sh: on a GPU machine, build fa_bench (or take FA_BENCH, a prebuilt one), check version 7
# (the FA2 backward) against the CPU backward on shapes with N not a multiple of the blocks
# (N = 1, 100, 257, 1000, 1031, 4097), d = 64 and 128, causal and not, fp16 and bf16; run
# compute-sanitizer memcheck and racecheck on B=1 H=2 N=100; time v7 and PyTorch's flash backward
# on the validation shapes (B=16 H=16 N=1024, B=4 H=16 N=4096).
# usage: kernels/check_v7.sh [BUILD_DIR]      (from the repository root)
set -u
BUILD=${1:-build-kernels}
. "$(dirname "$0")/fa_bench_or_build.sh"
fa_bench_or_build "$BUILD" "error|v7" || exit 1
fails=0
check() {  # check DTYPE B H N d causal
    local out rc
    out=$(timeout 120 "$FA" --version 7 --dtype "$1" --B "$2" --H "$3" --N "$4" --d "$5" --causal "$6" --repeats 1 2>&1)
    rc=$?
    printf "v7 %-4s B=%s H=%s N=%-5s d=%-3s causal=%s rc=%s %s\n" "$1" "$2" "$3" "$4" "$5" "$6" "$rc" \
        "$(echo "$out" | grep -E '^check:' | cut -c1-90)"
    if [ $rc -ne 0 ]; then fails=$((fails+1)); echo "$out" | grep -v "^check:" | tail -8; fi
}
for c in 0 1; do for d in 64 128; do
    check fp16 1 2 100 $d $c; check fp16 2 3 257 $d $c; check bf16 1 2 1000 $d $c; check fp16 1 1 1031 $d $c
    check fp16 1 1 1 $d $c; check bf16 2 2 256 $d $c
done; done
for c in 0 1; do check fp16 2 16 4097 128 $c; check bf16 4 16 4096 64 $c; check fp16 16 16 1024 64 $c; done
echo "v7 correctness failures: $fails"
echo "--- compute-sanitizer (v7, B=1 H=2 N=100) ---"
for tool in memcheck racecheck; do for d in 64 128; do for c in 0 1; do
    timeout 120 compute-sanitizer --tool $tool --error-exitcode 99 "$FA" --version 7 --B 1 --H 2 --N 100 --d $d \
        --causal $c --repeats 1 2>&1 | grep -E "SUMMARY|check:" | cut -c1-60 | tr '\n' ' ' | sed "s/^/$tool d=$d causal=$c: /"; echo
done; done; done
echo "--- timings (fp16, median ms, L2 flushed) ---"
for s in "16 16 1024" "4 16 4096"; do set -- $s; for d in 64 128; do for c in 0 1; do
    timeout 60 "$FA" --version 7 --B $1 --H $2 --N $3 --d $d --causal $c --repeats 20 --no-check | grep time: |
        sed "s/^/v7 N=$3 d=$d causal=$c /"
done; done; done
python3 kernels/torch_reference.py "$(python3 -c 'import json; print(json.dumps([dict(B=b, H=16, N=n, d=d, causal=c, **{"pass": "bwd"}) for b, n in ((16, 1024), (4, 4096)) for d in (64, 128) for c in (False, True)]))')" 20 |
    python3 -c "import json,sys; [print('torch bwd N=%d d=%d causal=%d %.4f ms %.1f TFLOP/s' % (r['N'], r['d'], r['causal'], r['time_ms_median'], r['tflops'])) for r in json.load(sys.stdin)]"
exit $fails
