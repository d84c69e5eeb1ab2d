# fa_bench_or_build.sh: sourced by the kernels/check_*.sh scripts. fa_bench_or_build BUILD_DIR PATTERN
# sets FA to FA_BENCH (a prebuilt fa_bench) when it runs, else builds fa_bench in BUILD_DIR (sm_90,
# Release; the build's lines matching PATTERN are shown) and sets FA to it; returns 1 if it cannot.
fa_bench_or_build() {
    FA=${FA_BENCH:-}
    if [ -z "$FA" ] || ! "$FA" --info >/dev/null 2>&1; then
        cmake -S kernels -B "$1" -DCMAKE_CUDA_ARCHITECTURES=90 -DCMAKE_BUILD_TYPE=Release >/dev/null || return 1
        cmake --build "$1" --target fa_bench -j"$(nproc)" 2>&1 | grep -E "$2"
        test -x "$1/fa_bench" || return 1
        FA="$1/fa_bench"
    fi
}
