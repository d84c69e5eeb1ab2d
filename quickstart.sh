#!/usr/bin/env bash
# quickstart.sh: the README's two commands, on a fresh Debian 12 machine (as root, or with sudo).
#   ./quickstart.sh demo   install what is missing, build, run the classroom demo
#   ./quickstart.sh test   install what is missing, build, run the whole test suite, then the
#                          robustness step (tests/robustness.sh: the unit and hostile-input tests
#                          under ASan+UBSan, and every fuzzer for FUZZ_SECONDS, default 12)
#   ./quickstart.sh build  install and build only
# Environment: BUILD_DIR (default build), JOBS (default: all cores), ROBUSTNESS=0 skips the
# robustness step (its build goes to BUILD_DIR-asan).
set -euo pipefail
cd "$(dirname "$0")"
what=${1:-demo}
case "$what" in demo|test|build) ;; *) echo "usage: $0 demo|test|build" >&2; exit 2 ;; esac

packages=(g++ cmake ninja-build pkg-config libeigen3-dev libboost-program-options-dev libspdlog-dev
          doctest-dev libtomlplusplus-dev nlohmann-json3-dev
          libimgui-dev libstb-dev libglfw3-dev libgl-dev xvfb xauth gnuplot-nox)
# The test command's robustness step builds with clang (ASan, UBSan, libFuzzer).
if [ "$what" = test ]; then packages+=(clang libclang-rt-14-dev); fi
missing=()
# The Python module (pybind11), its tests and the lessons' notebooks.
packages+=(python3-dev pybind11-dev python3-pybind11 python3-pandas python3-matplotlib python3-pytest
           jupyter-nbconvert python3-ipykernel python3-tqdm)
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "quickstart: installing ${missing[*]}"
  sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

build=${BUILD_DIR:-build}
jobs=${JOBS:-$(nproc)}
# Where nvcc is installed the build compiles kernels/ too, here for sm_90 alone (the H100 and H200
# they are measured on, as kernels/fa_bench_or_build.sh builds them; `cmake -S kernels` builds
# sm_80 as well): both targets took about 90 s of the test command's 15 minutes on two cores.
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_ARCHITECTURES=90 >/dev/null
cmake --build "$build" -j "$jobs"

case "$what" in
  demo) "$build/sim/flashsim" ;;
  test)
    ctest --test-dir "$build" --output-on-failure -j "$jobs"
    if [ "${ROBUSTNESS:-1}" != 0 ]; then JOBS=$jobs tests/robustness.sh "$build-asan"; fi ;;
  build) ;;
esac
