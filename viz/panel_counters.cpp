// panel_counters.cpp: bytes per level and per tensor, FLOPs, cycles and time: for the drawn CTAs
// up to the current op (as the animation runs) and for the whole run; the closed form beside the
// simulated HBM bytes.
#include "viz/palette.h"
#include "viz/panels.h"

namespace flashsim::viz {

void panel_counters(AppState& app) {
    const Side& a = app.a;
    if (!a.has_outcome || !a.outcome.result) {
        ImGui::TextDisabled("no results");
        return;
    }
    const RunResult& r = *a.outcome.result;
    const Counters& now = a.playback.so_far();
    const Counters& tot = r.counts;
    ImGui::TextWrapped("HBM bytes. So far: the drawn CTAs up to the current op. Total: all CTAs, all heads.");
    if (ImGui::BeginTable("bytes", 5, ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp)) {
        ImGui::TableSetupColumn("tensor");
        ImGui::TableSetupColumn("read so far");
        ImGui::TableSetupColumn("write so far");
        ImGui::TableSetupColumn("read total");
        ImGui::TableSetupColumn("write total");
        ImGui::TableHeadersRow();
        for (int t = 0; t < kTensorCount; ++t) {
            const Traffic& T = tot.per_tensor[size_t(t)];
            const Traffic& S = now.per_tensor[size_t(t)];
            if (!T.global_read_bytes && !T.global_write_bytes) continue;
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            text_colored(tensor_color(Tensor(t)), "%s", to_string(Tensor(t)));
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(fmt_bytes(double(S.hbm_read_bytes)).c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(fmt_bytes(double(S.hbm_write_bytes)).c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(fmt_bytes(double(T.hbm_read_bytes)).c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(fmt_bytes(double(T.hbm_write_bytes)).c_str());
        }
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextUnformatted("all");
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(fmt_bytes(double(now.total.hbm_read_bytes)).c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(fmt_bytes(double(now.total.hbm_write_bytes)).c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(fmt_bytes(double(tot.total.hbm_read_bytes)).c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(fmt_bytes(double(tot.total.hbm_write_bytes)).c_str());
        ImGui::EndTable();
    }
    ImGui::Text("Levels (total)");
    ImGui::BulletText("L2 <-> SRAM: read %s, write %s", fmt_bytes(double(tot.total.global_read_bytes)).c_str(),
                      fmt_bytes(double(tot.total.global_write_bytes)).c_str());
    ImGui::BulletText("SRAM: written %s, read %s", fmt_bytes(double(tot.sram_write_bytes)).c_str(),
                      fmt_bytes(double(tot.sram_read_bytes)).c_str());
    ImGui::BulletText("HBM: %s", fmt_bytes(double(tot.total.hbm_read_bytes + tot.total.hbm_write_bytes)).c_str());
    ImGui::TextDisabled(r.paper_mode ? "(paper mode: every global access reaches HBM)" : "(through the L2 model)");
    ImGui::TextWrapped("FLOPs so far %s; total matmul %s, vector %s, exp %s", fmt_count(double(now.flops())).c_str(),
                fmt_count(double(tot.matmul_flops)).c_str(), fmt_count(double(tot.vector_flops)).c_str(),
                fmt_count(double(tot.exps)).c_str());
    ImGui::Text("Arithmetic intensity %.1f FLOP per HBM byte", r.arithmetic_intensity());
    if (r.timing.valid) {
        ImGui::Text("Time %s = %s cycles at %.3g GHz", fmt_seconds(r.timing.seconds).c_str(),
                    fmt_count(r.timing.cycles).c_str(), r.gpu.clock_hz / 1e9);
        if (!r.timing.bottleneck.empty()) ImGui::TextWrapped("Bottleneck: %s", r.timing.bottleneck.c_str());
    } else {
        ImGui::TextDisabled("Time: timing not available (the timing layer reported none)");
    }
    ImGui::Separator();
    ImGui::Text("Formula vs simulated (HBM bytes)");
    if (r.analytic.available) {
        const bool rd = r.analytic.hbm_read_bytes == tot.total.hbm_read_bytes;
        const bool wr = r.analytic.hbm_write_bytes == tot.total.hbm_write_bytes;
        ImGui::TextWrapped("read  %s = %s; simulated %s %s", r.analytic.read_formula.c_str(),
                           fmt_bytes(double(r.analytic.hbm_read_bytes)).c_str(),
                           fmt_bytes(double(tot.total.hbm_read_bytes)).c_str(), rd ? "(equal)" : "(differs)");
        ImGui::TextWrapped("write %s = %s; simulated %s %s", r.analytic.write_formula.c_str(),
                           fmt_bytes(double(r.analytic.hbm_write_bytes)).c_str(),
                           fmt_bytes(double(tot.total.hbm_write_bytes)).c_str(), wr ? "(equal)" : "(differs)");
        if ((!rd || !wr) && !r.paper_mode) ImGui::TextDisabled("(the L2 model serves re-reads the formula counts)");
    } else {
        ImGui::TextDisabled("no closed form for this combination");
    }
}

}  // namespace flashsim::viz
