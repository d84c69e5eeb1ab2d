// standard.cpp: standard attention as PyTorch ran it for the FlashAttention paper's Figure 2
// (GPT-2's attention module: one kernel per operation, every intermediate through HBM), forward
// and backward, kernel by kernel (tau = 1/sqrt(d), p the dropout probability):
//
//   forward                                   backward (autograd, in reverse)
//   1  S = Q K^T          tile GEMM           1  dV = Pdrop^T dO             stream GEMM (key rows)
//   2  S = tau S          per row             2  dP = dO V^T                 tile GEMM
//   3  S = mask(S)        per row (causal)    3  dP = dP o Z / (1 - p)       per row (dropout)
//   4  P = softmax(S)     per row             4  dS = P o (dP - rowsum(dP o P))  per row (softmax)
//   5  Pdrop, Z = dropout(P)  per row         5  dS = mask(dS)               per row (causal)
//   6  O = Pdrop V        stream GEMM         6  dS = tau dS                 per row
//                                             7  dQ = dS K, 8  dK = dS^T Q   stream GEMMs
//
// The forward keeps what autograd saves: P (for the softmax's backward), Pdrop (for dV) and the
// mask Z, one byte per element. The backward's softmax reads P and dP (PyTorch's
// _softmax_backward_data), not dO and O: with dropout, rowsum(dO o O) is not rowsum(dP o P).
// With p = 0 (--dropout 0) the dropout kernels are not launched: O = P V and dV = P^T dO read P,
// and this is PyTorch's attention without dropout. The dropout kernel draws one Philox number per
// element, compares and scales (sim/trace/dropout.h counts it); its backward tests the stored Z
// and scales.
// Known deviation: the causal mask is computed from indices (GPT-2 reads a stored bool buffer
// shared by every head, which stays in L2). The GEMMs are vanilla's (sim/trace/unfused_gemm.h).
#include "sim/algorithms/algorithm.h"
#include "sim/trace/backward.h"
#include "sim/trace/dropout.h"
#include "sim/trace/generators.h"
#include "sim/trace/kernel_issue.h"
#include "sim/trace/unfused_gemm.h"

namespace flashsim {

namespace {

enum class Fwd : uint8_t { qk = 1, scale, mask, softmax, dropout, pv, return_o };
enum class Bwd : uint8_t { dv = 1, dp, dropout, softmax, mask, scale, dq, dk, return_grads };

// An element-wise kernel over one row n of the N x N_kv matrices: read `in`, compute, write `out`.
// As kernels/unfused_rows.cu runs them: one CTA of kUnfusedRowWarps per row, the row in registers
// (the softmax backward keeps its P and dP rows in SRAM, 2 N_kv floats, and a 32-float scratch),
// registers per thread as ptxas compiled the 4-element-vector instances
// (kernels/measurements/ptxas-registers-unfused_rows-2026-12-02.txt: 2-byte types, fp32).
struct RowKernel {
    Tensor in[2];
    int n_in;
    Tensor out[2];
    int n_out;
    int64_t flops_per_element, exps_per_element;
    int64_t registers_16, registers_32;  // per thread: fp16/bf16, fp32
    int64_t sram_floats_per_element = 0;
    // The kernel's loop over its row as its SASS issues it (kernel_issue.h, row_loop_issue).
    RowLoopCode code{};
};
// The element-wise kernels' loops, per warp, from their sm_90 code (fp16, 4 elements per access:
// kernels/measurements/sass-unfused_rows-2026-12-02.txt.gz; ncu's smsp__inst_executed per warp on
// the H200 equals them at N = 1024, 4096 and 16384, nvidia-h200-2026-12-02-unfused.json: scale 48,
// 85, 250; mask 74, 131, 386; dropout 201, 643, 2317; dropout backward 75, 153 at N <= 4096).
// scale and mask: 4 trips unrolled, their 4 loads together; the dropout kernel (the counter hash,
// the compare, the scale, the conversions, the stores of Pdrop and Z: 147 instructions a trip) 2
// to a trip of its loop, each trip's load after the stores before it; the dropout backward's Z
// load waits for the store of dP before it (dP may alias Z).
constexpr RowLoopCode kScaleCode{19, 9, 20, 11, 55, 4, 1}, kMaskCode{36, 12, 26, 10, 85, 4, 1},
    kDropoutCode{54, 0, 147, 31, 279, 2, 2}, kDropoutBwdCode{28, 12, 35, 14, 111, 4, 4};
constexpr int64_t kScaleRegs[2] = {24, 32}, kMaskRegs[2] = {32, 31}, kDropoutRegs[2] = {48, 48},
                  kDropoutBwdRegs[2] = {23, 28}, kSoftmaxBwdRegs[2] = {32, 39};

// The kernel's SRAM traffic: the rows it keeps there written once and read once (the softmax's S
// row, the softmax backward's P and dP rows); kernels that keep their elements in registers
// (scale, mask, dropout) have none.
CtaProgram row_cta(Emitter& e, UnfusedShape k, RowKernel r, LineId line, int64_t n, int64_t sram_bytes) {
    for (int i = 0; i < r.n_in; ++i) e.load(r.in[i], line, n, 1, 0, k.Nk);
    e.vector(line, r.flops_per_element * k.Nk, r.exps_per_element * k.Nk, sram_bytes);
    for (int i = 0; i < r.n_out; ++i) e.store(r.out[i], line, n, 1, 0, k.Nk);
    co_return;
}

// `issue`: the kernel's own (the softmax backward's); else its loop's (r.code, row_loop_issue).
void add_row_kernel(Trace& t, const char* name, const UnfusedShape& k, const GpuSpec& g, RowKernel r, LineId line,
                    const KernelIssue* issue = nullptr) {
    const int64_t rows = r.sram_floats_per_element * k.Nk;
    const int64_t sram = 2 * rows * 4;
    add_kernel(t, name, k.N, kUnfusedRowWarps, row_kernel_footprint(t.problem, g, "rows+scratch", rows, rows > 0),
               [k, r, line, sram](Emitter& e, int64_t n) { return row_cta(e, k, r, line, n, sram); });
    if (issue) {
        t.kernels.back()->issue = *issue;
        return;
    }
    int64_t loaded = 0;  // bytes per row: the inputs' elements, Z's one byte each
    for (int i = 0; i < r.n_in; ++i) loaded += k.Nk * (r.in[i] == Tensor::Z ? 1 : k.es);
    t.kernels.back()->issue = row_loop_issue(k.Nk, k.es, loaded, r.code, k.es == 4 ? r.registers_32 : r.registers_16);
}

}  // namespace

Listing standard_listing() {
    return make_listing<Fwd>(
        "Standard attention as PyTorch runs it (FA paper, Figure 2's baseline)",
        {{Fwd::qk, "Load Q, K by blocks from HBM, compute S = QK^T, write S to HBM.", moves(Tensor::Q, Tensor::K, Tensor::S) | on_chip()},
         {Fwd::scale, "Read S from HBM, compute S = tau S, write S to HBM.", moves(Tensor::S) | on_chip()},
         {Fwd::mask, "If causal: read S from HBM, set S to -inf above the diagonal, write S to HBM.", moves(Tensor::S) | on_chip()},
         {Fwd::softmax, "Read S from HBM, compute P = softmax(S), write P to HBM.", moves(Tensor::S, Tensor::P) | on_chip()},
         {Fwd::dropout, "If p > 0: read P from HBM, draw the mask Z, write Pdrop = P o Z / (1 - p) and Z (1 byte each) to HBM.",
          moves(Tensor::P, Tensor::Pdrop, Tensor::Z) | on_chip()},
         {Fwd::pv, "Load Pdrop (P if p = 0), V by blocks from HBM, compute O = Pdrop V, write O to HBM.",
          moves(Tensor::Pdrop, Tensor::V, Tensor::O) | on_chip()},
         {Fwd::return_o, "Return O."}});
}

Listing standard_backward_listing() {
    return make_listing<Bwd>(
        "Standard attention backward as PyTorch's autograd runs it",
        {{Bwd::dv, "Load Pdrop (P if p = 0), dO by blocks from HBM, compute dV = Pdrop^T dO, write dV to HBM.",
          moves(Tensor::Pdrop, Tensor::P, Tensor::dO, Tensor::dV) | on_chip()},
         {Bwd::dp, "Load dO, V by blocks from HBM, compute dP = dO V^T, write dP to HBM.",
          moves(Tensor::dO, Tensor::V, Tensor::dP) | on_chip()},
         {Bwd::dropout, "If p > 0: read dP, Z from HBM, compute dP = dP o Z / (1 - p), write dP to HBM.",
          moves(Tensor::dP, Tensor::Z) | on_chip()},
         {Bwd::softmax, "Read P, dP from HBM, compute dS = P o (dP - rowsum(dP o P)), write dS to HBM.",
          moves(Tensor::P, Tensor::dP, Tensor::dS) | on_chip()},
         {Bwd::mask, "If causal: read dS from HBM, zero it above the diagonal, write dS to HBM.", moves(Tensor::dS) | on_chip()},
         {Bwd::scale, "Read dS from HBM, compute dS = tau dS, write dS to HBM.", moves(Tensor::dS) | on_chip()},
         {Bwd::dq, "Load dS, K by blocks from HBM, compute dQ = dS K, write dQ to HBM.", moves(Tensor::dS, Tensor::K, Tensor::dQ) | on_chip()},
         {Bwd::dk, "Load dS, Q by blocks from HBM, compute dK = dS^T Q, write dK to HBM.", moves(Tensor::dS, Tensor::Q, Tensor::dK) | on_chip()},
         {Bwd::return_grads, "Return dQ, dK, dV."}});
}

void append_standard_forward(Trace& t, const GpuSpec& g) {
    const AttentionProblem& p = t.problem;
    const Schedule& s = t.schedule;
    const UnfusedShape k = unfused_shape(p, s);
    const Footprint fp = forward_footprint(s, p, g);
    const GemmKernel qk = gemm_kernel(k, fp, p, s, g, 0, GemmForm::tile);
    add_tile_gemm(t, "standard_qk", qk, {Tensor::Q, Tensor::K, Tensor::S, false}, Fwd::qk, s.warps);
    add_row_kernel(t, "standard_scale", k, g, {{Tensor::S}, 1, {Tensor::S}, 1, 1, 0, kScaleRegs[0], kScaleRegs[1], 0, kScaleCode}, Fwd::scale);
    if (p.causal)
        add_row_kernel(t, "standard_mask", k, g, {{Tensor::S}, 1, {Tensor::S}, 1, 1, 0, kMaskRegs[0], kMaskRegs[1], 0, kMaskCode}, Fwd::mask);
    // max, subtract, exp, sum, divide: 4 FLOPs and an exp per element. The row softmax of kernels/
    // (v1's row_softmax_kernel, unmasked: the mask kernel ran before it), with its warps, SRAM row
    // and issue (the same kernel as vanilla's softmax).
    const RowKernel softmax{{Tensor::S}, 1, {Tensor::P}, 1, 4, 1, 0, 0};
    add_kernel(t, "standard_softmax", k.N, kRowSoftmaxWarps, row_softmax_footprint(p, g, k.Nk),
               [k, softmax](Emitter& e, int64_t n) { return row_cta(e, k, softmax, Fwd::softmax, n, 2 * k.Nk * k.es); });
    t.kernels.back()->issue = row_softmax_issue(p.es());
    const bool dropout = dropout_p(p, s.algo) > 0;
    if (dropout)  // draw, compare, scale per element
        add_row_kernel(t, "standard_dropout", k, g,
                       {{Tensor::P}, 1, {Tensor::Pdrop, Tensor::Z}, 2, kDropoutForwardOpsPerElement, 0, kDropoutRegs[0], kDropoutRegs[1],
                        0, kDropoutCode},
                       Fwd::dropout);
    const Tensor probs = dropout ? Tensor::Pdrop : Tensor::P;
    const GemmKernel pv = gemm_kernel(k, fp, p, s, g, 1, GemmForm::stream_rows);
    add_stream_gemm(t, "standard_pv", pv, {probs, Tensor::V, Tensor::O, true, false}, Fwd::pv, s.warps);
}

void append_standard_backward(Trace& t, const GpuSpec& g) {
    const AttentionProblem& p = t.problem;
    const Schedule& s = t.schedule;
    UnfusedShape k = unfused_shape(p, s);
    k.fma = false;  // the backward's GEMMs run on tensor cores
    const Footprint fp = backward_footprint(s, p, g);
    const bool dropout = dropout_p(p, s.algo) > 0;
    const Tensor probs = dropout ? Tensor::Pdrop : Tensor::P;
    const size_t first = backward_gemm_index(p);  // Schedule::gemm_tiles
    const GemmKernel dv = gemm_kernel(k, fp, p, s, g, first, GemmForm::stream_keys);
    add_stream_gemm(t, "standard_bwd_dv", dv, {probs, Tensor::dO, Tensor::dV, false, false}, Bwd::dv, s.warps);
    const GemmKernel dp = gemm_kernel(k, fp, p, s, g, first + 1, GemmForm::tile);
    add_tile_gemm(t, "standard_bwd_dp", dp, {Tensor::dO, Tensor::V, Tensor::dP, false}, Bwd::dp, s.warps);
    if (dropout)  // the stored Z tested, dP scaled
        add_row_kernel(t, "standard_bwd_dropout", k, g,
                       {{Tensor::dP, Tensor::Z}, 2, {Tensor::dP}, 1, kDropoutStoredMaskOpsPerElement, 0, kDropoutBwdRegs[0], kDropoutBwdRegs[1],
                        0, kDropoutBwdCode},
                       Bwd::dropout);
    // multiply, row sum, subtract, multiply: 4 FLOPs per element. Its loads in round trips, its
    // issue and its SRAM bank conflicts, from its SASS (kernel_issue.h).
    const KernelIssue softmax_bwd = softmax_backward_rows_issue(k.Nk, k.es, k.es == 4 ? kSoftmaxBwdRegs[1] : kSoftmaxBwdRegs[0]);
    add_row_kernel(t, "standard_bwd_softmax", k, g,
                   {{Tensor::P, Tensor::dP}, 2, {Tensor::dS}, 1, 4, 0, kSoftmaxBwdRegs[0], kSoftmaxBwdRegs[1], 2}, Bwd::softmax,
                   &softmax_bwd);
    if (p.causal)
        add_row_kernel(t, "standard_bwd_mask", k, g, {{Tensor::dS}, 1, {Tensor::dS}, 1, 1, 0, kMaskRegs[0], kMaskRegs[1], 0, kMaskCode}, Bwd::mask);
    add_row_kernel(t, "standard_bwd_scale", k, g, {{Tensor::dS}, 1, {Tensor::dS}, 1, 1, 0, kScaleRegs[0], kScaleRegs[1], 0, kScaleCode}, Bwd::scale);
    const GemmKernel dq = gemm_kernel(k, fp, p, s, g, first + 2, GemmForm::stream_rows);
    add_stream_gemm(t, "standard_bwd_dq", dq, {Tensor::dS, Tensor::K, Tensor::dQ, true, false}, Bwd::dq, s.warps);
    const GemmKernel dk = gemm_kernel(k, fp, p, s, g, first + 3, GemmForm::stream_keys);
    add_stream_gemm(t, "standard_bwd_dk", dk, {Tensor::dS, Tensor::Q, Tensor::dK, false, false}, Bwd::dk, s.warps);
}

}  // namespace flashsim
