// unfused.cuh: what the unfused versions share (2 and 8: vanilla; 9 and 10: standard attention).
//
//   gemm_rowmajor: a strided batched cuBLAS GEMM (one batch entry per (b, h)) on row-major
//     matrices, fp32 accumulate, written as the paper writes the product.
//   the element-wise and row kernels of standard attention (scale, causal mask, dropout, and the
//     backward of dropout and softmax) and vanilla's softmax backward: one CTA per row of the
//     (B, H, N, N) matrix, as the simulator's row kernels (sim/trace/standard.cpp).
//   the workspace layouts: a backward's workspace starts with its forward's (versions.h).
// All matrices are row-major; N x N ones are (B, H, N, N), element type of the problem; Z is one
// byte per element (PyTorch's bool mask).
#pragma once
#include <cstdint>
#include <cublas_v2.h>
#include "common.cuh"
#include "seeded_inputs.h"

// The process's cuBLAS handle (default math: fp32 stays fp32, no TF32), bound to `stream`.
cublasHandle_t cublas_handle(cudaStream_t stream);

// One operand of a row-major GEMM: base pointer, leading dimension (elements per row), elements
// between consecutive (b, h), and whether the product uses it transposed.
struct RowMajor {
    const void* ptr;
    int ld;
    long long batch_stride;
    bool transposed = false;
};

// C (M x Nc) = alpha op(A) (M x K) op(B) (K x Nc), per (b, h), all row-major, element type of p.
// Column-major cuBLAS computes C^T = op(B)^T op(A)^T, which is the same memory.
void gemm_rowmajor(const AttnProblem& p, int M, int Nc, int K, float alpha, RowMajor A, RowMajor B, void* C, int ldc,
                   long long stride_c, cudaStream_t stream);

// The N x N matrices of a problem, in bytes: one of element type, and one of Z (1 byte per element),
// each rounded up to 256 bytes so that every region of a workspace starts aligned (cuBLAS refuses
// an fp32 matrix at an odd address; the row kernels' vector accesses need 4 elements' alignment).
inline size_t aligned_256(size_t bytes) { return (bytes + 255) / 256 * 256; }
inline size_t nn_bytes(const AttnProblem& p) { return aligned_256(p.heads() * size_t(p.N) * p.N * dtype_bytes(p.dtype)); }
inline size_t nn_mask_bytes(const AttnProblem& p) { return aligned_256(p.heads() * size_t(p.N) * p.N); }

// Standard attention's workspace: what the forward (version 9) writes and autograd keeps, then
// what the backward (version 10) writes. S is scaled and masked in place (PyTorch writes a new
// tensor each time: the same bytes).
struct StandardWorkspace {
    char *S, *P, *Pdrop, *dP, *dS;
    uint8_t* Z;
    static size_t forward_bytes(const AttnProblem& p) { return 3 * nn_bytes(p) + nn_mask_bytes(p); }
    static size_t backward_bytes(const AttnProblem& p) { return forward_bytes(p) + 2 * nn_bytes(p); }
    StandardWorkspace(const AttnProblem& p, void* base) {
        S = static_cast<char*>(base);
        P = S + nn_bytes(p);
        Pdrop = P + nn_bytes(p);
        Z = reinterpret_cast<uint8_t*>(Pdrop + nn_bytes(p));
        dP = reinterpret_cast<char*>(Z) + nn_mask_bytes(p);
        dS = dP + nn_bytes(p);
    }
};

// The row kernels (unfused_rows.cu). Each runs B*H*N CTAs, one per row n of a (b, h).
// x = tau x, in place (forward: S; backward: dS).
void launch_row_scale(const AttnProblem& p, void* x, float tau, cudaStream_t stream);
// causal mask in place: keys j > n set to `fill` (forward: -inf on S; backward: 0 on dS).
void launch_row_causal_mask(const AttnProblem& p, void* x, float fill, cudaStream_t stream);
// dropout forward: read P, draw Z (kept when u >= p.dropout_p, u = flashsim::kSeedZ's uniform),
// write Pdrop = P o Z / (1 - p) and Z.
void launch_row_dropout(const AttnProblem& p, const void* P, void* Pdrop, uint8_t* Z, cudaStream_t stream);
// dropout backward, in place: dP = dP o Z / (1 - p).
void launch_row_dropout_backward(const AttnProblem& p, void* dP, const uint8_t* Z, cudaStream_t stream);
// softmax backward as PyTorch's _softmax_backward_data: dS = P o (dP - rowsum(P o dP)); reads P, dP.
void launch_row_softmax_backward(const AttnProblem& p, const void* P, const void* dP, void* dS, cudaStream_t stream);
// vanilla's (FA1 paper, Algorithm 3, with D_n = dO_n . O_n): dS = P o (dP - D); reads P, dP, dO, O.
void launch_row_softmax_backward_do_o(const AttnProblem& p, const void* P, const void* dP, const void* dO,
                                      const void* O, void* dS, cudaStream_t stream);
// SRAM per CTA of launch_row_softmax_backward (P and dP rows as floats); "" when it fits, else one line.
std::string row_softmax_backward_fits(const AttnProblem& p, const cudaDeviceProp& dev);

// The mask decision both the kernel and the CPU check make: element i of Z is kept when the
// uniform u = (seeded_value + 1) / 2 in [0, 1) is >= p. A counter-based hash (SplitMix64), not
// PyTorch's Philox: the same kind of per-element arithmetic, and the CPU can regenerate it.
__host__ __device__ inline bool dropout_keep(uint64_t seed, size_t i, float dropout_p) {
    return flashsim::seeded_value(seed, flashsim::kSeedZ, i) * 0.5f + 0.5f >= dropout_p;
}
