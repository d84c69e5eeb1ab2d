// sweep_plot.cpp: a sweep drawn by gnuplot: simulated points and the closed form's curve.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <algorithm>
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

// A tick label in the --units chosen, without trailing zeros: "256 KiB", "4 MiB", "10 MB".
std::string tick_label(double bytes) {
    std::string s = format_size(bytes, display_units());
    const auto sp = s.find(' ');
    std::string n = s.substr(0, sp);
    if (n.find('.') != std::string::npos) {
        while (n.back() == '0') n.pop_back();
        if (n.back() == '.') n.pop_back();
    }
    return n + s.substr(sp);
}

// Byte ticks the reader can name: powers of 2 (IEC, readable) or of 10 (SI, exact) on a log
// axis, multiples of such a step on a linear one, labelled as the CLI prints sizes.
std::string byte_ticks(double lo, double hi, bool log) {
    const bool binary = display_units() == Units::readable || display_units() == Units::iec;
    const double base = binary ? 2 : 10;
    std::vector<double> ticks;
    if (log) {
        const double e0 = std::floor(std::log(lo) / std::log(base)), e1 = std::ceil(std::log(hi) / std::log(base));
        double every = 1;
        while ((e1 - e0) / every > 8) every *= binary ? 2 : 1.0 + every;
        for (double e = std::floor(e0 / every) * every; e <= e1; e += every) ticks.push_back(std::pow(base, e));
    } else {
        double step = std::pow(base, std::ceil(std::log(hi / 6) / std::log(base)));
        if (!binary && hi / step < 3) step /= 2;
        for (double v = 0; v <= hi * 1.0001 + step; v += step) ticks.push_back(v);
    }
    std::string out = "set ytics (";
    for (size_t i = 0; i < ticks.size(); ++i) out += (i ? ", " : "") + std::string("'") + tick_label(ticks[i]) + "' " + number_text(ticks[i]);
    return out + ")\n";
}

}  // namespace

void check_plot_options(const PlotOptions& o, const std::vector<std::string>& vary_specs) {
    const std::string ext = extension(o.path);
    if (ext != ".png" && ext != ".svg") throw ConfigError("--plot " + o.path + ": allowed: a FILE.png or FILE.svg");
    std::error_code ec;
    const auto st = fs::status(o.path, ec);
    if (fs::exists(st) && !fs::is_regular_file(st)) throw ConfigError("--plot " + o.path + ": exists and is not a regular file");
    const fs::path dir = fs::path(o.path).has_parent_path() ? fs::path(o.path).parent_path() : fs::path(".");
    if (!fs::is_directory(dir)) throw ConfigError("--plot " + o.path + ": directory '" + dir.string() + "' does not exist");
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
    g << "set title \"" << y_label(o.y) << " against " << spec.axes[xa].key << " on " << spec.gpu.name
      << (spec.options.paper_mode ? " (paper mode)" : " (L2 modelled)");
    if (skipped) g << "\\n" << skipped << (skipped == 1 ? " point does" : " points do") << " not run (see the table or the CSV)";
    g << "\"\n";
    g << "set xlabel '" << spec.axes[xa].key << "'\nset ylabel '" << y_label(o.y) << "'\n";
    g << "set grid\nset key outside right top\nset offsets graph 0.03, graph 0.03, graph 0.05, graph 0.05\n";
    if (!o.log) g << "set yrange [0:*]\n";
    if (o.log) g << "set logscale x 2\nset logscale y\nset format x '%g'\n";
    double lo = 0, hi = 0;
    for (const auto& se : series)
        for (const auto* pts : {&se.simulated, &se.formula})
            for (auto [x, y] : *pts) {
                if (y > 0 && (lo == 0 || y < lo)) lo = y;
                hi = std::max(hi, y);
            }
    if (o.y != "time" && hi > 0) g << byte_ticks(lo, hi, o.log);

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
