// panel_playback.cpp: play, pause, step, scrub and speed; and the algorithm's listing beside the
// animation with the current op's line highlighted.
#include <cmath>

#include "viz/palette.h"
#include "viz/panels.h"

namespace flashsim::viz {

void panel_playback(AppState& app) {
    Playback& pb = app.a.playback;
    const int64_t total = pb.total_steps();
    if (ImGui::Button("|<")) app.seek(0);
    ImGui::SameLine();
    if (ImGui::Button("<")) app.step_by(-1);
    ImGui::SameLine();
    if (ImGui::Button(app.playing ? "pause" : "play ", ImVec2(70 * ImGui::GetFontSize() / 16, 0))) app.playing = !app.playing;
    ImGui::SameLine();
    if (ImGui::Button(">")) app.step_by(1);
    ImGui::SameLine();
    if (ImGui::Button(">|")) app.seek(total - 1);
    ImGui::SameLine();
    int64_t step = pb.step();
    const int64_t lo = 0, hi = std::max<int64_t>(0, total - 1);
    ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x * 0.6f);
    char fmt[64];
    std::snprintf(fmt, sizeof fmt, "step %%lld of %lld", (long long)total);
    if (ImGui::SliderScalar("##scrub", ImGuiDataType_S64, &step, &lo, &hi, fmt)) app.seek(step);
    ImGui::SameLine();
    float speed = float(app.speed_steps_per_s);
    ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x);
    if (ImGui::SliderFloat("##speed", &speed, 0.5f, 5000.0f, "%.1f steps/s", ImGuiSliderFlags_Logarithmic))
        app.speed_steps_per_s = speed;
}

void panel_listing(AppState& app) {
    const Playback& pb = app.a.playback;
    if (pb.empty() || pb.trace()->listings.empty()) {
        ImGui::TextDisabled("no listing");
        return;
    }
    const auto& listings = pb.trace()->listings;
    const Listing& l = listings[size_t(std::min<int>(pb.listing_index(), int(listings.size()) - 1))];
    const int line = pb.current_line();
    ImGui::TextWrapped("%s", l.title.c_str());
    ImGui::Separator();
    ImGui::PushStyleColor(ImGuiCol_Header, IM_COL32(120, 100, 0, 255));
    for (size_t k = 0; k < l.lines.size(); ++k) {
        const bool cur = int(k) + 1 == line;
        char label[32];
        std::snprintf(label, sizeof label, "%2zu", k + 1);
        ImGui::Selectable(label, cur, ImGuiSelectableFlags_SpanAllColumns | ImGuiSelectableFlags_AllowItemOverlap);
        ImGui::SameLine();
        if (cur) ImGui::PushStyleColor(ImGuiCol_Text, kLoadHighlight);
        ImGui::TextWrapped("%s", l.lines[k].text.c_str());
        if (cur) ImGui::PopStyleColor();
    }
    ImGui::PopStyleColor();
}

}  // namespace flashsim::viz
