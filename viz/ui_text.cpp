// ui_text.cpp: recorded and elided text (see ui_text.h).
#include "viz/ui_text.h"

#include <cstdarg>
#include <cstdio>
#include <imgui_internal.h>

namespace flashsim::viz::ui {

namespace {

DrawRecord* g_record = nullptr;

std::string vformat(const char* fmt, va_list args) {
    char buf[1024];
    std::vsnprintf(buf, sizeof buf, fmt, args);
    return buf;
}

void record(const std::string& s, ImVec2 a, ImVec2 b, const ImRect& clip, bool scrolls, bool elided) {
    if (!g_record || s.empty()) return;
    const ImGuiWindow* w = ImGui::GetCurrentWindow();
    g_record->texts.push_back({s, w ? w->Name : "", {a.x, a.y, b.x, b.y}, {clip.Min.x, clip.Min.y, clip.Max.x, clip.Max.y},
                               scrolls, elided});
}

bool window_scrolls_y() {
    const ImGuiWindow* w = ImGui::GetCurrentWindow();
    return w && w->ScrollMax.y > 0;
}

}  // namespace

void set_record(DrawRecord* rec) { g_record = rec; }

void note_item(const char* s) {
    record(s, ImGui::GetItemRectMin(), ImGui::GetItemRectMax(), ImGui::GetCurrentWindow()->ClipRect, window_scrolls_y(), false);
}

#define FLASHSIM_FORMAT(fmt)       \
    va_list args;                  \
    va_start(args, fmt);           \
    const std::string s = vformat(fmt, args); \
    va_end(args)

void text(const char* fmt, ...) {
    FLASHSIM_FORMAT(fmt);
    ImGui::TextUnformatted(s.c_str());
    note_item(s.c_str());
}

void text_colored(ImU32 color, const char* fmt, ...) {
    FLASHSIM_FORMAT(fmt);
    ImGui::PushStyleColor(ImGuiCol_Text, color);
    ImGui::TextUnformatted(s.c_str());
    ImGui::PopStyleColor();
    note_item(s.c_str());
}

void text_disabled(const char* fmt, ...) {
    FLASHSIM_FORMAT(fmt);
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    ImGui::TextUnformatted(s.c_str());
    ImGui::PopStyleColor();
    note_item(s.c_str());
}

void text_wrapped(const char* fmt, ...) {
    FLASHSIM_FORMAT(fmt);
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextUnformatted(s.c_str());
    ImGui::PopTextWrapPos();
    note_item(s.c_str());
}

void text_wrapped_colored(ImU32 color, const char* fmt, ...) {
    FLASHSIM_FORMAT(fmt);
    ImGui::PushStyleColor(ImGuiCol_Text, color);
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextUnformatted(s.c_str());
    ImGui::PopTextWrapPos();
    ImGui::PopStyleColor();
    note_item(s.c_str());
}

void bullet_text(const char* fmt, ...) {
    FLASHSIM_FORMAT(fmt);
    // A bullet, then the text wrapped to the panel (ImGui's BulletText does not wrap).
    ImGui::Bullet();
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextUnformatted(s.c_str());
    ImGui::PopTextWrapPos();
    note_item(s.c_str());
}

#undef FLASHSIM_FORMAT

std::string elide(const std::string& s, float max_w) {
    if (ImGui::CalcTextSize(s.c_str()).x <= max_w) return s;
    const float dots = ImGui::CalcTextSize("...").x;
    if (dots > max_w) return "";
    size_t lo = 0, hi = s.size();
    while (lo < hi) {  // the longest prefix that fits with "..."
        const size_t mid = (lo + hi + 1) / 2;
        if (ImGui::CalcTextSize(s.c_str(), s.c_str() + mid).x + dots <= max_w) lo = mid;
        else hi = mid - 1;
    }
    while (lo > 0 && (s[lo - 1] & 0xC0) == 0x80) --lo;  // not inside a UTF-8 sequence
    while (lo > 0 && s[lo - 1] == ' ') --lo;
    return s.substr(0, lo) + "...";
}

void text_elided(const std::string& s, ImU32 color) {
    const std::string shown = elide(s, ImGui::GetContentRegionAvail().x);
    if (shown.empty()) return;
    if (color) ImGui::PushStyleColor(ImGuiCol_Text, color);
    ImGui::TextUnformatted(shown.c_str());
    if (color) ImGui::PopStyleColor();
    const bool elided = shown != s;
    if (elided && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", s.c_str());
    record(shown, ImGui::GetItemRectMin(), ImGui::GetItemRectMax(), ImGui::GetCurrentWindow()->ClipRect, window_scrolls_y(),
           elided);
}

void table_headers(const char* const* labels, int n) {
    ImGui::TableNextRow(ImGuiTableRowFlags_Headers);
    for (int i = 0; i < n; ++i) {
        if (!ImGui::TableSetColumnIndex(i)) continue;
        const std::string shown = elide(labels[i], ImGui::GetContentRegionAvail().x);
        const ImVec2 at = ImGui::GetCursorScreenPos();  // where the header's text goes
        ImGui::PushID(i);
        ImGui::TableHeader(shown.c_str());
        ImGui::PopID();
        if (shown != labels[i] && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", labels[i]);
        // The header's text, not the whole cell the header item spans.
        const ImVec2 sz = ImGui::CalcTextSize(shown.c_str());
        record(shown, at, ImVec2(at.x + sz.x, at.y + sz.y), ImGui::GetCurrentWindow()->ClipRect, window_scrolls_y(),
               shown != labels[i]);
    }
}

namespace {

// Draws `shown` at pos and records it with box as its clip rectangle; `full` in a tooltip when it
// differs (a short form or an elided text).
float draw_shown(ImDrawList* dl, ImVec2 pos, ImU32 color, const std::string& shown, const std::string& full, const Rect& box,
                 bool elided) {
    const ImVec2 sz = ImGui::CalcTextSize(shown.c_str());
    dl->AddText(pos, color, shown.c_str());
    const ImVec2 b(pos.x + sz.x, pos.y + sz.y);
    if (shown != full && ImGui::IsMouseHoveringRect(pos, b)) ImGui::SetTooltip("%s", full.c_str());
    ImRect clip(box.x0, box.y0, box.x1, box.y1);
    clip.ClipWith(ImGui::GetCurrentWindow()->ClipRect);
    record(shown, pos, b, clip, false, elided);
    return sz.x;
}

}  // namespace

float draw_text(ImDrawList* dl, ImVec2 pos, ImU32 color, const std::string& s, const Rect& box) {
    const std::string shown = elide(s, box.x1 - pos.x);
    if (shown.empty()) return 0;
    return draw_shown(dl, pos, color, shown, s, box, shown != s);
}

float draw_text_fit(ImDrawList* dl, ImVec2 pos, ImU32 color, std::initializer_list<std::string> variants, const Rect& box) {
    if (variants.size() == 0) return 0;
    for (const std::string& v : variants)
        if (pos.x + ImGui::CalcTextSize(v.c_str()).x <= box.x1) return draw_shown(dl, pos, color, v, *variants.begin(), box, false);
    return draw_text(dl, pos, color, *(variants.end() - 1), box);  // none fits: the last, elided
}

}  // namespace flashsim::viz::ui

namespace flashsim::viz::ui {

float draw_text_wrapped(ImDrawList* dl, ImVec2 pos, ImU32 color, const std::string& s, const Rect& box) {
    const float wrap = box.x1 - pos.x;
    const ImVec2 sz = ImGui::CalcTextSize(s.c_str(), nullptr, false, wrap);
    dl->AddText(nullptr, 0, pos, color, s.c_str(), nullptr, wrap);
    ImRect clip(box.x0, box.y0, box.x1, box.y1);
    clip.ClipWith(ImGui::GetCurrentWindow()->ClipRect);
    if (g_record && !s.empty())
        g_record->texts.push_back({s, ImGui::GetCurrentWindow()->Name, {pos.x, pos.y, pos.x + sz.x, pos.y + sz.y},
                                   {clip.Min.x, clip.Min.y, clip.Max.x, clip.Max.y}, false, false});
    return sz.y;
}

}  // namespace flashsim::viz::ui
