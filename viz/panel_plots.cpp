// panel_plots.cpp: HBM bytes and time vs block size (Br = Bc) and vs N, computed by simulate() in
// the background, and a roofline with the current configuration's point, which moves as the
// controls change. Drawn with ImGui primitives on log-log axes with real ticks (viz/ticks.h); the
// current configuration is a ringed point on each curve; labels never overlap (each is placed
// where it clears the ones already placed).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "viz/palette.h"
#include "viz/panels.h"
#include "viz/ticks.h"
#include "viz/ui_text.h"

namespace flashsim::viz {

namespace {

struct LogAxes {
    Rect r;
    double x_lo, x_hi, y_lo, y_hi;
    float x(double v) const { return r.x0 + float((std::log(v) - std::log(x_lo)) / (std::log(x_hi) - std::log(x_lo))) * (r.x1 - r.x0); }
    float y(double v) const { return r.y1 - float((std::log(v) - std::log(y_lo)) / (std::log(y_hi) - std::log(y_lo))) * (r.y1 - r.y0); }
};

bool overlaps(const Rect& a, const Rect& b) { return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1; }

// Whether the segment a-b passes through r (Liang-Barsky clipping of the segment to the rectangle).
bool crosses(const Rect& r, ImVec2 a, ImVec2 b) {
    float t0 = 0, t1 = 1;
    const float dx = b.x - a.x, dy = b.y - a.y;
    const float p[4] = {-dx, dx, -dy, dy}, q[4] = {a.x - r.x0, r.x1 - a.x, a.y - r.y0, r.y1 - a.y};
    for (int i = 0; i < 4; ++i) {
        if (p[i] == 0) {
            if (q[i] < 0) return false;
            continue;
        }
        const float t = q[i] / p[i];
        if (p[i] < 0) t0 = std::max(t0, t);
        else t1 = std::min(t1, t);
        if (t0 > t1) return false;
    }
    return true;
}

// Labels placed so far in one chart: a new one tries a few spots near its anchor and takes the
// first that clears them and the chart's lines and stays inside the plot area.
struct LabelPlacer {
    Rect area;
    std::vector<Rect> taken;
    std::vector<std::pair<ImVec2, ImVec2>> lines;  // segments a label must not sit on
    // `below_first`: try the spots under the anchor first (for a label on a line, such as the roof).
    // `variants`, longest first: the first that has a free spot is drawn (a short form for a
    // small chart, a projector's).
    bool place(ImDrawList* dl, ImVec2 anchor, ImU32 color, std::initializer_list<std::string> variants, float s, bool below_first = false) {
        for (const std::string& text : variants)
            if (place(dl, anchor, color, text, s, below_first)) return true;
        return false;
    }
    bool place(ImDrawList* dl, ImVec2 anchor, ImU32 color, const std::string& text, float s, bool below_first = false) {
        const ImVec2 sz = ImGui::CalcTextSize(text.c_str());
        const float d = 10 * s;
        std::vector<ImVec2> spots = {{anchor.x + d, anchor.y - sz.y / 2},       {anchor.x - d - sz.x, anchor.y - sz.y / 2},
                                     {anchor.x + d, anchor.y + d},               {anchor.x - d - sz.x, anchor.y + d},
                                     {anchor.x + d, anchor.y - d - sz.y},        {anchor.x - d - sz.x, anchor.y - d - sz.y},
                                     {anchor.x - sz.x / 2, anchor.y + d + sz.y}, {anchor.x - sz.x / 2, anchor.y - d - 2 * sz.y}};
        if (below_first) std::rotate(spots.begin(), spots.begin() + 2, spots.begin() + 4);
        for (const ImVec2& p : spots) {
            const Rect r{p.x, p.y, p.x + sz.x, p.y + sz.y};
            if (r.x0 < area.x0 || r.x1 > area.x1 || r.y0 < area.y0 || r.y1 > area.y1) continue;
            if (std::any_of(taken.begin(), taken.end(), [&](const Rect& t) { return overlaps(t, r); })) continue;
            if (std::any_of(lines.begin(), lines.end(), [&](const auto& l) { return crosses(r, l.first, l.second); })) continue;
            taken.push_back(r);
            ui::draw_text(dl, p, color, text, area);
            return true;
        }
        return false;  // no free spot: the label is left out rather than drawn over another
    }
};

LogAxes chart_frame(ImDrawList* dl, Rect box, const char* title, const char* xlabel, double x_lo, double x_hi, double y_lo,
                    double y_hi, float s, std::string (*yfmt)(double), bool pow2_x) {
    const float L = ImGui::GetTextLineHeight();
    dl->AddRectFilled(ImVec2(box.x0, box.y0), ImVec2(box.x1, box.y1), rgba(30, 32, 40));
    // A title too wide for a small chart (a projector's 1024 x 768) keeps its part before the colon,
    // the axes' labels saying the rest, rather than being cut mid-word.
    const std::string full = title;
    ui::draw_text_fit(dl, ImVec2(box.x0 + 8 * s, box.y0 + 4 * s), kText, {full, full.substr(0, full.find(':'))},
                      {box.x0, box.y0, box.x1 - 4 * s, box.y1});
    // Room on the left for the widest y label.
    std::vector<double> yt = log_ticks(y_lo, y_hi, std::max(2, int((box.y1 - box.y0 - 2 * L) / (2.2f * L))));
    float ylab_w = 0;
    for (double v : yt) ylab_w = std::max(ylab_w, ImGui::CalcTextSize(yfmt(v).c_str()).x);
    LogAxes ax{{box.x0 + ylab_w + 14 * s, box.y0 + L + 12 * s, box.x1 - 14 * s, box.y1 - 2 * L - 10 * s}, x_lo, x_hi, y_lo, y_hi};
    dl->AddRect(ImVec2(ax.r.x0, ax.r.y0), ImVec2(ax.r.x1, ax.r.y1), kBoxBorder);
    // x ticks: as many as their labels allow.
    const float xlab_w = ImGui::CalcTextSize(pow2_x ? "16384" : "8.19 k").x + 12 * s;
    const int max_x = std::max(2, int((ax.r.x1 - ax.r.x0) / xlab_w));
    const std::vector<double> xt = pow2_x ? pow2_ticks(x_lo, x_hi, max_x) : log_ticks(x_lo, x_hi, max_x);
    const Rect xlab_box{box.x0, ax.r.y1, box.x1, box.y1};
    for (double v : xt) {
        const float x = ax.x(v);
        dl->AddLine(ImVec2(x, ax.r.y1), ImVec2(x, ax.r.y1 + 5 * s), kText);
        dl->AddLine(ImVec2(x, ax.r.y0), ImVec2(x, ax.r.y1), rgba(45, 48, 58));
        // Block sizes and N as the exact powers of two they are ("1024", not "1.02 k").
        const std::string lbl = pow2_x && v < 1e6 ? std::to_string(int64_t(v)) : fmt_count(v);
        ui::draw_text(dl, ImVec2(x - ImGui::CalcTextSize(lbl.c_str()).x / 2, ax.r.y1 + 6 * s), kDimText, lbl, xlab_box);
    }
    ui::draw_text(dl, ImVec2((ax.r.x0 + ax.r.x1) / 2 - ImGui::CalcTextSize(xlabel).x / 2, ax.r.y1 + 6 * s + L), kDimText,
                  xlabel, xlab_box);
    for (double v : yt) {
        const float y = ax.y(v);
        dl->AddLine(ImVec2(ax.r.x0 - 5 * s, y), ImVec2(ax.r.x1, y), rgba(55, 58, 68));
        const std::string lbl = yfmt(v);
        ui::draw_text(dl, ImVec2(ax.r.x0 - 8 * s - ImGui::CalcTextSize(lbl.c_str()).x, y - L / 2), kDimText, lbl,
                      {box.x0, box.y0, ax.r.x0, box.y1});
    }
    return ax;
}

std::string bytes_label(double v) { return fmt_bytes(v); }
std::string seconds_label(double v) { return fmt_seconds(v); }
std::string flops_label(double v) { return fmt_count(v) + "FLOP/s"; }

// One sweep as a line of points; the point at `current_x` (the configuration shown) is ringed.
void sweep_chart(ImDrawList* dl, Rect box, const char* title, const char* xlabel, const std::vector<SweepPoint>& pts,
                 bool time, int64_t current_x, const char* note, float s) {
    std::vector<std::pair<double, double>> xy;
    for (const auto& p : pts)
        if (p.ok && (time ? p.seconds : p.hbm_bytes) > 0) xy.emplace_back(double(p.x), time ? p.seconds : p.hbm_bytes);
    const Rect inner{box.x0, box.y0, box.x1 - 4 * s, box.y1};
    if (xy.empty()) {
        dl->AddRectFilled(ImVec2(box.x0, box.y0), ImVec2(box.x1, box.y1), rgba(30, 32, 40));
        ui::draw_text(dl, ImVec2(box.x0 + 8 * s, box.y0 + 4 * s), kText, title, inner);
        ui::draw_text(dl, ImVec2(box.x0 + 8 * s, box.y0 + 30 * s), kDimText,
                      time ? "timing not available" : "no point fits (see the controls' error)", inner);
        return;
    }
    double ylo = 1e300, yhi = 0;
    for (const auto& [x, y] : xy) ylo = std::min(ylo, y), yhi = std::max(yhi, y);
    const LogAxes ax = chart_frame(dl, box, title, xlabel, xy.front().first / 1.3, xy.back().first * 1.3, ylo / 2, yhi * 2, s,
                                   time ? seconds_label : bytes_label, true);
    const Rgba c = time ? kComputeGreen : tensor_color(Tensor::Q);
    LabelPlacer labels{ax.r, {}, {}};  // the curve's segments kept clear of labels
    for (size_t i = 0; i < xy.size(); ++i) {
        const ImVec2 p(ax.x(xy[i].first), ax.y(xy[i].second));
        dl->AddCircleFilled(p, 4 * s, c);
        if (i == 0) continue;
        labels.lines.push_back({ImVec2(ax.x(xy[i - 1].first), ax.y(xy[i - 1].second)), p});
        dl->AddLine(labels.lines.back().first, p, c, 2 * s);
    }
    for (const auto& [x, y] : xy)
        if (int64_t(x) == current_x) {
            const ImVec2 p(ax.x(x), ax.y(y));
            dl->AddCircle(p, 9 * s, kLoadHighlight, 0, 2.5f * s);
            labels.place(dl, p, kLoadHighlight, "current: " + (time ? fmt_seconds(y) : fmt_bytes(y)), s);
        }
    if (note) ui::draw_text(dl, ImVec2(ax.r.x0 + 6 * s, ax.r.y0 + 4 * s), kDimText, note, ax.r);
}

void roofline(ImDrawList* dl, Rect box, const AppState& app, float s) {
    const Side& a = app.a;
    const RunResult& r = *a.outcome.result;
    const double peak = r.gpu.tensor_flops_per_s(r.problem.dtype), bw = r.gpu.hbm_bytes_per_s;
    const LogAxes ax = chart_frame(dl, box, "Roofline: matmul FLOP/s vs FLOP per HBM byte", "FLOP / HBM byte", 0.25, 8192,
                                   peak / 2e4, peak * 3, s, flops_label, false);
    const double ridge = peak / bw;
    // The roof: the bandwidth slope up to the ridge, then the peak; labels keep clear of both.
    LabelPlacer labels{ax.r, {}, {{ImVec2(ax.x(0.25), ax.y(0.25 * bw)), ImVec2(ax.x(ridge), ax.y(peak))},
                                  {ImVec2(ax.x(ridge), ax.y(peak)), ImVec2(ax.x(8192), ax.y(peak))}}};
    for (const auto& [from, to] : labels.lines) dl->AddLine(from, to, kText, 2 * s);
    struct Pt {
        ImVec2 p;
        Rgba c;
        std::string label, brief;  // the brief one where the label finds no room
    };
    std::vector<Pt> pts;
    auto point = [&](const Side& sd, const char* name, Rgba c) {
        if (!sd.has_outcome || !sd.outcome.result) return;
        const RunResult& x = *sd.outcome.result;
        const double ai = std::clamp(x.arithmetic_intensity(), 0.26, 8000.0);
        const bool timed = x.timing.valid && x.timing.seconds > 0;
        const double perf = timed ? double(x.counts.matmul_flops) / x.timing.seconds : std::min(peak, ai * bw);
        const ImVec2 p(ax.x(ai), ax.y(std::max(perf, peak / 2e4)));
        if (timed) dl->AddCircleFilled(p, 7 * s, c);
        else dl->AddCircle(p, 7 * s, c, 0, 2.5f * s);
        char lbl[160], brief[64];
        std::snprintf(lbl, sizeof lbl, "%s %s: %.1f FLOP/B%s", name, to_string(x.schedule.algo), x.arithmetic_intensity(),
                      timed ? "" : " (no timing: on the roof)");
        std::snprintf(brief, sizeof brief, "%s %s", name, to_string(x.schedule.algo));
        pts.push_back({p, c, lbl, brief});
        // Keep the point itself clear of labels.
        labels.taken.push_back({p.x - 8 * s, p.y - 8 * s, p.x + 8 * s, p.y + 8 * s});
    };
    point(a, "A", kLoadHighlight);
    if (app.view == View::plots && app.b.has_outcome) point(app.b, "B", tensor_color(Tensor::P));
    for (const auto& p : pts) labels.place(dl, p.p, p.c, {p.label, p.brief, p.brief.substr(0, 1)}, s);
    labels.place(dl, ImVec2(ax.x(ridge), ax.y(peak)), kDimText, {"ridge " + fmt_count(ridge) + " FLOP/B", "ridge"}, s, true);
}

}  // namespace

void panel_plots(AppState& app, const DrawContext& ctx) {
    ImDrawList* dl = ctx.dl;
    const float s = ctx.s, L = ImGui::GetTextLineHeight();
    dl->AddRectFilled(ctx.p0, ctx.p1, kPanelBg);
    app.request_sweeps();
    const Rect whole{ctx.p0.x, ctx.p0.y, ctx.p1.x, ctx.p1.y};
    // One line saying what was swept, then four charts.
    const float top = ctx.p0.y + L + 8 * s;
    const float mx = (ctx.p0.x + ctx.p1.x) / 2, my = (top + ctx.p1.y) / 2, g = 6 * s;
    const Rect q[4] = {{ctx.p0.x, top, mx - g, my - g}, {mx + g, top, ctx.p1.x, my - g},
                       {ctx.p0.x, my + g, mx - g, ctx.p1.y}, {mx + g, my + g, ctx.p1.x, ctx.p1.y}};
    if (app.has_sweeps) {
        const Sweeps& sw = app.sweeps;
        ui::draw_text(dl, ImVec2(ctx.p0.x + 6 * s, ctx.p0.y + 4 * s), kDimText,
                      "Sweeps of " + sw.config.describe() + (app.sweeps_running ? "  (updating...)" : ""), whole);
        const bool timed = std::any_of(sw.vs_block.begin(), sw.vs_block.end(), [](const SweepPoint& p) { return p.seconds > 0; });
        char note[96] = "";
        if (!sw.current_block && sw.current_Br)
            std::snprintf(note, sizeof note, "current Br=%lld, Bc=%lld: not on this curve", (long long)sw.current_Br,
                          (long long)sw.current_Bc);
        sweep_chart(dl, q[0], "HBM bytes vs block size (Br = Bc)", "Br = Bc", sw.vs_block, false, sw.current_block,
                    note[0] ? note : nullptr, s);
        if (timed)
            sweep_chart(dl, q[1], "Time vs block size (Br = Bc)", "Br = Bc", sw.vs_block, true, sw.current_block,
                        note[0] ? note : nullptr, s);
        else sweep_chart(dl, q[1], "HBM bytes vs N", "N", sw.vs_N, false, sw.config.N, nullptr, s);
        sweep_chart(dl, q[2], timed ? "Time vs N" : "Time vs N (timing not available)", "N", sw.vs_N, true, sw.config.N, nullptr, s);
    } else {
        ui::draw_text(dl, ImVec2(q[0].x0 + 8 * s, q[0].y0 + 8 * s), kText, "computing the sweeps in the background...", q[0]);
    }
    if (app.a.has_outcome && app.a.outcome.result) roofline(dl, q[3], app, s);
}

}  // namespace flashsim::viz
