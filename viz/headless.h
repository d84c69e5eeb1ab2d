// headless.h: the three ways the viewer runs: interactive, headless (screenshots and recordings
// for slides and tests) and the benchmark.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "viz/app.h"

namespace flashsim::viz {

int run_interactive(AppState& app, int width, int height);
// Renders after `steps` animation steps and writes `screenshot` (PNG) and `screenshot`.json (the
// frame's draw record), and/or one PNG and JSON per step 0..steps into `record_dir`.
int run_headless(AppState& app, int width, int height, const std::string& screenshot, const std::string& record_dir,
                 int64_t steps);
// Writes DIR/VIEW[-projector]-WxH.png (and .json) for every size, mode (false: normal, true:
// projector) and view, after `steps` animation steps, in one window resized between shots; without
// `write_images`, only the JSON draw records.
int run_shots(AppState& app, const std::string& dir, const std::vector<std::pair<int, int>>& sizes,
              const std::vector<View>& views, const std::vector<bool>& modes, int64_t steps, bool write_images);
int run_bench(AppState& app, int width, int height);

}  // namespace flashsim::viz
