#!/usr/bin/env bash
# make_screenshots.sh: regenerates the viewer's images in docs/img (docs/viewer.md shows them).
#   viz/make_screenshots.sh [BUILD_DIR]      (default: build; needs xvfb-run)
# Each image is the viewer rendered headless (--screenshot), so the docs show what the program
# draws. When pngquant is installed the images are reduced with it (--quality 60-90).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
viz="$build/sim/flashsim-viz"
out=docs/img
[ -x "$viz" ] || { echo "make_screenshots: $viz not found; build with -DFLASHSIM_BUILD_VIZ=ON first" >&2; exit 2; }
command -v xvfb-run >/dev/null || { echo "make_screenshots: xvfb-run not found (Debian: xvfb, xauth)" >&2; exit 2; }
mkdir -p "$out"

shot() {  # shot NAME WIDTHxHEIGHT ARGS...
  local name=$1 size=$2; shift 2
  xvfb-run -a -s "-screen 0 ${size}x24" "$viz" --width "${size%x*}" --height "${size#*x}" "$@" \
    --screenshot "$out/$name.png" >/dev/null
  rm -f "$out/$name.png.json"
  if command -v pngquant >/dev/null; then pngquant --force --skip-if-larger --quality 60-90 --output "$out/$name.png" "$out/$name.png" || true; fi
  echo "wrote $out/$name.png"
}

# FA2 on the A100 preset, 19 ops in: tiles loading, the SRAM of four SMs, the counters.
shot viewer-hierarchy 1600x1000 --algo fa2 --N 1024 --steps 19
# FA2 against vanilla, stepping together, with the B / A table.
shot viewer-compare 1600x1000 --algo fa2 --N 1024 --view compare --steps 19
# One head on the teaching GPU: one CTA, so one SM works and seven are idle.
shot viewer-timeline 1600x1000 --algo fa1 --gpu teaching --N 1024 --heads 1 --view timeline
# Sweeps vs block size and N with the current configuration ringed, and the roofline.
shot viewer-plots 1600x1000 --algo fa2 --N 1024 --view plots
# Projector mode on a 1280x720 projector: larger fonts, black background.
shot viewer-projector 1280x720 --algo fa1 --gpu teaching --N 1024 --heads 1 --projector --steps 12
# The compare view on the same projector with the side panels hidden (key C).
shot viewer-compare-projector 1280x720 --algo fa2 --N 1024 --view compare --steps 19 --projector --hide-panels
# A schedule that does not fit: the error and the SRAM bar's overflow in red.
shot viewer-sram-overflow 1600x1000 --algo fa2 --d 128 --Br 256 --Bc 256
