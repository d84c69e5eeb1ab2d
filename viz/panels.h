// panels.h: the viewer's panels, one file each. A panel reads AppState and records edits into it;
// it never runs a simulation itself (it asks Side::request or AppState for that).
#pragma once
#include <imgui.h>

#include "viz/app.h"

namespace flashsim::viz {

// Where a drawing panel draws, and at what scale (1 = the normal 16 px font).
struct DrawContext {
    ImDrawList* dl = nullptr;
    ImVec2 p0, p1;
    float s = 1.0f;
    float w() const { return p1.x - p0.x; }
    float h() const { return p1.y - p0.y; }
};

void draw_frame(AppState& app);  // the whole window: layout and every panel

void panel_controls(AppState& app, Side& side, const char* id);
void panel_playback(AppState& app);
void panel_listing(AppState& app);
void panel_counters(AppState& app);
void panel_measured(AppState& app);
void panel_hierarchy(AppState& app, Side& side, const char* side_name, const DrawContext& ctx);
void panel_compare(AppState& app, const DrawContext& ctx);
void panel_timeline(AppState& app, const DrawContext& ctx);
void panel_plots(AppState& app, const DrawContext& ctx);
void panel_help(AppState& app);
void handle_shortcuts(AppState& app);

// Shared small helpers.
std::string fmt_bytes(double bytes);    // "12.6 MB" (decimal, as bandwidths are quoted)
std::string fmt_count(double n);        // "4.29 G"
std::string fmt_seconds(double s);      // "81.2 us"
void text_colored(ImU32 color, const char* fmt, ...);

}  // namespace flashsim::viz
