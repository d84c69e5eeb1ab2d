// ui_text.h: every piece of text the viewer shows goes through these helpers. They record the
// text's rectangle as Dear ImGui laid it out and the rectangle it is clipped to (DrawRecord::texts),
// so the headless tests can check that no text is cut off or drawn over another. Text that does
// not fit where it must go is elided ("...") and shows the whole text in a tooltip.
#pragma once
#include <imgui.h>
#include <initializer_list>
#include <string>

#include "viz/draw_record.h"

namespace flashsim::viz::ui {

void set_record(DrawRecord* rec);  // where this frame's texts go (nullptr: nowhere)

// ImGui widgets: records the last item (label or text) with the window's current clip rectangle.
void note_item(const char* text);

// ImGui text items, recorded.
void text(const char* fmt, ...) IM_FMTARGS(1);
void text_colored(ImU32 color, const char* fmt, ...) IM_FMTARGS(2);
void text_disabled(const char* fmt, ...) IM_FMTARGS(1);
void text_wrapped(const char* fmt, ...) IM_FMTARGS(1);
void text_wrapped_colored(ImU32 color, const char* fmt, ...) IM_FMTARGS(2);
void bullet_text(const char* fmt, ...) IM_FMTARGS(1);
// One line elided to the space left on the current line (a table cell, a narrow panel).
void text_elided(const std::string& s, ImU32 color = 0);
// A table's header row, each header elided to its column.
void table_headers(const char* const* labels, int n);

// Drawing panels: `s` at `pos`, elided so that it ends before box.x1, recorded with `box` as its
// clip rectangle. Returns the drawn width.
float draw_text(ImDrawList* dl, ImVec2 pos, ImU32 color, const std::string& s, const Rect& box);
// The first of `variants` (longest first) that fits before box.x1, drawn like draw_text; when
// none fits, the last one elided. A shorter variant shows the first in a tooltip. Returns the
// drawn width. For labels that have a short form on a narrow panel (a projector).
float draw_text_fit(ImDrawList* dl, ImVec2 pos, ImU32 color, std::initializer_list<std::string> variants, const Rect& box);
// The longest prefix of `s` that, with "...", is at most `max_w` wide ("" when nothing fits).
std::string elide(const std::string& s, float max_w);

}  // namespace flashsim::viz::ui

namespace flashsim::viz::ui {
// Drawing panels: `s` wrapped to box's width from `pos`, recorded; returns the height used.
float draw_text_wrapped(ImDrawList* dl, ImVec2 pos, ImU32 color, const std::string& s, const Rect& box);
}  // namespace flashsim::viz::ui
