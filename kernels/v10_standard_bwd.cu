// v10_standard_bwd.cu: standard attention's backward as PyTorch's autograd runs it (the backward of
// version 9), one kernel per operation, as the simulator's standard backward
// (sim/trace/standard.cpp), kernel for kernel:
//
//   1  dV = Pdrop^T dO                   cuBLAS      (standard_bwd_dv)
//   2  dP = dO V^T                       cuBLAS      (standard_bwd_dp)
//   3  dP = dP o Z / (1 - p)             row kernel  (standard_bwd_dropout)
//   4  dS = P o (dP - rowsum(P o dP))    row kernel  (standard_bwd_softmax; _softmax_backward_data)
//   5  dS = 0 above the diagonal         row kernel, causal only (standard_bwd_mask)
//   6  dS = tau dS                       row kernel  (standard_bwd_scale)
//   7  dQ = dS K                         cuBLAS      (standard_bwd_dq)
//   8  dK = dS^T Q                       cuBLAS      (standard_bwd_dk)
//
// P, Pdrop and Z come from version 9's forward (fa_bench runs it first, not timed). dP is updated
// in place by the dropout's backward and dS by the mask's and the scale's (PyTorch writes new
// tensors: the same bytes).
//
// Run:  ./fa_bench --version 10 --B 2 --H 4 --N 1000 --d 64 --causal 1 --dtype fp16
#include "unfused.cuh"
#include "versions.h"

namespace v10_standard_bwd {

std::string plan(const AttnProblem& p, AttnConfig& c, const cudaDeviceProp& dev) {
    const std::string err = v9_standard_fwd::plan(p, c, dev);
    return err.empty() ? row_softmax_backward_fits(p, dev) : err;
}

size_t workspace_bytes(const AttnProblem& p, const AttnConfig&) { return StandardWorkspace::backward_bytes(p); }

void launch(const AttnProblem& p, const AttnConfig&, const AttnBuffers& buf, cudaStream_t stream) {
    const StandardWorkspace w(p, buf.workspace);
    const long long nd = (long long)p.N * p.d, nn = (long long)p.N * p.N;
    const int N = p.N, d = p.d;
    // 1: dV (keys x d) = Pdrop^T dO: read Pdrop, dO, write dV.
    gemm_rowmajor(p, N, d, N, 1.0f, {w.Pdrop, N, nn, true}, {buf.dO, d, nd}, buf.dV, d, nd, stream);
    // 2: dP = dO V^T: read dO, V, write dP.
    gemm_rowmajor(p, N, N, d, 1.0f, {buf.dO, d, nd}, {buf.V, d, nd, true}, w.dP, N, nn, stream);
    // 3: dP = dP o Z / (1 - p): read dP, Z, write dP.
    launch_row_dropout_backward(p, w.dP, w.Z, stream);
    // 4: dS = P o (dP - rowsum(P o dP)): read P, dP, write dS.
    launch_row_softmax_backward(p, w.P, w.dP, w.dS, stream);
    // 5: causal: dS = 0 for keys after the query: read dS, write dS.
    if (p.causal) launch_row_causal_mask(p, w.dS, 0.0f, stream);
    // 6: dS = tau dS: read dS, write dS.
    launch_row_scale(p, w.dS, p.scale(), stream);
    // 7: dQ = dS K: read dS, K, write dQ.
    gemm_rowmajor(p, N, d, N, 1.0f, {w.dS, N, nn}, {buf.K, d, nd}, buf.dQ, d, nd, stream);
    // 8: dK = dS^T Q: read dS, Q, write dK.
    gemm_rowmajor(p, N, d, N, 1.0f, {w.dS, N, nn, true}, {buf.Q, d, nd}, buf.dK, d, nd, stream);
}

}  // namespace v10_standard_bwd
