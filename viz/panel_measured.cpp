// panel_measured.cpp: a measurement file of the CUDA kernels (flashsim-measurement/1) beside the
// simulation: the run with the current configuration, measured vs simulated.
#include <cstring>

#include "viz/palette.h"
#include "viz/panels.h"
#include "viz/ui_text.h"

namespace flashsim::viz {

void panel_measured(AppState& app) {
    char* path = app.measurement_path_input;
    const float load_w = ImGui::CalcTextSize("load").x + 2 * ImGui::GetStyle().FramePadding.x;
    ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x - load_w - ImGui::GetStyle().ItemSpacing.x);
    ImGui::InputTextWithHint("##mpath", "kernels/measurements/....json", path, sizeof app.measurement_path_input);
    ImGui::SameLine();
    if (ImGui::Button("load")) app.load_measurement_file(path);
    ui::note_item("load");
    if (!app.measurement_error.empty()) {
        ui::text_wrapped_colored(kOverflowRed, "%s", app.measurement_error.c_str());
        return;
    }
    if (!app.has_measurements) {
        ui::text_wrapped_colored(kDimText, "no measurement file loaded");
        return;
    }
    const MeasurementFile& f = app.measurements;
    auto gpu = f.provenance.find("gpu");
    ui::text_wrapped("%zu runs%s%s", f.runs.size(), gpu != f.provenance.end() ? " on " : "",
                     gpu != f.provenance.end() ? gpu->second.c_str() : "");
    const Side& a = app.a;
    if (!a.has_outcome || !a.outcome.result) return;
    const RunResult& r = *a.outcome.result;
    const MeasuredRun* m = find_run(f, a.config, r.schedule.Br, r.schedule.Bc);
    if (!m) {
        ui::text_wrapped("No measured run for %s (B=%lld H=%lld Br=%lld Bc=%lld). Runs in the file:", a.config.describe().c_str(),
                           (long long)a.config.batch, (long long)a.config.heads, (long long)r.schedule.Br, (long long)r.schedule.Bc);
        for (size_t i = 0; i < f.runs.size() && i < 12; ++i) {
            const auto& x = f.runs[i];
            char label[160];
            std::snprintf(label, sizeof label, "%s %s N=%lld d=%lld Br=%lld Bc=%lld B=%lld H=%lld%s##%zu", x.algo.c_str(),
                          x.dtype.c_str(), (long long)x.N, (long long)x.d, (long long)x.Br, (long long)x.Bc, (long long)x.B,
                          (long long)x.H, x.causal ? " causal" : "", i);
            const bool picked = ImGui::Selectable(label);
            ui::note_item(label);
            if (picked) {
                apply_run(app.a.config, x);
                app.a.request();
            }
        }
        return;
    }
    if (ImGui::BeginTable("meas", 3, ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_RowBg)) {
        const char* headers[] = {"", "measured", "simulated"};
        ui::table_headers(headers, 3);
        auto row = [](const char* what, const std::string& meas, const std::string& sim) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ui::text_elided(what);
            ImGui::TableNextColumn();
            ui::text_elided(meas);
            ImGui::TableNextColumn();
            ui::text_elided(sim);
        };
        row("time (median)", fmt_seconds(m->time_ms_median * 1e-3),
            r.timing.valid ? fmt_seconds(r.timing.seconds) : std::string("not available"));
        if (m->has_ncu) {
            row("HBM read", fmt_bytes(m->dram_read_bytes), fmt_bytes(double(r.counts.total.hbm_read_bytes)));
            row("HBM write", fmt_bytes(m->dram_write_bytes), fmt_bytes(double(r.counts.total.hbm_write_bytes)));
            row("L2 traffic", fmt_bytes(m->l2_bytes),
                fmt_bytes(double(r.counts.total.global_read_bytes + r.counts.total.global_write_bytes)));
        }
        ImGui::EndTable();
    }
    ui::text_wrapped_colored(kDimText, "kernel %s", m->version.c_str());
    if (m->block_order != a.config.block_order)
        ui::text_wrapped_colored(kDimText, "the kernel launches its query blocks %s, the simulation %s (the checkbox under causal sets it)",
                                 m->block_order == "index" ? "by index" : "heaviest first",
                                 a.config.block_order == "index" ? "by index" : "heaviest first");
}

}  // namespace flashsim::viz
