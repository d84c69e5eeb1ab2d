// panel_counters.cpp: bytes per level and per tensor, FLOPs, cycles and time: for the drawn CTAs
// up to the current op (as the animation runs) and for the whole run; the closed form beside the
// simulated HBM bytes. Level names follow the mode: in paper mode there is no L2, so global
// accesses are HBM <-> SRAM. With the L2 model, output still dirty in the L2 when the run ends
// is not yet an HBM write (as Nsight Compute sees it); the panel says so instead of "differs".
#include "viz/palette.h"
#include "viz/panels.h"
#include "viz/ui_text.h"

namespace flashsim::viz {

namespace {

// Per tensor: HBM read and write, with a total row.
void bytes_table(const char* id, const Counters& c, const Counters& rows_of) {
    if (!ImGui::BeginTable(id, 3, ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchSame))
        return;
    const char* headers[] = {"tensor", "HBM read", "HBM write"};
    ui::table_headers(headers, 3);
    auto row = [](const char* name, ImU32 color, const Traffic& t) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ui::text_elided(name, color);
        ImGui::TableNextColumn();
        ui::text_elided(fmt_bytes(double(t.hbm_read_bytes)));
        ImGui::TableNextColumn();
        ui::text_elided(fmt_bytes(double(t.hbm_write_bytes)));
    };
    for (int t = 0; t < kTensorCount; ++t) {
        const Traffic& T = rows_of.per_tensor[size_t(t)];
        if (!T.global_read_bytes && !T.global_write_bytes) continue;
        row(to_string(Tensor(t)), tensor_color(Tensor(t)), c.per_tensor[size_t(t)]);
    }
    row("all", 0, c.total);
    ImGui::EndTable();
}

}  // namespace

void panel_counters(AppState& app) {
    const Side& a = app.a;
    if (!a.has_outcome || !a.outcome.result) {
        ui::text_disabled("no results");
        return;
    }
    const RunResult& r = *a.outcome.result;
    const Counters& now = a.playback.so_far();
    const Counters& tot = r.counts;
    if (a.outcome.partial)
        ui::text_wrapped_colored(kLoadHighlight, "Paper-mode totals; the L2 model and timing are still simulating...");
    ui::text_wrapped("So far: the drawn CTAs up to the current op.");
    bytes_table("so far", now, tot);
    ui::text_wrapped("Total: all CTAs, all heads%s.", r.paper_mode ? "" : ", through the L2");
    bytes_table("total", tot, tot);
    const double dirty = double(r.l2_dirty_bytes_at_end);
    if (dirty > 0)
        ui::text_wrapped_colored(kStoreHighlight, "+ %s written but still dirty in the L2 at the end: not yet an HBM write "
                                 "(Nsight Compute does not see it either)", fmt_bytes(dirty).c_str());

    ui::text("Levels (total)");
    if (r.paper_mode) {
        ui::bullet_text("HBM <-> SRAM (no L2): read %s, write %s", fmt_bytes(double(tot.total.global_read_bytes)).c_str(),
                        fmt_bytes(double(tot.total.global_write_bytes)).c_str());
    } else {
        ui::bullet_text("L2 <-> SRAM: read %s, write %s", fmt_bytes(double(tot.total.global_read_bytes)).c_str(),
                        fmt_bytes(double(tot.total.global_write_bytes)).c_str());
        ui::bullet_text("HBM <-> L2: read %s, write %s", fmt_bytes(double(tot.total.hbm_read_bytes)).c_str(),
                        fmt_bytes(double(tot.total.hbm_write_bytes)).c_str());
    }
    ui::bullet_text("SRAM: written %s, read %s", fmt_bytes(double(tot.sram_write_bytes)).c_str(),
                    fmt_bytes(double(tot.sram_read_bytes)).c_str());
    ui::text_wrapped_colored(kDimText, "%s", r.paper_mode ? "paper mode: every global access reaches HBM"
                                                         : "through the L2 model: re-reads that hit the L2 cost no HBM bytes");
    ui::text_wrapped("FLOPs so far %s; total matmul %s, vector %s, exp %s", fmt_count(double(now.flops())).c_str(),
                     fmt_count(double(tot.matmul_flops)).c_str(), fmt_count(double(tot.vector_flops)).c_str(),
                     fmt_count(double(tot.exps)).c_str());
    ui::text_wrapped("Arithmetic intensity %.1f FLOP per HBM byte", r.arithmetic_intensity());
    if (r.timing.valid) {
        ui::text_wrapped("Time %s = %s cycles at %.3g GHz (the clock under load)", fmt_seconds(r.timing.seconds).c_str(),
                         fmt_count(r.timing.cycles).c_str(), r.timing.clock_hz() / 1e9);
        if (!r.timing.bottleneck.empty()) ui::text_wrapped("Bottleneck: %s", r.timing.bottleneck.c_str());
        // engine_note's "fast: ..." / "exact: ...", as "fast engine: ...". A paper-mode run the
        // skips left whole has no note (no L2 sets to speak of); the compare view's row calls it
        // exact, and so does this line.
        if (const std::string e = engine_note(r.timing); !e.empty()) {
            const size_t colon = e.find(": ");
            ui::text_wrapped_colored(kDimText, "%s engine: %s", e.substr(0, colon).c_str(), e.substr(colon + 2).c_str());
        } else {
            ui::text_wrapped_colored(kDimText, "exact engine: every CTA and iteration simulated");
        }
    } else if (a.outcome.partial) {
        ui::text_wrapped_colored(kDimText, "Time: simulating...");
    } else {
        ui::text_wrapped_colored(kDimText, "Time: timing not available (the timing layer reported none)");
    }
    ImGui::Separator();
    ui::text("Formula vs simulated (HBM bytes)");
    if (!r.analytic.available) {
        ui::text_wrapped_colored(kDimText, "no closed form for this combination");
        return;
    }
    const double f_rd = double(r.analytic.hbm_read_bytes), f_wr = double(r.analytic.hbm_write_bytes);
    const double s_rd = double(tot.total.hbm_read_bytes), s_wr = double(tot.total.hbm_write_bytes);
    ui::text_wrapped("read  %s = %s; simulated %s %s", r.analytic.read_formula.c_str(), fmt_bytes(f_rd).c_str(),
                     fmt_bytes(s_rd).c_str(), f_rd == s_rd ? "(equal)" : r.paper_mode ? "(differs)" : "(fewer: L2 hits)");
    if (f_wr == s_wr) {
        ui::text_wrapped("write %s = %s; simulated %s (equal)", r.analytic.write_formula.c_str(), fmt_bytes(f_wr).c_str(),
                         fmt_bytes(s_wr).c_str());
    } else if (dirty > 0) {
        ui::text_wrapped("write %s = %s; simulated %s written to HBM + %s still dirty in the L2 = %s%s",
                         r.analytic.write_formula.c_str(), fmt_bytes(f_wr).c_str(), fmt_bytes(s_wr).c_str(),
                         fmt_bytes(dirty).c_str(), fmt_bytes(s_wr + dirty).c_str(), s_wr + dirty == f_wr ? " (equal)" : "");
    } else {
        ui::text_wrapped("write %s = %s; simulated %s (differs)", r.analytic.write_formula.c_str(), fmt_bytes(f_wr).c_str(),
                         fmt_bytes(s_wr).c_str());
    }
    if (!r.paper_mode && f_rd != s_rd)
        ui::text_wrapped_colored(kDimText, "(the formula counts every re-read; the L2 model serves some of them)");
}

}  // namespace flashsim::viz
