// hierarchy_matrices.cpp: the matrices in HBM as tile grids, their labels, and the legend.
#include "viz/hierarchy_matrices.h"

#include <algorithm>
#include <cstdio>

#include "viz/palette.h"
#include "viz/ui_text.h"

namespace flashsim::viz {

namespace {
ImVec2 v(float x, float y) { return ImVec2(x, y); }

// A matrix that never reaches HBM: dark, hatched diagonally every `step` pixels.
void hatch(ImDrawList* dl, ImVec2 a, ImVec2 b, float step) {
    dl->AddRectFilled(a, b, rgba(45, 45, 52));
    for (float d = 0; d < (b.x - a.x) + (b.y - a.y); d += step) {
        const float x0 = a.x + std::max(0.0f, d - (b.y - a.y)), y0 = a.y + std::min(d, b.y - a.y);
        const float x1 = a.x + std::min(d, b.x - a.x), y1 = a.y + std::max(0.0f, d - (b.x - a.x));
        dl->AddLine(v(x0, y0), v(x1, y1), rgba(70, 70, 80));
    }
}
}  // namespace

Rect tile_rect(const MatrixBox& m, int64_t row0, int64_t rows, int64_t col0, int64_t cols) {
    const float w = m.r.x1 - m.r.x0, h = m.r.y1 - m.r.y0;
    return {m.r.x0 + w * float(col0) / float(m.cols), m.r.y0 + h * float(row0) / float(m.rows),
            m.r.x0 + w * float(col0 + cols) / float(m.cols), m.r.y0 + h * float(row0 + rows) / float(m.rows)};
}

std::vector<MatrixBox> layout_matrices(const Rect& hbm, const Trace& tr, const PlaybackPlan& plan, float s) {
    std::vector<MatrixBox> out;
    const AttentionProblem& p = tr.problem;
    const int64_t Br = tr.schedule.Br, Bc = tr.schedule.Bc;
    auto touched = [&](Tensor t) { return plan.touched[size_t(t)]; };
    std::vector<Tensor> tall = {Tensor::Q, Tensor::K, Tensor::V, Tensor::O};
    for (Tensor t : {Tensor::dO, Tensor::dQ, Tensor::dQacc, Tensor::dK, Tensor::dV})
        if (touched(t)) tall.push_back(t);
    std::vector<Tensor> stats;
    for (Tensor t : {Tensor::l, Tensor::m, Tensor::LSE, Tensor::D})
        if (touched(t)) stats.push_back(t);
    std::vector<Tensor> squares = {Tensor::S, Tensor::P};
    for (Tensor t : {Tensor::dS, Tensor::dP, Tensor::Pdrop, Tensor::Z})  // Pdrop, Z: standard attention's dropout
        if (touched(t)) squares.push_back(t);

    const float L = ImGui::GetTextLineHeight();
    const float label_h = L + 2 * s, pad = 10 * s;
    const float x0 = hbm.x0 + pad, x1 = hbm.x1 - pad, y0 = hbm.y0 + L + 8 * s, y1 = hbm.y1 - pad;
    const float top_h = (y1 - y0) * 0.48f;
    const float stat_w = std::max(18 * s, ImGui::CalcTextSize("LSE").x + 2 * s);
    const float avail = x1 - x0 - float(stats.size()) * (stat_w + pad);
    const float col_w = std::min(70 * s, avail / float(tall.size()) - pad);
    auto block_of = [&](Tensor t) {
        const bool kv = t == Tensor::K || t == Tensor::V || t == Tensor::dK || t == Tensor::dV;
        return kv ? Bc : Br;
    };
    float x = x0;
    for (Tensor t : tall) {
        const auto& sh = tr.shapes[size_t(t)];
        out.push_back({t, {x, y0 + label_h, x + col_w, y0 + top_h}, sh.rows, sh.cols, block_of(t), sh.cols, true});
        x += col_w + pad;
    }
    for (Tensor t : stats) {
        const auto& sh = tr.shapes[size_t(t)];
        out.push_back({t, {x, y0 + label_h, x + stat_w, y0 + top_h}, sh.rows, sh.cols, Br, 1, true});
        x += stat_w + pad;
    }
    // The N x N squares in a grid of the column count that makes them largest: side by side in a
    // wide box, stacked in a narrow one (the compare view's half width on a projector), so that
    // their labels fit.
    const float sq_y0 = y0 + top_h + pad + label_h;
    const size_t n = squares.size();
    size_t cols = n;
    float side = 0;
    for (size_t c = 1; c <= n; ++c) {
        const size_t rows = (n + c - 1) / c;
        const float by_w = (x1 - x0 - pad * float(c - 1)) / float(c);
        const float by_h = (y1 - sq_y0 - (pad + label_h) * float(rows - 1)) / float(rows);
        if (std::min(by_w, by_h) > side + 0.5f) side = std::min(by_w, by_h), cols = c;  // ties: fewer columns
    }
    for (size_t k = 0; k < n; ++k) {
        const Tensor t = squares[k];
        const auto& sh = tr.shapes[size_t(t)];
        const float sx = x0 + float(k % cols) * (side + pad), sy = sq_y0 + float(k / cols) * (side + pad + label_h);
        out.push_back({t, {sx, sy, sx + side, sy + side}, sh.rows, sh.cols, Br, Bc, touched(t)});
    }
    (void)p;
    return out;
}

void draw_matrix(ImDrawList* dl, const MatrixBox& m, float label_x1, float s) {
    const Rgba c = tensor_color(m.t);
    const ImVec2 a = v(m.r.x0, m.r.y0), b = v(m.r.x1, m.r.y1);
    const float L = ImGui::GetTextLineHeight();
    char label[64];
    std::snprintf(label, sizeof label, "%s %lldx%lld", to_string(m.t), (long long)m.rows, (long long)m.cols);
    if (ImGui::CalcTextSize(label).x > label_x1 - m.r.x0) std::snprintf(label, sizeof label, "%s", to_string(m.t));
    ui::draw_text(dl, v(m.r.x0, m.r.y0 - L - 1 * s), c, label, {m.r.x0, m.r.y0 - L - 2 * s, label_x1, m.r.y0});
    if (!m.in_hbm) {
        hatch(dl, a, b, 14 * s);
        const Rect box{a.x + 4 * s, a.y, b.x - 4 * s, b.y};
        // Two lines, or their short form in a narrow box (the compare view on a projector), or
        // none where even that would be cut: the legend's hatched swatch says it.
        const float room = box.x1 - (a.x + 8 * s);
        const bool full = ImGui::CalcTextSize("tiles stay on chip").x <= room;
        if (full || ImGui::CalcTextSize("in HBM").x <= room) {
            ui::draw_text(dl, v(a.x + 8 * s, (a.y + b.y) / 2 - L - 1 * s), kText, full ? "never in HBM:" : "never", box);
            ui::draw_text(dl, v(a.x + 8 * s, (a.y + b.y) / 2 + 1 * s), kText, full ? "tiles stay on chip" : "in HBM", box);
        }
        dl->AddRect(a, b, with_alpha(c, 200), 0, 0, 2 * s);
        return;
    }
    dl->AddRectFilled(a, b, with_alpha(c, 60));
    const Rgba grid = with_alpha(c, 120);
    const int64_t nr = (m.rows + m.row_block - 1) / m.row_block, nc = (m.cols + m.col_block - 1) / m.col_block;
    if (nr > 1 && nr <= 128)
        for (int64_t i = 1; i < nr; ++i) {
            const float y = m.r.y0 + (m.r.y1 - m.r.y0) * float(i * m.row_block) / float(m.rows);
            dl->AddLine(v(a.x, y), v(b.x, y), grid);
        }
    if (nc > 1 && nc <= 128)
        for (int64_t j = 1; j < nc; ++j) {
            const float x = m.r.x0 + (m.r.x1 - m.r.x0) * float(j * m.col_block) / float(m.cols);
            dl->AddLine(v(x, a.y), v(x, b.y), grid);
        }
    dl->AddRect(a, b, c, 0, 0, 1.5f * s);
}

float legend(ImDrawList* dl, const std::vector<Tensor>& tensors, bool on_chip, float x0, float y0, float x_max, float s, bool draw) {
    const float L = ImGui::GetTextLineHeight(), sw = 0.8f * L, row_h = L + 4 * s;
    float x = x0, y = y0;
    auto item = [&](Rgba c, const char* text, bool outline, bool hatched = false) {
        const float w = ImGui::CalcTextSize(text).x + sw + 12 * s;
        if (x + w > x_max && x > x0) {
            x = x0;
            y += row_h;
        }
        if (draw) {
            if (hatched) hatch(dl, v(x, y + 0.1f * L), v(x + sw, y + 0.1f * L + sw), 0.3f * sw);
            else dl->AddRectFilled(v(x, y + 0.1f * L), v(x + sw, y + 0.1f * L + sw), c);
            if (outline) dl->AddRect(v(x, y + 0.1f * L), v(x + sw, y + 0.1f * L + sw), kBoxBorder);
            ui::draw_text(dl, v(x + sw + 4 * s, y), kText, text, {x0, y, x_max, y + L});
        }
        x += w;
    };
    for (Tensor t : tensors) item(tensor_color(t), to_string(t), false);
    x += 12 * s;
    item(kLoadHighlight, "loading HBM->SRAM", true);
    item(kStoreHighlight, "storing SRAM->HBM", true);
    item(with_alpha(tensor_color(Tensor::Q), 60), "in HBM", true);
    if (on_chip) item(0, "never in HBM", true, true);
    item(tensor_color(Tensor::Q), "resident in an SM's SRAM", true);
    item(kComputeGreen, "SM computing", true);
    return y + row_h - y0;
}

}  // namespace flashsim::viz
