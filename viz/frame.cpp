// frame.cpp: the window's layout. Left: controls (A, and B in the compare view) and the measured
// overlay; centre: view selector, playback and the chosen view; right: the listing and counters.
#include <algorithm>

#include "viz/palette.h"
#include "viz/panels.h"

namespace flashsim::viz {

void draw_frame(AppState& app) {
    app.record.clear();
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(vp->WorkPos);
    ImGui::SetNextWindowSize(vp->WorkSize);
    const ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                                   ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus;
    ImGui::Begin("flashsim", nullptr, flags);
    const float s = ImGui::GetFontSize() / 16.0f;
        // Side panels take at most about half the width, so the view stays large in projector mode.
    const float W = vp->WorkSize.x;
    const float left_w = std::min(300 * s, 0.2f * W), right_w = std::min(400 * s, 0.27f * W);

    ImGui::BeginChild("left", ImVec2(left_w, 0), true);
    text_colored(kLoadHighlight, "flashsim viewer");
    ImGui::SameLine();
    ImGui::TextDisabled("(H: help)");
    ImGui::Separator();
    ImGui::TextUnformatted(app.view == View::compare ? "Configuration A" : "Configuration");
    panel_controls(app, app.a, "A");
    if (app.view == View::compare || app.view == View::plots) {
        ImGui::Separator();
        ImGui::TextUnformatted("Configuration B");
        panel_controls(app, app.b, "B");
    }
    ImGui::Separator();
    if (ImGui::CollapsingHeader("Measured (CUDA kernels)", ImGuiTreeNodeFlags_DefaultOpen)) panel_measured(app);
    ImGui::Checkbox("projector mode (P)", &app.projector);
    ImGui::EndChild();

    ImGui::SameLine();
    const float centre_w = ImGui::GetContentRegionAvail().x - right_w - ImGui::GetStyle().ItemSpacing.x;
    ImGui::BeginChild("centre", ImVec2(centre_w, 0), false, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
    for (View v : {View::hierarchy, View::compare, View::timeline, View::plots}) {
        if (v != View::hierarchy) ImGui::SameLine();
        const bool cur = app.view == v;
        if (cur) ImGui::PushStyleColor(ImGuiCol_Button, IM_COL32(120, 100, 0, 255));
        char label[32];
        std::snprintf(label, sizeof label, "%d %s", int(v) + 1, to_string(v));
        if (ImGui::Button(label)) app.view = v;
        if (cur) ImGui::PopStyleColor();
    }
    panel_playback(app);
    DrawContext ctx;
    ctx.dl = ImGui::GetWindowDrawList();
    ctx.p0 = ImGui::GetCursorScreenPos();
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    ctx.p1 = ImVec2(ctx.p0.x + avail.x, ctx.p0.y + avail.y);
    ctx.s = s;
    switch (app.view) {
        case View::hierarchy: panel_hierarchy(app, app.a, "", ctx); break;
        case View::compare: panel_compare(app, ctx); break;
        case View::timeline: panel_timeline(app, ctx); break;
        case View::plots: panel_plots(app, ctx); break;
    }
    ImGui::EndChild();

    ImGui::SameLine();
    ImGui::BeginChild("right", ImVec2(0, 0), true);
    if (ImGui::CollapsingHeader("Algorithm", ImGuiTreeNodeFlags_DefaultOpen)) panel_listing(app);
    if (ImGui::CollapsingHeader("Counters", ImGuiTreeNodeFlags_DefaultOpen)) panel_counters(app);
    ImGui::EndChild();
    ImGui::End();
    panel_help(app);
}

}  // namespace flashsim::viz
