// panel_compare.cpp: two configurations side by side (A on the left, B on the right), their
// animations stepping together, and their totals in one table with B/A ratios below them. The
// table's height is measured from its rows (the configurations wrap in their cells), so the
// views above never run under it.
#include <algorithm>

#include "viz/palette.h"
#include "viz/panels.h"
#include "viz/ui_text.h"

namespace flashsim::viz {

void panel_compare(AppState& app, const DrawContext& ctx) {
    const float s = ctx.s, L = ImGui::GetTextLineHeight();
    const ImGuiStyle& st = ImGui::GetStyle();
    // Columns: what | A | B | B / A; A and B share what is left.
    const float what_w = ImGui::CalcTextSize("configuration").x + 2 * st.CellPadding.x;
    const float ratio_w = ImGui::CalcTextSize("000.00x").x + 2 * st.CellPadding.x + 4 * s;
    const float ab_w = std::max(10.0f, (ctx.w() - what_w - ratio_w) / 2 - 2 * st.CellPadding.x);
    const std::string da = "A: " + app.a.config.describe(), db = "B: " + app.b.config.describe();
    const float desc_h = std::max(ImGui::CalcTextSize(da.c_str(), nullptr, false, ab_w).y,
                                  ImGui::CalcTextSize(db.c_str(), nullptr, false, ab_w).y);
    const float row_h = L + 2 * st.CellPadding.y;
    const float table_h = row_h * 5 + desc_h + 2 * st.CellPadding.y + 8 * s;
    const float mid = (ctx.p0.x + ctx.p1.x) / 2;
    DrawContext left = ctx, right = ctx;
    left.p1 = ImVec2(mid - 4 * s, ctx.p1.y - table_h);
    right.p0 = ImVec2(mid + 4 * s, ctx.p0.y);
    right.p1 = ImVec2(ctx.p1.x, ctx.p1.y - table_h);
    panel_hierarchy(app, app.a, "A", left);
    panel_hierarchy(app, app.b, "B", right);

    ImGui::SetCursorScreenPos(ImVec2(ctx.p0.x, ctx.p1.y - table_h + 6 * s));
    if (!app.a.outcome.result || !app.b.outcome.result) return;
    const RunResult& ra = *app.a.outcome.result;
    const RunResult& rb = *app.b.outcome.result;
    if (!ImGui::BeginTable("cmp", 4, ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_RowBg, ImVec2(ctx.w(), 0))) return;
    ImGui::TableSetupColumn("what", ImGuiTableColumnFlags_WidthFixed, what_w - 2 * st.CellPadding.x);
    ImGui::TableSetupColumn("A", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableSetupColumn("B", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableSetupColumn("B / A", ImGuiTableColumnFlags_WidthFixed, ratio_w - 2 * st.CellPadding.x);
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ui::text_elided("configuration");
    ImGui::TableNextColumn();
    ui::text_wrapped_colored(kLoadHighlight, "%s", da.c_str());
    ImGui::TableNextColumn();
    ui::text_wrapped_colored(tensor_color(Tensor::P), "%s", db.c_str());
    ImGui::TableNextColumn();
    ui::text_elided("B / A");
    auto row = [](const char* what, double a, double b, const std::string& sa, const std::string& sb) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ui::text_elided(what);
        ImGui::TableNextColumn();
        ui::text_elided(sa);
        ImGui::TableNextColumn();
        ui::text_elided(sb);
        ImGui::TableNextColumn();
        if (a > 0) {
            char ratio[32];
            std::snprintf(ratio, sizeof ratio, "%.2fx", b / a);
            ui::text_elided(ratio);
        }
    };
    const double ha = double(ra.counts.total.hbm_read_bytes + ra.counts.total.hbm_write_bytes);
    const double hb = double(rb.counts.total.hbm_read_bytes + rb.counts.total.hbm_write_bytes);
    row("HBM bytes", ha, hb, fmt_bytes(ha), fmt_bytes(hb));
    row("FLOPs", double(ra.counts.flops()), double(rb.counts.flops()), fmt_count(double(ra.counts.flops())),
        fmt_count(double(rb.counts.flops())));
    auto time_of = [](const Side& sd) {
        const RunResult& r = *sd.outcome.result;
        return r.timing.valid ? fmt_seconds(r.timing.seconds) : sd.outcome.partial ? "simulating..." : "timing not available";
    };
    row("time", ra.timing.valid && rb.timing.valid ? ra.timing.seconds : 0, rb.timing.seconds, time_of(app.a), time_of(app.b));
    // Which engine timed each side, short enough for half the window on a projector (the whole
    // line is in the counters panel): the fast engine's sampled sets or extrapolated work, or
    // "exact" (every set, CTA and iteration; in paper mode, which skips too, every CTA and
    // iteration).
    auto engine_of = [](const RunResult& r) {
        const Timing& t = r.timing;
        if (!t.valid) return std::string("-");
        if (t.l2_set_sampling > 1) return "fast: 1 in " + std::to_string(t.l2_set_sampling) + " L2 sets";
        if (fast_engine(t)) return std::string("fast: work extrapolated");
        return std::string("exact");
    };
    row("engine", 0, 0, engine_of(ra), engine_of(rb));
    ImGui::EndTable();
}

}  // namespace flashsim::viz
