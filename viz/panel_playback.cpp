// panel_playback.cpp: play, pause, step, scrub and speed; and the algorithm's listing beside the
// animation with the current op's line highlighted.
#include <cmath>

#include "viz/palette.h"
#include "viz/panels.h"
#include "viz/ui_text.h"

namespace flashsim::viz {

void panel_playback(AppState& app) {
    Playback& pb = app.a.playback;
    const int64_t total = pb.total_steps();
    if (ImGui::Button("|<")) app.seek(0);
    ui::note_item("|<");
    ImGui::SameLine();
    if (ImGui::Button("<")) app.step_by(-1);
    ui::note_item("<");
    ImGui::SameLine();
    if (ImGui::Button(app.playing ? "pause" : "play ", ImVec2(ImGui::CalcTextSize("pause").x + 2 * ImGui::GetStyle().FramePadding.x, 0)))
        app.playing = !app.playing;
    ui::note_item(app.playing ? "pause" : "play");
    ImGui::SameLine();
    if (ImGui::Button(">")) app.step_by(1);
    ui::note_item(">");
    ImGui::SameLine();
    if (ImGui::Button(">|")) app.seek(total - 1);
    ui::note_item(">|");
    ImGui::SameLine();
    int64_t step = pb.step();
    const int64_t lo = 0, hi = std::max<int64_t>(0, total - 1);
    ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x * 0.6f);
    char fmt[64];
    std::snprintf(fmt, sizeof fmt, "step %%lld of %lld", (long long)total);
    if (ImGui::SliderScalar("##scrub", ImGuiDataType_S64, &step, &lo, &hi, fmt)) app.seek(step);
    ui::note_item("step slider");
    ImGui::SameLine();
    float speed = float(app.speed_steps_per_s);
    ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x);
    if (ImGui::SliderFloat("##speed", &speed, 0.5f, 5000.0f, "%.1f steps/s", ImGuiSliderFlags_Logarithmic))
        app.speed_steps_per_s = speed;
    ui::note_item("speed slider");
}

void panel_listing(AppState& app) {
    const Playback& pb = app.a.playback;
    if (pb.empty() || pb.trace()->listings.empty()) {
        ui::text_disabled("no listing");
        return;
    }
    const auto& listings = pb.trace()->listings;
    const Listing& l = listings[size_t(std::min<int>(pb.listing_index(), int(listings.size()) - 1))];
    const int line = pb.current_line();
    ui::text_wrapped("%s", l.title.c_str());
    ImGui::Separator();
    // One row per line: its number, then the text wrapped to the panel; the current line's row
    // is highlighted.
    if (!ImGui::BeginTable("listing", 2, ImGuiTableFlags_SizingFixedFit)) return;
    ImGui::TableSetupColumn("#", ImGuiTableColumnFlags_WidthFixed, ImGui::CalcTextSize("00").x);
    ImGui::TableSetupColumn("line", ImGuiTableColumnFlags_WidthStretch);
    for (size_t k = 0; k < l.lines.size(); ++k) {
        const bool cur = int(k) + 1 == line;
        ImGui::TableNextRow();
        if (cur) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg0, IM_COL32(120, 100, 0, 255));
        ImGui::TableNextColumn();
        ui::text("%2zu", k + 1);
        ImGui::TableNextColumn();
        if (cur) ui::text_wrapped_colored(kLoadHighlight, "%s", l.lines[k].text.c_str());
        else ui::text_wrapped("%s", l.lines[k].text.c_str());
    }
    ImGui::EndTable();
}

}  // namespace flashsim::viz
