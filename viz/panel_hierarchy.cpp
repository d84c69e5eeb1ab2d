// panel_hierarchy.cpp: the memory hierarchy view. HBM holds the matrices as tile grids, the L2 sits
// between HBM and the SMs, and each drawn SM shows what its SRAM holds against its budget. The
// tile a CTA is loading is yellow in HBM and travels (a packet) to the SM; a tile being stored is
// white and travels back. Prepare (layout into a Scene), then draw, then record the rectangles.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "viz/hierarchy_matrices.h"
#include "viz/palette.h"
#include "viz/panels.h"
#include "viz/ui_text.h"

namespace flashsim::viz {

namespace {

struct Quad {
    Tensor t;
    Rect r;
    Rgba fill;
    const char* state;
    int sm;
    Op op;
};

struct SmBox {
    Rect box, bar;
    const SmView* view;
    float tensor_x[kTensorCount];  // centre of each resident tensor's tile drawn in the SM
    float tensor_y[kTensorCount];
};

struct Scene {
    Rect hbm, l2;
    std::vector<MatrixBox> matrices;
    std::vector<Quad> quads;
    std::vector<SmBox> sms;
    std::vector<std::pair<Rect, Rgba>> packets;
};

ImVec2 v(float x, float y) { return ImVec2(x, y); }

Op res_op(const Resident& r, Tensor t) {
    Op o;
    o.tensor = t;
    o.row0 = r.row0, o.rows = r.rows, o.col0 = r.col0, o.cols = r.cols;
    return o;
}

const MatrixBox* find_matrix(const Scene& sc, Tensor t) {
    for (const auto& m : sc.matrices)
        if (m.t == t) return &m;
    return nullptr;
}

std::string op_text(const Op& op) {
    char buf[160];
    if (op.moves_data()) {
        const char* dir = op.kind == OpKind::load ? "load HBM->SRAM" : op.kind == OpKind::store ? "store SRAM->HBM" : "atomic add";
        std::snprintf(buf, sizeof buf, "%s %s rows %u-%u%s  %s", dir, to_string(op.tensor), op.row0, op.row0 + op.rows - 1,
                      op.cols > 1 && op.col0 + op.cols < 1u << 30 ? "" : "", fmt_bytes(double(op.bytes)).c_str());
        if (op.tensor == Tensor::S || op.tensor == Tensor::P)
            std::snprintf(buf, sizeof buf, "%s %s [%u:%u, %u:%u]  %s", dir, to_string(op.tensor), op.row0, op.row0 + op.rows,
                          op.col0, op.col0 + op.cols, fmt_bytes(double(op.bytes)).c_str());
    } else if (op.kind == OpKind::matmul) {
        std::snprintf(buf, sizeof buf, "matmul %ux%u  %s FLOP", op.rows, op.cols, fmt_count(double(op.flops)).c_str());
    } else if (op.kind == OpKind::vector) {
        std::snprintf(buf, sizeof buf, "softmax/vector  %s FLOP, %s exp", fmt_count(double(op.flops)).c_str(),
                      fmt_count(double(op.exps)).c_str());
    } else {
        std::snprintf(buf, sizeof buf, "barrier (threads wait for the tile)");
    }
    return buf;
}

// op_text's short form for a narrow SM box: what moves or runs, without sizes.
std::string op_text_short(const Op& op) {
    char buf[64];
    if (op.moves_data())
        std::snprintf(buf, sizeof buf, "%s %s", op.kind == OpKind::load ? "load" : op.kind == OpKind::store ? "store" : "atomic",
                      to_string(op.tensor));
    else
        std::snprintf(buf, sizeof buf, "%s", op.kind == OpKind::matmul ? "matmul" : op.kind == OpKind::vector ? "softmax" : "barrier");
    return buf;
}

}  // namespace

void panel_hierarchy(AppState& app, Side& side, const char* side_name, const DrawContext& ctx) {
    ImDrawList* dl = ctx.dl;
    const float s = ctx.s;
    dl->AddRectFilled(ctx.p0, ctx.p1, kPanelBg);
    const SimOutcome& out = side.outcome;
    const Rect whole{ctx.p0.x, ctx.p0.y, ctx.p1.x, ctx.p1.y};
    if (!side.has_outcome) {
        ui::draw_text(dl, v(ctx.p0.x + 20 * s, ctx.p0.y + 20 * s), kText, "simulating...", whole);
        return;
    }
    if (!out.result) {
        // The configuration was refused: say why, and show the SRAM overflow when it is one.
        const float L = ImGui::GetTextLineHeight();
        const Rect inner{ctx.p0.x + 20 * s, ctx.p0.y, ctx.p1.x - 20 * s, ctx.p1.y};
        float y = ctx.p0.y + 20 * s;
        y += ui::draw_text_wrapped(dl, v(ctx.p0.x + 20 * s, y), kOverflowRed, out.error, inner) + L;
        if (out.has_footprint && out.sram_bytes_per_sm > 0) {
            const float x0 = ctx.p0.x + 20 * s, x1 = ctx.p1.x - 20 * s;
            const double total = double(std::max<int64_t>(out.footprint.sram_bytes, out.sram_bytes_per_sm));
            const float xcap = x0 + (x1 - x0) * float(double(out.sram_bytes_per_sm) / total);
            const float xneed = x0 + (x1 - x0) * float(double(out.footprint.sram_bytes) / total);
            ui::draw_text(dl, v(x0, y), kText, "SRAM budget of one SM", inner);
            y += L + 4 * s;
            dl->AddRectFilled(v(x0, y), v(std::min(xcap, xneed), y + 30 * s), tensor_color(Tensor::Q));
            if (xneed > xcap) dl->AddRectFilled(v(xcap, y), v(xneed, y + 30 * s), kOverflowRed);
            dl->AddRect(v(x0, y), v(xcap, y + 30 * s), kText, 0, 0, 2 * s);
            y += 40 * s;
            const std::string need = "needs " + format_bytes(out.footprint.sram_bytes) + ": " + out.footprint.sram_arithmetic;
            const std::string have = "has " + format_bytes(out.sram_bytes_per_sm) + " per SM (red: the overflow)";
            y += ui::draw_text_wrapped(dl, v(x0, y), kText, need, inner) + 4 * s;
            ui::draw_text_wrapped(dl, v(x0, y), kText, have, inner);
        }
        return;
    }
    const RunResult& r = *out.result;
    const Playback& pb = side.playback;
    if (pb.empty()) return;
    const Trace& tr = *pb.trace();

    // Prepare.
    Scene sc;
    const float L = ImGui::GetTextLineHeight();
    const float x0 = ctx.p0.x + 8 * s, x1 = ctx.p1.x - 8 * s;
    const float top = ctx.p0.y + L + 8 * s;
    const float W = x1 - x0;
    // The legend's height depends on the width (it flows over rows), so measure it first.
    std::vector<Tensor> legend_tensors;
    bool on_chip = false;  // a matrix that never reaches HBM (FlashAttention's S, P): the legend explains its hatching
    {
        const Rect probe{x0, top, x0 + W * (W > 60 * L ? 0.54f : 0.46f), ctx.p1.y};
        for (const auto& m : layout_matrices(probe, tr, pb.plan(), s)) legend_tensors.push_back(m.t), on_chip |= !m.in_hbm;
    }
    const float legend_h = legend(dl, legend_tensors, on_chip, x0, 0, x1, s, false) + 6 * s;
    const float y1 = ctx.p1.y - legend_h;
    // The L2 box is wide enough for its size ("40.0 MB"); the HBM box takes about half.
    const float l2_w = std::max(W * 0.07f, ImGui::CalcTextSize("000 MB").x + 14 * s);
    // A narrow view (one side of the compare view) gives the SMs more of the width: their text.
    const float hbm_frac = W > 60 * L ? 0.54f : 0.46f;
    sc.hbm = {x0, top, x0 + W * hbm_frac, y1};
    sc.l2 = {sc.hbm.x1 + W * 0.02f, top, sc.hbm.x1 + W * 0.02f + l2_w, y1};
    sc.matrices = layout_matrices(sc.hbm, tr, pb.plan(), s);
    // As many SMs as fit their text (two lines, the tiles and their labels, the bar and its line).
    const float gap = 8 * s, sm_need_h = 4 * L + 16 * s + 22 * s + 8 * s + 20 * s;
    const int fit = int(std::max(1.0f, std::floor((y1 - top + gap) / (sm_need_h + gap))));
    const int nsm = std::min(int(pb.sms().size()), fit);
    const float smx0 = sc.l2.x1 + W * 0.02f;
    const float smh = (y1 - top - gap * float(nsm - 1)) / float(std::max(1, nsm));
    const double cap = double(r.gpu.sram_bytes_per_sm);
    for (int i = 0; i < nsm; ++i) {
        SmBox b{};
        b.view = &pb.sms()[size_t(i)];
        b.box = {smx0, top + float(i) * (smh + gap), x1, top + float(i) * (smh + gap) + smh};
        const float bar_h = std::max(14 * s, L + 2 * s);
        b.bar = {b.box.x0 + 8 * s, b.box.y1 - L - 8 * s - bar_h, b.box.x1 - 8 * s, b.box.y1 - L - 8 * s};
        // The tiles in SRAM, drawn to shape (rows down, columns across) on one scale for all SMs,
        // and the same tiles as segments of the SRAM budget bar.
        float bx = b.bar.x0, cx = b.box.x0 + 10 * s;
        const float chip_y0 = b.box.y0 + 2 * L + 10 * s, chip_h = std::max(8 * s, b.bar.y0 - chip_y0 - L - 8 * s);
        for (int t = 0; t < kTensorCount; ++t) {
            const Resident& res = b.view->resident[size_t(t)];
            if (!res.present) continue;
            const float w = (b.bar.x1 - b.bar.x0) * float(double(res.bytes) / cap);
            const bool now = b.view->has_op && b.view->op.moves_data() && int(b.view->op.tensor) == t;
            Rgba fill = tensor_color(Tensor(t));
            if (now) fill = b.view->op.kind == OpKind::load ? kLoadHighlight : kStoreHighlight;
            sc.quads.push_back({Tensor(t), {bx, b.bar.y0, std::min(bx + w, b.bar.x1), b.bar.y1}, fill, "bar", i, Op{}});
            bx += w;
            const float px_per_el = chip_h / float(std::max<int64_t>(128, std::max(tr.schedule.Br, tr.schedule.Bc)));
            const float ch = std::max(3 * s, float(res.rows) * px_per_el);
            const float cw = std::clamp(float(res.cols) * px_per_el, 3 * s, 160 * s);
            b.tensor_x[t] = std::min(cx + cw / 2, b.box.x1 - 10 * s);
            b.tensor_y[t] = chip_y0 + ch / 2;
            if (cx + cw > b.box.x1 - 10 * s) continue;
            sc.quads.push_back({Tensor(t), {cx, chip_y0, cx + cw, chip_y0 + ch}, fill, "sram", i, res_op(res, Tensor(t))});
            cx += std::max(cw, ImGui::CalcTextSize("Qi 128x128").x) + 12 * s;
        }
        // Tiles in HBM: resident ones in full colour, the current op's in the highlight colour.
        for (int t = 0; t < kTensorCount; ++t) {
            const Resident& res = b.view->resident[size_t(t)];
            const MatrixBox* m = find_matrix(sc, Tensor(t));
            if (!res.present || !m || !m->in_hbm) continue;
            sc.quads.push_back({Tensor(t), tile_rect(*m, res.row0, res.rows, res.col0, res.cols), tensor_color(Tensor(t)),
                                "resident", i, Op{}});
        }
        sc.sms.push_back(b);
    }
    for (const auto& b : sc.sms) {
        const SmView& smv = *b.view;
        if (!smv.has_op || !smv.op.moves_data()) continue;
        const MatrixBox* m = find_matrix(sc, smv.op.tensor);
        if (!m) continue;
        const bool load = smv.op.kind == OpKind::load;
        const Rect tr_ = tile_rect(*m, smv.op.row0, smv.op.rows, smv.op.col0, smv.op.cols);
        sc.quads.push_back({smv.op.tensor, tr_, load ? kLoadHighlight : kStoreHighlight, load ? "load" : "store",
                            int(&b - &sc.sms[0]), smv.op});
        // The packet: HBM tile -> L2 -> SRAM segment (reversed for a store).
        const float hx = (tr_.x0 + tr_.x1) / 2, hy = (tr_.y0 + tr_.y1) / 2;
        const float sx = b.tensor_x[int(smv.op.tensor)], sy = b.tensor_y[int(smv.op.tensor)];
        const float lx = (sc.l2.x0 + sc.l2.x1) / 2;
        float f = float(app.phase);
        if (!load) f = 1 - f;
        float px, py;
        if (f < 0.5f) {
            const float g = f / 0.5f;
            px = hx + (lx - hx) * g;
            py = hy + (sy - hy) * g * 0.5f;
        } else {
            const float g = (f - 0.5f) / 0.5f;
            px = lx + (sx - lx) * g;
            py = hy + (sy - hy) * (0.5f + 0.5f * g);
        }
        sc.packets.push_back({{px - 9 * s, py - 6 * s, px + 9 * s, py + 6 * s}, load ? kLoadHighlight : kStoreHighlight});
    }

    // Draw.
    char title[256];
    const auto& kp = pb.plan().kernels[size_t(pb.kernel())];
    std::snprintf(title, sizeof title, "%s%skernel %d/%zu: %s  |  step %lld/%lld  |  %s", side_name,
                  side_name[0] ? ":  " : "", pb.kernel() + 1, pb.plan().kernels.size(), kp.name.c_str(),
                  (long long)pb.step(), (long long)pb.total_steps(), r.schedule.describe().c_str());
    char title_short[128], step_only[64];
    std::snprintf(title_short, sizeof title_short, "%s%skernel %d/%zu: %s  |  step %lld/%lld", side_name, side_name[0] ? ": " : "",
                  pb.kernel() + 1, pb.plan().kernels.size(), kp.name.c_str(), (long long)pb.step(), (long long)pb.total_steps());
    std::snprintf(step_only, sizeof step_only, "%s%s%s  step %lld/%lld", side_name, side_name[0] ? ": " : "", kp.name.c_str(),
                  (long long)pb.step(), (long long)pb.total_steps());
    ui::draw_text_fit(dl, v(x0, ctx.p0.y + 4 * s), kText, {title, title_short, step_only}, whole);
    dl->AddRect(v(sc.hbm.x0, sc.hbm.y0), v(sc.hbm.x1, sc.hbm.y1), kBoxBorder, 4 * s, 0, 2 * s);
    char hbm_label[128];
    std::snprintf(hbm_label, sizeof hbm_label, "HBM  %s/s  (one head: bh = 0)", fmt_bytes(r.gpu.hbm_bytes_per_s).c_str());
    ui::draw_text_fit(dl, v(sc.hbm.x0 + 8 * s, sc.hbm.y0 + 4 * s), kText,
                      {hbm_label, "HBM  " + fmt_bytes(r.gpu.hbm_bytes_per_s) + "/s", std::string("HBM")},
                      {sc.hbm.x0, sc.hbm.y0, sc.hbm.x1 - 4 * s, sc.hbm.y1});
    for (size_t k = 0; k < sc.matrices.size(); ++k) {
        // A label may run over the gap to the next matrix on its row, never into its label.
        const MatrixBox& m = sc.matrices[k];
        float label_x1 = sc.hbm.x1 - 4 * s;
        if (k + 1 < sc.matrices.size() && sc.matrices[k + 1].r.y0 == m.r.y0) label_x1 = sc.matrices[k + 1].r.x0 - 4 * s;
        draw_matrix(dl, m, label_x1, s);
    }

    dl->AddRectFilled(v(sc.l2.x0, sc.l2.y0), v(sc.l2.x1, sc.l2.y1), rgba(38, 40, 50), 4 * s);
    dl->AddRect(v(sc.l2.x0, sc.l2.y0), v(sc.l2.x1, sc.l2.y1), kBoxBorder, 4 * s, 0, 2 * s);
    const Rect l2_in{sc.l2.x0, sc.l2.y0, sc.l2.x1 - 4 * s, sc.l2.y1};
    // Paper mode has no L2: global accesses go straight to HBM.
    const bool has_l2 = !r.paper_mode && r.gpu.l2_bytes > 0;
    ui::draw_text(dl, v(sc.l2.x0 + 6 * s, sc.l2.y0 + 4 * s), has_l2 ? kText : kDimText, "L2", l2_in);
    const std::string l2txt = r.gpu.l2_bytes > 0 ? format_bytes(r.gpu.l2_bytes) : std::string("none");
    ui::draw_text(dl, v(sc.l2.x0 + 6 * s, sc.l2.y0 + 4 * s + L), kDimText, l2txt, l2_in);
    // Paper mode: off. A partial outcome (paper-mode count first): the L2 model is still running.
    if (r.paper_mode)
        ui::draw_text(dl, v(sc.l2.x0 + 6 * s, sc.l2.y0 + 4 * s + 2 * L), side.outcome.partial ? kLoadHighlight : kDimText,
                      side.outcome.partial ? "running" : "off", l2_in);

    for (const auto& b : sc.sms) {
        const SmView& smv = *b.view;
        const bool computing = smv.has_op && (smv.op.kind == OpKind::matmul || smv.op.kind == OpKind::vector);
        dl->AddRectFilled(v(b.box.x0, b.box.y0), v(b.box.x1, b.box.y1), rgba(34, 36, 44), 4 * s);
        dl->AddRect(v(b.box.x0, b.box.y0), v(b.box.x1, b.box.y1), computing ? kComputeGreen : kBoxBorder, 4 * s, 0,
                    computing ? 4 * s : 2 * s);
        char line1[160], line1_short[80], line3[200], line3_short[96];
        const int i = int(&b - &sc.sms[0]);
        if (smv.cta >= 0) {
            std::snprintf(line1, sizeof line1, "SM %d   CTA %lld (head %u)   op %lld/%lld", i, (long long)smv.cta, smv.bh,
                          (long long)smv.ops_done, (long long)kp.cta_ops[size_t(smv.cta)]);
            std::snprintf(line1_short, sizeof line1_short, "SM %d  CTA %lld", i, (long long)smv.cta);
        } else {
            std::snprintf(line1, sizeof line1, "SM %d   idle: this kernel has %lld CTA(s)", i, (long long)kp.drawn_ctas);
            std::snprintf(line1_short, sizeof line1_short, "SM %d  idle", i);
        }
        const Rect in{b.box.x0 + 4 * s, b.box.y0, b.box.x1 - 6 * s, b.box.y1};
        ui::draw_text_fit(dl, v(b.box.x0 + 8 * s, b.box.y0 + 4 * s), kText, {line1, line1_short, "SM " + std::to_string(i)}, in);
        const std::string line2 = smv.cta < 0 ? std::string("") : smv.has_op ? op_text(smv.op) : std::string("done: waits for the kernel to end");
        const std::string line2_short = smv.cta < 0 ? std::string("") : smv.has_op ? op_text_short(smv.op) : std::string("done");
        const Rgba line2_color = !(smv.has_op && smv.op.moves_data()) ? kText : smv.op.kind == OpKind::load ? kLoadHighlight : kStoreHighlight;
        ui::draw_text_fit(dl, v(b.box.x0 + 8 * s, b.box.y0 + 6 * s + L), line2_color,
                          {line2, line2_short, line2_short.substr(0, line2_short.find(' '))}, in);  // last: "load", "store"
        // SRAM budget bar.
        dl->AddRectFilled(v(b.bar.x0, b.bar.y0), v(b.bar.x1, b.bar.y1), rgba(50, 52, 62));
        const float fx = b.bar.x0 + (b.bar.x1 - b.bar.x0) * float(std::min(1.0, double(r.footprint.sram_bytes) / cap));
        dl->AddLine(v(fx, b.bar.y0 - 4 * s), v(fx, b.bar.y1 + 4 * s), kText, 2 * s);
        std::snprintf(line3, sizeof line3, "SRAM: %s tiles, footprint %s of %s",
                      format_bytes(int64_t(smv.resident_bytes())).c_str(), format_bytes(r.footprint.sram_bytes).c_str(),
                      format_bytes(r.gpu.sram_bytes_per_sm).c_str());
        std::snprintf(line3_short, sizeof line3_short, "SRAM %s of %s", format_bytes(r.footprint.sram_bytes).c_str(),
                      format_bytes(r.gpu.sram_bytes_per_sm).c_str());
        ui::draw_text_fit(dl, v(b.bar.x0, b.bar.y1 + 4 * s), kDimText, {line3, line3_short, format_bytes(r.footprint.sram_bytes)}, in);
    }
    for (const auto& q : sc.quads) {
        dl->AddRectFilled(v(q.r.x0, q.r.y0), v(q.r.x1, q.r.y1), q.fill);
        if (std::string(q.state) == "bar" && q.r.x1 - q.r.x0 > ImGui::CalcTextSize(to_string(q.t)).x + 6 * s)
            ui::draw_text(dl, v(q.r.x0 + 3 * s, (q.r.y0 + q.r.y1 - L) / 2), rgba(0, 0, 0), to_string(q.t), q.r);
        if (std::string(q.state) == "sram") {
            const bool kv = q.t == Tensor::K || q.t == Tensor::V || q.t == Tensor::dK || q.t == Tensor::dV;
            const bool rowblock = q.t != Tensor::S && q.t != Tensor::P && q.t != Tensor::dS && q.t != Tensor::dP;
            char lbl[48], name[16];
            std::snprintf(name, sizeof name, "%s%s", to_string(q.t), rowblock ? (kv ? "j" : "i") : "ij");
            std::snprintf(lbl, sizeof lbl, "%s %ux%u", name, q.op.rows, q.op.cols);
            const SmBox& b = sc.sms[size_t(q.sm)];
            ui::draw_text_fit(dl, v(q.r.x0, q.r.y1 + 2 * s), tensor_color(q.t), {lbl, name}, {q.r.x0, q.r.y1, b.box.x1 - 6 * s, b.bar.y0});
        }
    }
    for (const auto& b : sc.sms) dl->AddRect(v(b.bar.x0, b.bar.y0), v(b.bar.x1, b.bar.y1), kBoxBorder);
    for (const auto& [r_, c] : sc.packets) {
        dl->AddRectFilled(v(r_.x0, r_.y0), v(r_.x1, r_.y1), c, 3 * s);
        dl->AddRect(v(r_.x0, r_.y0), v(r_.x1, r_.y1), rgba(0, 0, 0), 3 * s, 0, 1.5f * s);
    }
    legend(dl, legend_tensors, on_chip, sc.hbm.x0, y1 + 6 * s, x1, s, true);

    // Record what was drawn.
    DrawRecord& rec = app.record;
    rec.step = pb.step();
    rec.kernel = pb.kernel();
    rec.local_step = pb.local_step();
    for (const auto& m : sc.matrices)
        if (m.in_hbm) rec.matrices.push_back({side_name, to_string(m.t), m.rows, m.cols, m.r});
    for (const auto& q : sc.quads)
        if (std::string(q.state) == "load" || std::string(q.state) == "store")
            rec.tiles.push_back({side_name, to_string(q.t), q.state, q.sm, q.op.row0, q.op.rows, q.op.col0, q.op.cols, q.r});
    for (const auto& b : sc.sms)
        for (int t = 0; t < kTensorCount; ++t) {
            const Resident& res = b.view->resident[size_t(t)];
            const MatrixBox* m = find_matrix(sc, Tensor(t));
            if (res.present && m && m->in_hbm)
                rec.tiles.push_back({side_name, to_string(Tensor(t)), "resident", int(&b - &sc.sms[0]), res.row0, res.rows,
                                     res.col0, res.cols, tile_rect(*m, res.row0, res.rows, res.col0, res.cols)});
        }
    for (const auto& p : sc.packets) rec.packets.push_back(p.first);
    for (const auto& b : sc.sms) {
        const SmView& smv = *b.view;
        if (smv.cta < 0) continue;
        DrawnOp o;
        o.side = side_name;
        o.sm = int(&b - &sc.sms[0]);
        o.cta = smv.cta;
        o.ops_done = smv.ops_done;
        o.kind = smv.has_op ? to_string(smv.op.kind) : "done";
        o.tensor = smv.has_op && smv.op.moves_data() ? to_string(smv.op.tensor) : "";
        o.row0 = smv.op.row0;
        o.rows = smv.op.rows;
        o.col0 = smv.op.col0;
        o.cols = smv.op.cols;
        o.line = smv.has_op ? smv.op.line : 0;
        rec.ops.push_back(o);
    }
    rec.highlight_load_rgb = rgb_of(kLoadHighlight);
    rec.highlight_store_rgb = rgb_of(kStoreHighlight);
}

}  // namespace flashsim::viz
