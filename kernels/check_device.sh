#!/usr/bin/env bash
# check_device.sh: on a GPU machine, build fa_bench, check every version on several shapes (N not a
# multiple of the blocks included, all storage types; the backward, v7, on two: check_v7.sh has the
# rest), and time v5 against PyTorch's flash SDPA.
# usage: kernels/check_device.sh [BUILD_DIR] [ARCHS]      (from the repository root)
set -u
BUILD=${1:-build-kernels}
ARCHS=${2:-90}
cmake -S kernels -B "$BUILD" -DCMAKE_CUDA_ARCHITECTURES="$ARCHS" -DCMAKE_BUILD_TYPE=Release >/dev/null || exit 1
cmake --build "$BUILD" -j"$(nproc)" 2>&1 | grep -E "error|warning|Built" ; test -x "$BUILD/fa_bench" || exit 1
FA="$BUILD/fa_bench"
HAS_V6=$("$FA" --help | grep -cE "^  6 ")  # version 6 is built only for Hopper (sm_90a)
fails=0
check() {  # check V DTYPE B H N d causal [more args]
    local out
    out=$("$FA" --version "$1" --dtype "$2" --B "$3" --H "$4" --N "$5" --d "$6" --causal "$7" "${@:8}" --repeats 1 2>&1)
    local rc=$?
    local line=$(echo "$out" | grep -E "^check:" | cut -c1-60)
    printf "v%s %-4s B=%s H=%s N=%-5s d=%-3s causal=%s %-14s rc=%s %s\n" "$1" "$2" "$3" "$4" "$5" "$6" "$7" "${*:8}" "$rc" "$line"
    if [ $rc -ne 0 ]; then fails=$((fails+1)); echo "$out" | tail -12; fi
}
for shape in "1 2 100 64" "2 3 257 128" "1 2 1000 64" "1 1 1031 128" "2 2 256 64" "1 1 1 64"; do
    for c in 0 1; do
        for v in 1 2 3 4; do for t in fp32 fp16; do check $v $t $shape $c; done; done
        for t in fp16 bf16; do check 5 $t $shape $c; [ "$HAS_V6" = 1 ] && check 6 $t $shape $c; done
    done
done
for v in 1 2 3 4; do check $v bf16 2 3 257 128 1; check $v bf16 1 2 100 64 0; done
check 3 fp32 1 2 300 64 1 --Br 16 --Bc 48
check 3 fp16 1 2 300 128 0 --Br 64 --Bc 16
check 4 fp32 1 2 300 64 1 --Br 32 --Bc 16
check 4 fp16 1 2 300 128 0 --Br 8 --Bc 40
for c in 0 1; do check 5 fp16 2 16 4096 128 $c; check 5 bf16 2 16 4097 64 $c; check 4 fp16 1 4 4096 64 $c; done
check 1 fp16 1 2 16384 64 1
for c in 0 1; do check 7 fp16 1 2 100 64 $c; check 7 bf16 2 3 257 128 $c; done  # the backward (check_v7.sh: more)
echo "correctness failures: $fails"
echo "--- quick timings (fp16) ---"
for d in 64 128; do for c in 0 1; do
    "$FA" --version 5 --B 4 --H 16 --N 4096 --d $d --causal $c --repeats 20 --no-check | grep time: | sed "s/^/v5 N=4096 d=$d causal=$c /"
done; done
"$FA" --version 5 --B 1 --H 16 --N 16384 --d 128 --repeats 10 --no-check | grep time: | sed "s/^/v5 N=16384 d=128 /"
for v in 1 2 3 4; do "$FA" --version $v --B 4 --H 16 --N 4096 --d 128 --repeats 3 --no-check | grep time: | sed "s/^/v$v N=4096 d=128 /"; done
python3 kernels/torch_reference.py '[{"B":4,"H":16,"N":4096,"d":64,"causal":false},{"B":4,"H":16,"N":4096,"d":64,"causal":true},{"B":4,"H":16,"N":4096,"d":128,"causal":false},{"B":4,"H":16,"N":4096,"d":128,"causal":true},{"B":1,"H":16,"N":16384,"d":128,"causal":false}]' 20 | python3 -c "import json,sys; [print('torch', r['N'], r['d'], r['causal'], round(r['time_ms_median'],4), 'ms', round(r['tflops'],1), 'TFLOP/s') for r in json.load(sys.stdin)]"
exit $fails
