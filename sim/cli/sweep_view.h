// sweep_view.h: a sweep's rows for people: a terminal table and a gnuplot plot.
#pragma once
#include <string>
#include <vector>

#include "sim/sweep/sweep.h"

namespace flashsim::cli {

// One row per point: the varied keys, algorithm, blocks, SRAM, HBM bytes exact and in the
// --units chosen, time, and the reason for a point that did not run. Says which units it uses.
std::string sweep_table(const SweepSpec& spec, const std::vector<SweepRow>& rows);

struct PlotOptions {
    std::string path;       // FILE.png or FILE.svg
    std::string y = "hbm";  // hbm, hbm-read, hbm-write, time
    std::string x;          // a varied key; "" = the first axis
    bool log = false;       // log-log axes
};

// Throws ConfigError for an unknown --plot-y, a --plot-x that is not varied or a file type
// other than .png and .svg.
void check_plot_options(const PlotOptions& o, const std::vector<std::string>& vary_specs);
// Simulated points and, beside them, the closed form's curve (the exact formula counts; for
// time, the formula's HBM bytes over the HBM bandwidth), one series per algorithm and value of
// the other varied keys. Runs gnuplot; the file is replaced only when gnuplot succeeds.
void draw_sweep_plot(const SweepSpec& spec, const std::vector<SweepRow>& rows, const PlotOptions& o);

}  // namespace flashsim::cli
