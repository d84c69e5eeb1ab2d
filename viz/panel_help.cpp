// panel_help.cpp: the keyboard shortcuts and the help overlay that lists them (one table, so the
// overlay and the handling cannot drift).
#include <GLFW/glfw3.h>

#include "viz/palette.h"
#include "viz/panels.h"

namespace flashsim::viz {

namespace {

struct Shortcut {
    const char* keys;
    const char* what;
};
const Shortcut kShortcuts[] = {
    {"Space", "play / pause"},
    {"Right / Left", "step forward / back one op"},
    {"Shift + Right / Left", "step 10 ops"},
    {"Page Down / Page Up", "step 100 ops"},
    {"Home / End", "first / last step"},
    {"+ / -", "faster / slower"},
    {"1 2 3 4", "views: hierarchy, compare, timeline, plots"},
    {"P", "projector mode (large fonts, high contrast)"},
    {"C", "hide / show the side panels: the view fills the window"},
    {"H or F1", "this help"},
    {"Esc", "close the help"},
};

bool pressed(int key) { return ImGui::IsKeyPressed(key, true); }

}  // namespace

void handle_shortcuts(AppState& app) {
    const ImGuiIO& io = ImGui::GetIO();
    if (io.WantTextInput) return;
    const int64_t big = io.KeyShift ? 10 : 1;
    if (pressed(GLFW_KEY_SPACE)) app.playing = !app.playing;
    if (pressed(GLFW_KEY_RIGHT)) app.step_by(big);
    if (pressed(GLFW_KEY_LEFT)) app.step_by(-big);
    if (pressed(GLFW_KEY_PAGE_DOWN)) app.step_by(100);
    if (pressed(GLFW_KEY_PAGE_UP)) app.step_by(-100);
    if (pressed(GLFW_KEY_HOME)) app.seek(0);
    if (pressed(GLFW_KEY_END)) app.seek(app.a.playback.total_steps() - 1);
    if (pressed(GLFW_KEY_EQUAL) || pressed(GLFW_KEY_KP_ADD)) app.speed_steps_per_s = std::min(5000.0, app.speed_steps_per_s * 2);
    if (pressed(GLFW_KEY_MINUS) || pressed(GLFW_KEY_KP_SUBTRACT)) app.speed_steps_per_s = std::max(0.5, app.speed_steps_per_s / 2);
    if (pressed(GLFW_KEY_1)) app.view = View::hierarchy;
    if (pressed(GLFW_KEY_2)) app.view = View::compare;
    if (pressed(GLFW_KEY_3)) app.view = View::timeline;
    if (pressed(GLFW_KEY_4)) app.view = View::plots;
    if (pressed(GLFW_KEY_P)) app.projector = !app.projector;
    if (pressed(GLFW_KEY_C)) app.hide_panels = !app.hide_panels;
    if (pressed(GLFW_KEY_H) || pressed(GLFW_KEY_F1)) app.show_help = !app.show_help;
    if (pressed(GLFW_KEY_ESCAPE)) app.show_help = false;
}

void panel_help(AppState& app) {
    if (!app.show_help) return;
    const ImVec2 c = ImGui::GetMainViewport()->GetCenter();
    ImGui::SetNextWindowPos(c, ImGuiCond_Always, ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowBgAlpha(0.95f);
    if (ImGui::Begin("Keyboard shortcuts", &app.show_help, ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoCollapse)) {
        if (ImGui::BeginTable("keys", 2, ImGuiTableFlags_RowBg)) {
            for (const auto& k : kShortcuts) {
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                text_colored(kLoadHighlight, "%s", k.keys);
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(k.what);
            }
            ImGui::EndTable();
        }
        ImGui::Separator();
        ImGui::TextUnformatted("Yellow: a tile loading HBM -> SRAM.  White: a tile storing SRAM -> HBM.");
        ImGui::TextUnformatted("Each tensor keeps its colour in every view. The bar under each SM is its SRAM budget.");
    }
    ImGui::End();
}

}  // namespace flashsim::viz
