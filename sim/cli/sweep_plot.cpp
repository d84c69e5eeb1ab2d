// sweep_plot.cpp: a sweep drawn by gnuplot: simulated points and the closed form's curve.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <unistd.h>

#include "sim/cli/sweep_view.h"
#include "sim/cli/units.h"
#include "sim/core/errors.h"

namespace flashsim::cli {

namespace fs = std::filesystem;

namespace {

std::string extension(const std::string& path) { return fs::path(path).extension().string(); }

bool gnuplot_found() { return std::system("gnuplot --version >/dev/null 2>&1") == 0; }

std::string number_text(double v) {
    std::ostringstream s;
    s.precision(12);
    s << v;
    return s.str();
}

struct Series {
    std::string title;
    std::vector<std::pair<double, double>> simulated, formula;  // (x, y)
};

// y of a row, simulated and by the closed form (NaN where there is none).
std::pair<double, double> y_values(const RunResult& r, const std::string& y) {
    const auto& t = r.counts.total;
    const auto& a = r.analytic;
    const double nan = std::nan("");
    if (y == "hbm-read") return {double(t.hbm_read_bytes), a.available ? double(a.hbm_read_bytes) : nan};
    if (y == "hbm-write") return {double(t.hbm_write_bytes), a.available ? double(a.hbm_write_bytes) : nan};
    const double formula = a.available ? double(a.hbm_read_bytes + a.hbm_write_bytes) : nan;
    if (y == "time") return {r.timing.valid ? r.timing.seconds * 1e6 : nan, formula / r.gpu.hbm_bytes_per_s * 1e6};
    return {double(t.hbm_read_bytes + t.hbm_write_bytes), formula};
}

std::string y_label(const std::string& y) {
    if (y == "hbm-read") return "HBM bytes read";
    if (y == "hbm-write") return "HBM bytes written";
    if (y == "time") return "time (us)";
    return "HBM bytes (read + write)";
}

std::string y_format(const std::string& y) {
    if (y == "time") return "%g";
    switch (display_units()) {
        case Units::si: return "%.0s %cB";
        case Units::exact: return "%.0f";
        default: return "%.0b %BB";  // KiB, MiB (gnuplot's binary prefixes)
    }
}

}  // namespace

void check_plot_options(const PlotOptions& o, const std::vector<std::string>& vary_specs) {
    const std::string ext = extension(o.path);
    if (ext != ".png" && ext != ".svg") throw ConfigError("--plot " + o.path + ": allowed: a FILE.png or FILE.svg");
    if (o.y != "hbm" && o.y != "hbm-read" && o.y != "hbm-write" && o.y != "time")
        throw ConfigError("--plot-y " + o.y + ": unknown; allowed: hbm, hbm-read, hbm-write, time");
    if (!o.x.empty()) {
        bool found = false;
        for (const auto& v : vary_specs) found = found || v.rfind(o.x + "=", 0) == 0;
        if (!found) throw ConfigError("--plot-x " + o.x + ": not a varied key; allowed: one of the --vary keys");
    }
    if (!gnuplot_found()) throw ConfigError("--plot needs gnuplot (Debian package gnuplot-nox), which was not found");
}

void draw_sweep_plot(const SweepSpec& spec, const std::vector<SweepRow>& rows, const PlotOptions& o) {
    size_t xa = 0;
    for (size_t a = 0; a < spec.axes.size(); ++a)
        if (spec.axes[a].key == o.x) xa = a;
    if (o.y == "time" && !spec.options.timing) throw ConfigError("--plot-y time needs the timing layer; drop --no-timing");
    // One series per algorithm and combination of the other varied keys, in row order.
    std::vector<Series> series;
    std::map<std::string, size_t> index;
    size_t skipped = 0;
    for (const auto& r : rows) {
        std::string title = to_string(r.point.algo);
        for (size_t a = 0; a < spec.axes.size(); ++a)
            if (a != xa) title += " " + spec.axes[a].key + "=" + number_text(r.point.values[a]);
        if (!index.count(title)) {
            index[title] = series.size();
            series.push_back({title, {}, {}});
        }
        if (!r.ok) {
            ++skipped;
            continue;
        }
        const double x = r.point.values[xa];
        const auto [sim, formula] = y_values(r.result, o.y);
        Series& s = series[index[title]];
        if (!std::isnan(sim)) s.simulated.push_back({x, sim});
        if (!std::isnan(formula)) s.formula.push_back({x, formula});
    }
    std::ostringstream g;
    const std::string ext = extension(o.path);
    const fs::path target(o.path);
    const fs::path tmp = (target.has_parent_path() ? target.parent_path() : fs::path(".")) /
                         ("." + target.filename().string() + ".tmp" + std::to_string(::getpid()) + ext);
    g << (ext == ".png" ? "set terminal pngcairo size 1100,700 font 'sans,12'\n" : "set terminal svg size 1100,700 font 'sans,12'\n");
    g << "set output '" << tmp.string() << "'\n";
    g << "set title '" << y_label(o.y) << " against " << spec.axes[xa].key << " on " << spec.gpu.name
      << (spec.options.paper_mode ? " (paper mode)" : " (L2 modelled)") << "'\n";
    g << "set xlabel '" << spec.axes[xa].key << "'\nset ylabel '" << y_label(o.y) << "'\n";
    g << "set grid\nset key outside right top\nset format y '" << y_format(o.y) << "'\n";
    if (o.log) g << "set logscale x 2\nset logscale y 10\nset format x '%g'\n";
    if (skipped) g << "set label 1 '" << skipped << " points do not run (see the table)' at graph 0.02, graph 0.95\n";
    for (size_t i = 0; i < series.size(); ++i) {
        g << "$sim" << i << " << EOD\n";
        for (auto [x, y] : series[i].simulated) g << number_text(x) << " " << number_text(y) << "\n";
        g << "EOD\n$formula" << i << " << EOD\n";
        for (auto [x, y] : series[i].formula) g << number_text(x) << " " << number_text(y) << "\n";
        g << "EOD\n";
    }
    const std::string formula_title = o.y == "time" ? "formula bytes / HBM bandwidth" : "closed form";
    g << "plot ";
    bool first = true;
    for (size_t i = 0; i < series.size(); ++i) {
        const Series& s = series[i];
        if (!s.simulated.empty()) {
            g << (first ? "" : ", ") << "$sim" << i << " using 1:2 with points pt 7 ps 1.3 lc " << i + 1 << " title '"
              << s.title << " simulated'";
            first = false;
        }
        if (!s.formula.empty()) {
            g << (first ? "" : ", ") << "$formula" << i << " using 1:2 with lines lw 2 dt 2 lc " << i + 1 << " title '"
              << s.title << " " << formula_title << "'";
            first = false;
        }
    }
    if (first) throw ConfigError("--plot: no point ran, nothing to draw");
    g << "\n";
    const fs::path script = fs::temp_directory_path() / ("flashsim-plot-" + std::to_string(::getpid()) + ".gp");
    {
        std::ofstream f(script);
        f << g.str();
        if (!f) throw ConfigError("--plot: cannot write the gnuplot script to " + script.string());
    }
    const int rc = std::system(("gnuplot '" + script.string() + "' 2>/dev/null").c_str());
    std::error_code ec;
    fs::remove(script, ec);
    if (rc != 0 || !fs::exists(tmp)) {
        fs::remove(tmp, ec);
        throw ConfigError("--plot " + o.path + ": gnuplot failed (exit " + std::to_string(rc) + ")");
    }
    fs::rename(tmp, target, ec);
    if (ec) {
        fs::remove(tmp, ec);
        throw ConfigError("--plot " + o.path + " cannot be replaced: " + ec.message());
    }
}

}  // namespace flashsim::cli
