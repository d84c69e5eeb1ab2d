#!/usr/bin/env bash
# robustness.sh [BUILD_DIR]: the sanitizer and fuzzing step of the test command (quickstart.sh
# test runs it after the main suite; tests/fuzz/README.md explains it).
#   1. configures BUILD_DIR (default build-asan) with clang and -DFLASHSIM_FUZZ=ON: every object
#      built with AddressSanitizer + UndefinedBehaviorSanitizer (and fuzzing coverage);
#   2. builds the flashsim binary, the unit-test binary and the fuzzers (not the viewer);
#   3. runs the unit tests under the sanitizers, all but the slow replay of the stored
#      measurements, eight long accuracy checks of the skips and the lessons' commands (which the
#      main suite runs), the hostile-input table included, against the sanitized binary (two
#      processes with JOBS >= 2);
#   4. runs every fuzzer FUZZ_SECONDS (default 12) seconds, JOBS at once (tests/fuzz/run_fuzzers.sh).
# Environment: JOBS (default: all cores), FUZZ_SECONDS.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-asan}
jobs=${JOBS:-$(nproc)}
start=$(date +%s)
CC=clang CXX=clang++ cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=None -DCMAKE_CXX_FLAGS="-O1 -gline-tables-only" \
  -DFLASHSIM_FUZZ=ON -DFLASHSIM_BUILD_VIZ=OFF -DFLASHSIM_BUILD_KERNELS=OFF >/dev/null
cmake --build "$build" -j "$jobs" --target flashsim flashsim_tests fuzzers
built=$(date +%s)
echo "robustness: sanitizer build $((built - start)) s"
# The replay of the stored measurements simulates every measured run (minutes under ASan): the
# main suite covers it. It also runs eight accuracy checks of the two skips that take 28-77 s each
# under ASan (the last wave's warming 77 s, the partial last wave's 52 s, the steady-state skip's
# whole heads 39 s, the row kernels' spans without the drift's 37 s); each skip's code runs here
# in its other cases (the iteration skip in "causal kernels drop no iterations", "the iteration
# skip's windows hold a loop period ...", "the iteration skip leaves the L2 as the iterations it
# drops would ..." (its warming), "a kernel whose slots free in the same order after a cut ..."
# (the cut held for the last wave's placement); the steady-state skip in "kernels whose CTAs
# launch in groups skip whole waves ...", the sampled row kernels' "... skip on spans whose
# granules go with the share ..."; sampled runs that skip in "vanilla sampled on the h100 L2 ...").
# And the lessons' commands (84 s under ASan, a third of it one file's cross-check), each command
# of which runs here through its own tests (the run, sweep, cross-check, verify and lesson
# subcommands' cases and the hostile-input table against the sanitized binary). Every other test
# case runs here, in two processes when there are two cores or more: the longest (about 110 s
# under ASan together, 2026-12-06) beside all the others (about as long). A case renamed out of a
# list runs in the second process.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
skip='*stored measurements replay*,kernels of few long CTAs drop whole periods*'
skip+=',the iteration skip cuts only CTAs whose pace holds over both spans*'
skip+=',set-sampled kernels whose CTAs share tiles skip only on spans*,few heads are skipped when each head spans many waves*'
skip+=',the iteration skip warms the L2 after a cut in the last wave too*,the steady-state skip skips whole heads*'
skip+=',every command of every lesson runs through*,kernels whose last wave is partial drop no iterations before*'
skip+=',kernels whose CTAs share no tile skip without waiting*,a kernel whose CTAs share tiles skips only once*'
long='a kernel whose slots free in the same order after a cut*'
long+=",the iteration skip's windows hold a loop period*,a sampled run's first-wave CTAs on the two SMs of a TPC*"
long+=',every claim of every lesson holds*,set-sampled row kernels skip on spans*,vanilla sampled on the h100 L2*'
long+=',a sampled run whose CUDA-core GEMMs load through*,students of one class get different problems*'
tests=("$build/tests/flashsim_tests" --duration=false)
if [ "$jobs" -ge 2 ]; then
  long_log=$(mktemp)
  "${tests[@]}" --test-case="$long" --test-case-exclude="$skip" >"$long_log" 2>&1 &
  long_pid=$!
  rest=0
  "${tests[@]}" --test-case-exclude="$skip,$long" || rest=$?
  long_status=0
  wait "$long_pid" || long_status=$?
  cat "$long_log"
  rm -f "$long_log"
  if [ "$rest" != 0 ] || [ "$long_status" != 0 ]; then
    echo "robustness: unit tests under ASan+UBSan failed" >&2
    exit 1
  fi
else
  "${tests[@]}" --test-case-exclude="$skip"
fi
tested=$(date +%s)
echo "robustness: unit and hostile-input tests under ASan+UBSan $((tested - built)) s"
JOBS=$jobs tests/fuzz/run_fuzzers.sh "$build" "${FUZZ_SECONDS:-12}"
echo "robustness: fuzzing $(( $(date +%s) - tested )) s; total $(( $(date +%s) - start )) s"
