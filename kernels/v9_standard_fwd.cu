// v9_standard_fwd.cu: standard attention's forward as PyTorch ran it for the FlashAttention
// paper's Figure 2 (GPT-2's attention module), one kernel per operation, each through HBM, as the
// simulator's standard forward (sim/trace/standard.cpp), kernel for kernel:
//
//   1  S = Q K^T                         cuBLAS      (standard_qk)
//   2  S = tau S                         row kernel  (standard_scale)
//   3  S = -inf above the diagonal       row kernel, causal only (standard_mask)
//   4  P = softmax(S)                    row kernel, version 1's (standard_softmax)
//   5  Pdrop = P o Z / (1 - p), Z        row kernel, Z 1 byte per element (standard_dropout)
//   6  O = Pdrop V                       cuBLAS      (standard_pv)
//
// P, Pdrop and Z stay in the workspace for the backward (version 10), as autograd keeps them.
// p = 0.1 (GPT-2's attn_pdrop). Deviations from PyTorch, stated: the causal mask is computed from
// indices (GPT-2 reads a stored bool buffer shared by every head, which stays in L2, and fills
// with the dtype's lowest value, not -inf: the same P); S is scaled and masked in place (PyTorch
// writes a new tensor each time: the same bytes); the random numbers are a SplitMix64 hash, not
// Philox (unfused.cuh).
//
// Run:  ./fa_bench --version 9 --B 2 --H 4 --N 1000 --d 64 --causal 1 --dtype fp16
#include "unfused.cuh"
#include "versions.h"

namespace v9_standard_fwd {

std::string plan(const AttnProblem& p, AttnConfig& c, const cudaDeviceProp& dev) {
    return v2_vanilla_cublas::plan(p, c, dev);  // cuBLAS GEMMs and version 1's softmax: version 2's limits
}

size_t workspace_bytes(const AttnProblem& p, const AttnConfig&) { return StandardWorkspace::forward_bytes(p); }

void launch(const AttnProblem& p, const AttnConfig&, const AttnBuffers& buf, cudaStream_t stream) {
    const StandardWorkspace w(p, buf.workspace);
    const long long nd = (long long)p.N * p.d, nn = (long long)p.N * p.N;
    const int N = p.N, d = p.d;
    // 1: S = Q K^T: read Q, K, write S.
    gemm_rowmajor(p, N, N, d, 1.0f, {buf.Q, d, nd}, {buf.K, d, nd, true}, w.S, N, nn, stream);
    // 2: S = tau S: read S, write S.
    launch_row_scale(p, w.S, p.scale(), stream);
    // 3: causal: S = -inf for keys after the query: read S, write S.
    if (p.causal) launch_row_causal_mask(p, w.S, -INFINITY, stream);
    // 4: P = softmax(S): read S, write P (the mask is already in S).
    AttnProblem unmasked = p;
    unmasked.causal = false;
    launch_row_softmax(unmasked, w.S, w.P, stream);
    // 5: Pdrop, Z = dropout(P): read P, write Pdrop and Z.
    launch_row_dropout(p, w.P, w.Pdrop, w.Z, stream);
    // 6: O = Pdrop V: read Pdrop, V, write O.
    gemm_rowmajor(p, N, d, N, 1.0f, {w.Pdrop, N, nn}, {buf.V, d, nd}, buf.O, d, nd, stream);
}

}  // namespace v9_standard_fwd
