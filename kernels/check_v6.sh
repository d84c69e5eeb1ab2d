#!/usr/bin/env bash
# check_v6.sh: on a Hopper machine, build fa_bench for sm_90/sm_90a, show that version 6's SASS uses
# HGMMA, check v6 against the CPU reference (N = 1, 100, 1000, 1024, 4097; d = 64, 128; causal and
# not; fp16 and bf16), run compute-sanitizer memcheck and racecheck on small shapes, and time v5, v6
# and PyTorch's flash SDPA on the validation shapes (B·H·N = 262144).
# usage: kernels/check_v6.sh [BUILD_DIR]      (from the repository root)
set -u
BUILD=${1:-build-kernels}
cmake -S kernels -B "$BUILD" -DCMAKE_CUDA_ARCHITECTURES=90 -DCMAKE_BUILD_TYPE=Release >/dev/null || exit 1
cmake --build "$BUILD" -j"$(nproc)" 2>&1 | grep -E "error|warning|v6" ; test -x "$BUILD/fa_bench" || exit 1
FA="$BUILD/fa_bench"
echo "--- SASS of v6 (sm_90a): instruction counts ---"
cuobjdump -sass "$FA" > /tmp/fa_bench.sass 2>/dev/null
for ins in HGMMA HMMA UTMALDG UTMASTG SYNCS LDL STL; do
    printf "%-8s %s\n" $ins "$(awk '/Function : .*v6_fa3_hopper/{f=1} /Function : /&&!/v6_fa3_hopper/{f=0} f' /tmp/fa_bench.sass | grep -c "$ins")"
done
fails=0
check() {  # check DTYPE B H N d causal
    local out rc
    out=$(timeout 60 "$FA" --version 6 --dtype "$1" --B "$2" --H "$3" --N "$4" --d "$5" --causal "$6" --repeats 1 2>&1)
    rc=$?
    printf "v6 %-4s B=%s H=%s N=%-5s d=%-3s causal=%s rc=%s %s\n" "$1" "$2" "$3" "$4" "$5" "$6" "$rc" \
        "$(echo "$out" | grep -E '^check:' | cut -c1-70)"
    if [ $rc -ne 0 ]; then fails=$((fails+1)); echo "$out" | tail -8; fi
}
for c in 0 1; do for d in 64 128; do
    check fp16 1 2 100 $d $c; check fp16 1 2 1000 $d $c; check fp16 2 2 1024 $d $c; check fp16 1 3 4097 $d $c
    check bf16 1 2 1000 $d $c; check fp16 1 1 1 $d $c
done; done
check fp16 4 16 4096 128 1; check bf16 2 16 4097 64 0
echo "v6 correctness failures: $fails"
echo "--- compute-sanitizer (v6, B=1 H=2 N=100) ---"
for tool in memcheck racecheck; do for d in 64 128; do for c in 0 1; do
    timeout 120 compute-sanitizer --tool $tool --error-exitcode 99 "$FA" --version 6 --B 1 --H 2 --N 100 --d $d \
        --causal $c --repeats 1 2>&1 | grep -E "SUMMARY|check:" | tr '\n' ' ' | sed "s/^/$tool d=$d causal=$c: /"; echo
done; done; done
echo "--- timings (fp16, median ms, L2 flushed) ---"
for s in "16 16 1024" "4 16 4096" "1 16 16384"; do set -- $s; for d in 64 128; do for c in 0 1; do
    for v in 5 6; do
        timeout 60 "$FA" --version $v --B $1 --H $2 --N $3 --d $d --causal $c --repeats 20 --no-check | grep time: |
            sed "s/^/v$v N=$3 d=$d causal=$c /"
    done
done; done; done
python3 kernels/torch_reference.py '[{"B":16,"H":16,"N":1024,"d":64,"causal":false},{"B":16,"H":16,"N":1024,"d":64,"causal":true},{"B":16,"H":16,"N":1024,"d":128,"causal":false},{"B":16,"H":16,"N":1024,"d":128,"causal":true},{"B":4,"H":16,"N":4096,"d":64,"causal":false},{"B":4,"H":16,"N":4096,"d":64,"causal":true},{"B":4,"H":16,"N":4096,"d":128,"causal":false},{"B":4,"H":16,"N":4096,"d":128,"causal":true},{"B":1,"H":16,"N":16384,"d":64,"causal":false},{"B":1,"H":16,"N":16384,"d":64,"causal":true},{"B":1,"H":16,"N":16384,"d":128,"causal":false},{"B":1,"H":16,"N":16384,"d":128,"causal":true}]' 20 |
    python3 -c "import json,sys; [print('torch N=%d d=%d causal=%d %.4f ms %.1f TFLOP/s' % (r['N'], r['d'], r['causal'], r['time_ms_median'], r['tflops'])) for r in json.load(sys.stdin)]"
exit $fails
