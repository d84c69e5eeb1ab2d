// v8_vanilla_bwd.cu: vanilla attention's backward, unfused (FA1 paper, Algorithm 3), as the
// simulator's vanilla backward runs it (sim/trace/backward_vanilla.cpp), kernel for kernel:
//
//   1  dV = P^T dO            cuBLAS      (vanilla_bwd_dv)
//   2  dP = dO V^T            cuBLAS      (vanilla_bwd_dp)
//   3  dS = P o (dP - D)      row kernel, D_n = dO_n . O_n   (vanilla_bwd_softmax)
//   4  dQ = tau dS K          cuBLAS      (vanilla_bwd_dq)
//   5  dK = tau dS^T Q        cuBLAS      (vanilla_bwd_dk)
//
// P is the one version 2's forward left in its workspace (fa_bench runs it first, not timed);
// dP and dS (N x N each) go through HBM. D = rowsum(dO o O) equals Algorithm 3's rowsum(P o dP)
// (O = PV, no dropout) and costs 2Nd reads instead of an extra pass over the N x N matrices.
// Causal: every GEMM runs in full (P is zero above the diagonal), as in the simulator.
//
// Run:  ./fa_bench --version 8 --B 2 --H 4 --N 1000 --d 64 --dtype fp16
#include "unfused.cuh"
#include "versions.h"

namespace v8_vanilla_bwd {

std::string plan(const AttnProblem& p, AttnConfig& c, const cudaDeviceProp& dev) {
    return v2_vanilla_cublas::plan(p, c, dev);  // its forward's limits; the row kernel needs no SRAM
}

// The forward's S and P (version 2's layout), then dP and dS, aligned to 256 bytes.
static size_t forward_bytes(const AttnProblem& p) { return aligned_256(v2_vanilla_cublas::workspace_bytes(p, {})); }

size_t workspace_bytes(const AttnProblem& p, const AttnConfig&) { return forward_bytes(p) + 2 * nn_bytes(p); }

void launch(const AttnProblem& p, const AttnConfig&, const AttnBuffers& buf, cudaStream_t stream) {
    char* S = static_cast<char*>(buf.workspace);  // the forward's S (not read)
    const char* P = S + p.heads() * size_t(p.N) * p.N * dtype_bytes(p.dtype);  // version 2's P
    char* dP = S + forward_bytes(p);
    char* dS = dP + nn_bytes(p);
    const long long nd = (long long)p.N * p.d, nn = (long long)p.N * p.N;
    const int N = p.N, d = p.d;
    // 1: dV (keys x d) = P^T dO: read P, dO from HBM, write dV.
    gemm_rowmajor(p, N, d, N, 1.0f, {P, N, nn, true}, {buf.dO, d, nd}, buf.dV, d, nd, stream);
    // 2: dP (queries x keys) = dO V^T: read dO, V, write dP.
    gemm_rowmajor(p, N, N, d, 1.0f, {buf.dO, d, nd}, {buf.V, d, nd, true}, dP, N, nn, stream);
    // 3: dS = P o (dP - rowsum(dO o O)): read P, dP, dO, O, write dS.
    launch_row_softmax_backward_do_o(p, P, dP, buf.dO, buf.O, dS, stream);
    // 4: dQ = tau dS K: read dS, K, write dQ.
    gemm_rowmajor(p, N, d, N, p.scale(), {dS, N, nn}, {buf.K, d, nd}, buf.dQ, d, nd, stream);
    // 5: dK = tau dS^T Q: read dS, Q, write dK.
    gemm_rowmajor(p, N, d, N, p.scale(), {dS, N, nn, true}, {buf.Q, d, nd}, buf.dK, d, nd, stream);
}

}  // namespace v8_vanilla_bwd
