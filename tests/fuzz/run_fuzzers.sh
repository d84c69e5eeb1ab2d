#!/usr/bin/env bash
# run_fuzzers.sh BUILD_DIR [SECONDS]: runs every libFuzzer harness of BUILD_DIR (configured with
# -DFLASHSIM_FUZZ=ON) for SECONDS each (default 15), on a fresh corpus seeded from the repo's own
# files and the committed regressions (tests/fuzz/regressions/HARNESS/, inputs that once crashed
# or hung). Fails on any crash, sanitizer report, leak, timeout (10 s per input) or out-of-memory;
# the input that did it is left in BUILD_DIR/fuzz/artifacts/ (commit it as a regression once
# fixed). Prints executions per harness. Runs JOBS harnesses at once (default: all cores).
set -euo pipefail
build=$(cd "${1:?usage: run_fuzzers.sh BUILD_DIR [SECONDS]}" && pwd)
seconds=${2:-15}
src=$(cd "$(dirname "$0")/../.." && pwd)
work="$build/fuzz"
rm -rf "$work/corpus" "$work/seeds"
mkdir -p "$work/artifacts" "$work/logs"

# Seeds: the repo's own files of each kind.
seed() {  # seed HARNESS FILE...
  mkdir -p "$work/seeds/$1"
  shift_name=$1; shift
  for f in "$@"; do [ -f "$f" ] && cp "$f" "$work/seeds/$shift_name/$(echo "$f" | tr '/' '_')"; done
  return 0
}
seed gpu_toml "$src"/sim/presets/*.toml
seed lesson_config "$src"/lessons/*/*.toml
seed measurement_json "$src"/tests/crosscheck/fixtures/*.json
seed ncu_csv "$src"/tests/crosscheck/fixtures/*.csv
# Answer files as students get them and as the key fills them (generated: they carry the model).
mkdir -p "$work/seeds/homework_answers"
"$build/sim/flashsim" homework key --seed 7 --student ada --json "$work/seeds/homework_answers/key.json" >/dev/null
"$build/sim/flashsim" homework generate --seed 7 --student bob --out "$work/seeds/homework_answers" >/dev/null
rm -f "$work"/seeds/homework_answers/*.md
# Command lines: every `flashsim run ...` the lessons teach.
mkdir -p "$work/seeds/cli"
i=0
grep -h '^flashsim run ' "$src"/lessons/*/commands.txt | while read -r line; do
  i=$((i + 1)); printf '%s\n' "${line#flashsim }" > "$work/seeds/cli/lesson-$i.txt"
done

harnesses=(gpu_toml lesson_config homework_answers measurement_json ncu_csv cli)
# Up to JOBS harnesses at once (default: all cores): each is one process on one core, and each
# still runs SECONDS; the table prints in the order above once all have ended.
jobs=${JOBS:-$(nproc)}
fuzz() {  # fuzz HARNESS: runs it, its exit status in $work/logs/HARNESS.rc
  local h=$1 rc=0
  mkdir -p "$work/corpus/$h"
  local dirs=("$work/corpus/$h" "$work/seeds/$h")
  [ -d "$src/tests/fuzz/regressions/$h" ] && dirs+=("$src/tests/fuzz/regressions/$h")
  (cd "$work" && ASAN_OPTIONS=detect_leaks=1 "$build/tests/fuzz/fuzz_$h" -max_total_time="$seconds" -timeout=10 \
     -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 -artifact_prefix="$work/artifacts/$h-" "${dirs[@]}" \
     >"$work/logs/$h.log" 2>&1) || rc=$?
  echo "$rc" >"$work/logs/$h.rc"
}
rm -f "$work"/logs/*.rc
running=0
for h in "${harnesses[@]}"; do
  if [ "$running" -ge "$jobs" ]; then wait -n || true; running=$((running - 1)); fi
  fuzz "$h" &
  running=$((running + 1))
done
wait

status=0
printf '%-18s %12s %10s  %s\n' harness executions "exec/s" result
for h in "${harnesses[@]}"; do
  log="$work/logs/$h.log"
  rc=$(cat "$work/logs/$h.rc" 2>/dev/null || echo "?")
  execs=$(grep -m1 'stat::number_of_executed_units' "$log" | awk '{print $2}' || true)
  eps=$(grep -m1 'stat::average_exec_per_sec' "$log" | awk '{print $2}' || true)
  if [ "$rc" = 0 ]; then result="ok, 0 crashes"; else result="FAILED (exit $rc): see $log"; status=1; fi
  printf '%-18s %12s %10s  %s\n' "$h" "${execs:-?}" "${eps:-?}" "$result"
  [ "$rc" = 0 ] || grep -m5 -E 'ERROR|SUMMARY|Test unit written' "$log" || true
done
exit $status
