// sweep_table.cpp: a sweep as a terminal table for people (sweep_view.h).
#include <algorithm>
#include <sstream>

#include "sim/cli/report.h"
#include "sim/cli/sweep_view.h"

namespace flashsim::cli {

namespace {

std::string number_text(double v) {
    std::ostringstream s;
    s.precision(10);
    s << v;
    return s.str();
}

// Columns padded to their widest cell; the last column (the reason) is not padded.
std::string render(const std::vector<std::vector<std::string>>& cells, const std::vector<bool>& left) {
    std::vector<size_t> w(cells.front().size(), 0);
    for (const auto& row : cells)
        for (size_t c = 0; c + 1 < row.size(); ++c) w[c] = std::max(w[c], row[c].size());
    std::ostringstream o;
    for (size_t r = 0; r < cells.size(); ++r) {
        std::string line;
        for (size_t c = 0; c < cells[r].size(); ++c) {
            const std::string& s = cells[r][c];
            const std::string fill(c + 1 < cells[r].size() ? w[c] - s.size() : 0, ' ');
            line += (c ? "  " : "") + (left[c] ? s + fill : fill + s);
        }
        while (!line.empty() && line.back() == ' ') line.pop_back();
        o << line << "\n";
        if (r == 0) o << std::string(line.size(), '-') << "\n";
    }
    return o.str();
}

}  // namespace

std::string sweep_table(const SweepSpec& spec, const std::vector<SweepRow>& rows) {
    const bool exact = display_units() == Units::exact;
    const bool timed = spec.options.timing;
    std::vector<std::vector<std::string>> cells;
    std::vector<bool> left;
    std::vector<std::string> head;
    for (const auto& a : spec.axes) {
        head.push_back(a.key);
        left.push_back(false);
    }
    // fwdbwd: the backward's own blocks beside the forward's.
    const bool both = spec.problem.pass == Pass::fwdbwd;
    for (const char* h : {"algo", "Br x Bc"}) head.push_back(h);
    if (both) head.push_back("bwd Br x Bc");
    for (const char* h : {"SRAM/CTA", "HBM bytes"}) head.push_back(h);
    left.insert(left.end(), {true, false, false, false});
    if (both) left.push_back(false);
    if (!exact) {
        head.push_back("HBM");
        left.push_back(false);
    }
    if (timed) {
        head.push_back("time");
        left.push_back(false);
    }
    head.push_back("note");
    left.push_back(true);
    cells.push_back(head);
    size_t skipped = 0, fast = 0;
    for (const auto& r : rows) {
        std::vector<std::string> c;
        for (double v : r.point.values) c.push_back(number_text(v));
        c.push_back(to_string(r.point.algo));
        if (r.ok) {
            const RunResult& x = r.result;
            const double hbm = double(x.counts.total.hbm_read_bytes + x.counts.total.hbm_write_bytes);
            c.push_back(std::to_string(x.schedule.Br) + " x " + std::to_string(x.schedule.Bc));
            if (both) c.push_back(std::to_string(x.schedule.bwd_Br) + " x " + std::to_string(x.schedule.bwd_Bc));
            c.push_back(human_bytes(double(x.footprint.sram_bytes)));
            c.push_back(number_text(hbm));
            if (!exact) c.push_back(human_bytes(hbm));
            if (timed) c.push_back(x.timing.valid ? human_seconds(x.timing.seconds) : "-");
            c.push_back(engine_mark(x.timing));
            fast += !c.back().empty();
        } else {
            ++skipped;
            c.insert(c.end(), {"-", "-", "-"});
            if (both) c.push_back("-");
            if (!exact) c.push_back("-");
            if (timed) c.push_back("-");
            c.push_back("does not run: " + r.reason);
        }
        cells.push_back(std::move(c));
    }
    std::ostringstream o;
    o << "sweep on " << spec.gpu.name << (spec.options.paper_mode ? " (paper mode: no L2)" : " (L2 modelled)")
      << "; HBM bytes = read + write, in bytes\nunits: " << units_note() << "\n\n";
    o << render(cells, left);
    o << rows.size() << " points";
    if (skipped) o << ", " << skipped << " do not run (kept as rows with the reason)";
    if (fast) o << ", " << fast << " estimated by the fast engine (note; --exact for the reference)";
    o << "\n";
    return o.str();
}

}  // namespace flashsim::cli
