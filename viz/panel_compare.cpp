// panel_compare.cpp: two configurations side by side (A on the left, B on the right), their
// animations stepping together, and their totals in one table with B/A ratios.
#include "viz/palette.h"
#include "viz/panels.h"

namespace flashsim::viz {

void panel_compare(AppState& app, const DrawContext& ctx) {
    const float s = ctx.s, table_h = 96 * s, mid = (ctx.p0.x + ctx.p1.x) / 2;
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
    if (ImGui::BeginTable("cmp", 4, ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_RowBg, ImVec2(ctx.w(), 0))) {
        ImGui::TableSetupColumn("");
        ImGui::TableSetupColumn(("A: " + app.a.config.describe()).c_str());
        ImGui::TableSetupColumn(("B: " + app.b.config.describe()).c_str());
        ImGui::TableSetupColumn("B / A");
        ImGui::TableHeadersRow();
        auto row = [](const char* what, double a, double b, const std::string& sa, const std::string& sb) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(what);
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(sa.c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(sb.c_str());
            ImGui::TableNextColumn();
            if (a > 0) ImGui::Text("%.2fx", b / a);
        };
        const double ha = double(ra.counts.total.hbm_read_bytes + ra.counts.total.hbm_write_bytes);
        const double hb = double(rb.counts.total.hbm_read_bytes + rb.counts.total.hbm_write_bytes);
        row("HBM bytes", ha, hb, fmt_bytes(ha), fmt_bytes(hb));
        row("FLOPs", double(ra.counts.flops()), double(rb.counts.flops()), fmt_count(double(ra.counts.flops())),
            fmt_count(double(rb.counts.flops())));
        if (ra.timing.valid && rb.timing.valid)
            row("time", ra.timing.seconds, rb.timing.seconds, fmt_seconds(ra.timing.seconds), fmt_seconds(rb.timing.seconds));
        else
            row("time", 0, 0, "timing not available", "timing not available");
        ImGui::EndTable();
    }
}

}  // namespace flashsim::viz
