// panel_controls.cpp: the configuration controls (algorithm, pass, N, d, Br, Bc, causal, element
// type, GPU preset and any of its fields). Every change asks for a new simulation, which runs in
// the background; errors of the last one are shown here.
#include <cstdarg>
#include <cstdio>

#include "sim/algorithms/algorithm.h"
#include "sim/core/errors.h"
#include "viz/palette.h"
#include "viz/panels.h"
#include "viz/ui_text.h"

namespace flashsim::viz {

std::string fmt_bytes(double b) {
    char buf[32];
    const char* u[] = {"B", "KB", "MB", "GB", "TB", "PB"};
    int i = 0;
    while (b >= 1000 && i < 5) b /= 1000, ++i;
    std::snprintf(buf, sizeof buf, i ? "%.3g %s" : "%.0f %s", b, u[i]);
    return buf;
}

std::string fmt_count(double n) {
    char buf[32];
    const char* u[] = {"", " k", " M", " G", " T", " P"};
    int i = 0;
    while (n >= 1000 && i < 5) n /= 1000, ++i;
    std::snprintf(buf, sizeof buf, "%.3g%s", n, u[i]);
    return buf;
}

std::string fmt_seconds(double s) {
    char buf[32];
    if (s >= 1) std::snprintf(buf, sizeof buf, "%.3g s", s);
    else if (s >= 1e-3) std::snprintf(buf, sizeof buf, "%.3g ms", s * 1e3);
    else if (s >= 1e-6) std::snprintf(buf, sizeof buf, "%.3g us", s * 1e6);
    else std::snprintf(buf, sizeof buf, "%.3g ns", s * 1e9);
    return buf;
}

void text_colored(ImU32 color, const char* fmt, ...) {
    va_list args;
    va_start(args, fmt);
    ImGui::PushStyleColor(ImGuiCol_Text, color);
    ImGui::TextV(fmt, args);
    ImGui::PopStyleColor();
    va_end(args);
}

namespace {

bool combo(const char* label, std::string& value, const std::vector<std::string>& items) {
    bool changed = false;
    if (ImGui::BeginCombo(label, value.c_str())) {
        for (const auto& it : items)
            if (ImGui::Selectable(it.c_str(), it == value)) {
                changed = it != value;
                value = it;
            }
        ImGui::EndCombo();
    }
    return changed;
}

bool block_combo(const char* label, int64_t& value) {
    static const int64_t opts[] = {0, 16, 32, 48, 64, 96, 128, 192, 256};
    bool changed = false;
    const std::string cur = value ? std::to_string(value) : "auto";
    if (ImGui::BeginCombo(label, cur.c_str())) {
        for (int64_t o : opts)
            if (ImGui::Selectable(o ? std::to_string(o).c_str() : "auto (the algorithm's default)", o == value)) {
                changed = o != value;
                value = o;
            }
        ImGui::EndCombo();
    }
    return changed;
}

// The algorithm table's names, in its order.
const std::vector<std::string>& algorithm_choices() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> n;
        for (const AlgorithmInfo* a : all_algorithms()) n.push_back(a->name);
        return n;
    }();
    return names;
}

}  // namespace

void panel_controls(AppState& app, Side& side, const char* id) {
    ViewerConfig& c = side.config;
    bool changed = false;
    ImGui::PushID(id);
    // Widgets leave room for the longest label on their right.
    ImGui::PushItemWidth(-(ImGui::CalcTextSize("algorithm").x + ImGui::GetStyle().ItemInnerSpacing.x + 2));
    changed |= combo("algorithm", c.algo, algorithm_choices());
    if (ImGui::IsItemHovered()) {
        try {
            ImGui::SetTooltip("%s", algorithm_info(parse_algorithm(c.algo)).summary);
        } catch (const std::exception&) {
        }
    }
    ui::note_item("algorithm");
    // Only a forward of one CTA per query block (FA2, FA3) launches its blocks in an order.
    bool query_blocks = false;
    try {
        query_blocks = algorithm_info(parse_algorithm(c.algo)).query_block_ctas;
    } catch (const std::exception&) {
    }
    if (!query_blocks && c.block_order != "index") c.block_order = "index", changed = true;
    changed |= combo("pass", c.pass, {"fwd", "bwd", "fwdbwd"});
    ui::note_item("pass");
    int log2N = 0;
    while ((int64_t(1) << (log2N + 1)) <= c.N) ++log2N;
    char nlabel[32];
    std::snprintf(nlabel, sizeof nlabel, "N = %lld", (long long)c.N);
    if (ImGui::SliderInt("N", &log2N, 6, 16, nlabel)) {
        c.N = int64_t(1) << log2N;
        changed = true;
    }
    ui::note_item("N");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("sequence length N, in powers of two");
    std::string dtext = std::to_string(c.d);
    if (combo("d", dtext, {"32", "64", "96", "128", "256"})) {
        c.d = std::stoll(dtext);
        changed = true;
    }
    ui::note_item("d");
    changed |= block_combo("Br", c.Br);
    ui::note_item("Br");
    changed |= block_combo("Bc", c.Bc);
    ui::note_item("Bc");
    if (c.pass == "fwdbwd") {  // the backward's own blocks (with pass bwd, Br and Bc are the backward's)
        changed |= block_combo("bwd Br", c.bwd_Br);
        ui::note_item("bwd Br");
        changed |= block_combo("bwd Bc", c.bwd_Bc);
        ui::note_item("bwd Bc");
    }
    changed |= ImGui::Checkbox("causal", &c.causal);
    ui::note_item("causal");
    // On the same line when it fits.
    const float paper_w = ImGui::GetFrameHeight() + ImGui::GetStyle().ItemInnerSpacing.x + ImGui::CalcTextSize("paper mode (no L2)").x;
    if (ImGui::GetContentRegionAvail().x - ImGui::GetItemRectSize().x - ImGui::GetStyle().ItemSpacing.x >= paper_w) ImGui::SameLine();
    changed |= ImGui::Checkbox("paper mode (no L2)", &c.paper_mode);
    ui::note_item("paper mode (no L2)");
    if (query_blocks && c.causal) {  // the order of a head's causal blocks: the tail of the last wave
        bool heaviest = c.block_order == "heaviest-first";
        if (ImGui::Checkbox("heaviest blocks first", &heaviest)) c.block_order = heaviest ? "heaviest-first" : "index", changed = true;
        ui::note_item("heaviest blocks first");
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip("launch each head's query blocks from the last (the most key blocks) to the first, as real\n"
                              "FlashAttention kernels do: the short blocks fill the last wave");
    }
    changed |= combo("dtype", c.dtype, {"fp32", "fp16", "bf16", "fp8"});
    ui::note_item("dtype");
    int heads = int(c.heads), batch = int(c.batch);
    if (ImGui::InputInt("heads", &heads) && heads >= 1) c.heads = heads, changed = true;
    ui::note_item("heads");
    if (ImGui::InputInt("batch", &batch) && batch >= 1) c.batch = batch, changed = true;
    ui::note_item("batch");
    if (combo("GPU", c.gpu, preset_names())) {
        c.set.clear();
        changed = true;
    }
    ui::note_item("GPU");
    ImGui::PopItemWidth();
    const bool fields_open = ImGui::CollapsingHeader("GPU fields (override the preset)");
    ui::note_item("GPU fields (override the preset)");
    if (fields_open) {
        const GpuSpec* base = app.preset(c.gpu);
        for (const auto& f : gpu_fields()) {
            std::string value = base ? base->get(f.key) : "";
            bool overridden = false;
            for (const auto& [k, v] : c.set)
                if (k == f.key) value = v, overridden = true;
            char buf[64];
            std::snprintf(buf, sizeof buf, "%s", value.c_str());
            // The field's name above its box: the names are long for a narrow panel.
            ui::text_elided(f.key, overridden ? kLoadHighlight : 0);
            if (overridden) ImGui::PushStyleColor(ImGuiCol_Text, kLoadHighlight);
            ImGui::SetNextItemWidth(-1);
            if (ImGui::InputText((std::string("##") + f.key).c_str(), buf, sizeof buf, ImGuiInputTextFlags_EnterReturnsTrue)) {
                bool found = false;
                for (auto& [k, v] : c.set)
                    if (k == f.key) v = buf, found = true;
                if (!found) c.set.emplace_back(f.key, buf);
                changed = true;
            }
            if (overridden) ImGui::PopStyleColor();
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s (%s)", f.help, f.unit);
        }
        if (!c.set.empty() && ImGui::Button("reset to the preset")) {
            c.set.clear();
            changed = true;
        }
        if (!c.set.empty()) ui::note_item("reset to the preset");
    }
    if (changed) side.request();
    if (side.job.busy())
        ui::text_wrapped_colored(kDimText, "%s", side.has_outcome && side.outcome.partial
                                                       ? "paper-mode totals shown; L2 and timing simulating..."
                                                       : "simulating in the background...");
    if (side.has_outcome && !side.outcome.error.empty()) {
        ui::text_wrapped_colored(kOverflowRed, "%s", side.outcome.error.c_str());
    } else if (side.has_outcome && side.outcome.result) {
        const auto& s = side.outcome.result->schedule;
        const Pass pass = side.outcome.result->problem.pass;
        if (pass == Pass::fwdbwd)
            ui::text_wrapped_colored(kDimText, "resolved: fwd Br=%lld Bc=%lld warps=%lld, bwd Br=%lld Bc=%lld warps=%lld; %s",
                                     (long long)s.Br, (long long)s.Bc, (long long)s.warps, (long long)s.bwd_Br,
                                     (long long)s.bwd_Bc, (long long)s.bwd_warps, fmt_seconds(side.outcome.latency_seconds).c_str());
        else
            ui::text_wrapped_colored(kDimText, "resolved: Br=%lld Bc=%lld warps=%lld; %s", (long long)s.Br, (long long)s.Bc,
                                     (long long)s.warps, fmt_seconds(side.outcome.latency_seconds).c_str());
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("time from the last change to these results");
    }
    ImGui::PopID();
}

}  // namespace flashsim::viz
