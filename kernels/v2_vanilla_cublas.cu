// v2_vanilla_cublas.cu: step 2 of the ladder, vanilla attention with cuBLAS GEMMs.
//
// Adds over v1: the two GEMMs come from cuBLAS (cublasGemmStridedBatchedEx, one batch entry per
// (b, h); fp16/bf16 in and out with fp32 compute, fp32 in fp32 compute without TF32). The
// softmax kernel is v1's. This is what a framework's unfused "math" attention does; it shows that
// a faster GEMM does not remove the N² round trips of S and P through HBM.
//
// Row-major trick: cuBLAS is column-major, and a row-major (N × d) matrix is a column-major
// (d × N) one. So S (row-major N×N) is computed as the column-major product Sᵀ = K·Qᵀ, and
// O (row-major N×d) as Oᵀ = Vᵀ·Pᵀ.
//
// Run:  ./fa_bench --version 2 --B 2 --H 4 --N 1000 --d 64 --dtype fp16
#include <cublas_v2.h>
#include "versions.h"

namespace v2_vanilla_cublas {

static cublasHandle_t handle() {
    static cublasHandle_t h = [] {
        cublasHandle_t created;
        CUBLAS_CHECK(cublasCreate(&created));
        CUBLAS_CHECK(cublasSetMathMode(created, CUBLAS_DEFAULT_MATH));  // COMPUTE_32F: fp32 stays fp32 (no TF32)
        return created;
    }();
    return h;
}

static cudaDataType_t cuda_type(DType t) {
    return t == DType::fp32 ? CUDA_R_32F : t == DType::fp16 ? CUDA_R_16F : CUDA_R_16BF;
}

std::string plan(const AttnProblem& p, AttnConfig& c, const cudaDeviceProp& dev) {
    AttnConfig tiles = c;
    std::string err = v1_vanilla_tiled::plan(p, tiles, dev);  // the softmax row must fit in SRAM
    if (!err.empty()) return err;
    c.Br = 64;  // cuBLAS picks its own tiles; 64×64 is recorded to match v1
    c.Bc = 64;
    c.warps = 8;
    c.stages = 1;
    c.smem_bytes = 0;
    return "";
}

size_t workspace_bytes(const AttnProblem& p, const AttnConfig&) {
    return 2 * p.heads() * size_t(p.N) * p.N * dtype_bytes(p.dtype);  // S and P
}

void launch(const AttnProblem& p, const AttnConfig&, const AttnBuffers& buf, cudaStream_t stream) {
    cublasHandle_t h = handle();
    CUBLAS_CHECK(cublasSetStream(h, stream));
    const cudaDataType_t t = cuda_type(p.dtype);
    const size_t elem = dtype_bytes(p.dtype);
    char* S = static_cast<char*>(buf.workspace);
    char* P = S + p.heads() * size_t(p.N) * p.N * elem;
    const long long stride_qkv = (long long)p.N * p.d, stride_sp = (long long)p.N * p.N;
    const int batch = int(p.heads());
    const float alpha = p.scale(), one = 1.0f, zero = 0.0f;

    // S = Q·Kᵀ·scale, read Q and K from HBM, write S (B,H,N,N) to HBM.
    // Column-major: Sᵀ (N keys × N queries) = op(Kᵀ_cm)·Qᵀ_cm with Kᵀ_cm = K viewed as (d × N).
    CUBLAS_CHECK(cublasGemmStridedBatchedEx(h, CUBLAS_OP_T, CUBLAS_OP_N, p.N, p.N, p.d, &alpha,
                                            buf.K, t, p.d, stride_qkv, buf.Q, t, p.d, stride_qkv, &zero,
                                            S, t, p.N, stride_sp, batch, CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT));
    CHECK_LAST_LAUNCH();
    // P = softmax(S): read S from HBM, write P to HBM (v1's kernel)
    launch_row_softmax(p, S, P, stream);
    // O = P·V, read P and V from HBM, write O to HBM.
    // Column-major: Oᵀ (d × N) = Vᵀ_cm (d × N keys) · Pᵀ_cm (N keys × N queries).
    CUBLAS_CHECK(cublasGemmStridedBatchedEx(h, CUBLAS_OP_N, CUBLAS_OP_N, p.d, p.N, p.N, &one,
                                            buf.V, t, p.d, stride_qkv, P, t, p.N, stride_sp, &zero,
                                            buf.O, t, p.d, stride_qkv, batch, CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT));
    CHECK_LAST_LAUNCH();
}

}  // namespace v2_vanilla_cublas
