// headless.h: the three ways the viewer runs: interactive, headless (screenshots and recordings
// for slides and tests) and the benchmark.
#pragma once
#include <string>

#include "viz/app.h"

namespace flashsim::viz {

int run_interactive(AppState& app, int width, int height);
// Renders after `steps` animation steps and writes `screenshot` (PNG) and `screenshot`.json (the
// frame's draw record), and/or one PNG and JSON per step 0..steps into `record_dir`.
int run_headless(AppState& app, int width, int height, const std::string& screenshot, const std::string& record_dir,
                 int64_t steps);
int run_bench(AppState& app, int width, int height);

}  // namespace flashsim::viz
