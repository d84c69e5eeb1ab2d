// unfused_gemm.cu: the cuBLAS handle and the row-major batched GEMM of the unfused versions
// (see unfused.cuh).
#include "unfused.cuh"

cublasHandle_t cublas_handle(cudaStream_t stream) {
    static cublasHandle_t h = [] {
        cublasHandle_t created;
        CUBLAS_CHECK(cublasCreate(&created));
        CUBLAS_CHECK(cublasSetMathMode(created, CUBLAS_DEFAULT_MATH));  // COMPUTE_32F: fp32 stays fp32 (no TF32)
        return created;
    }();
    CUBLAS_CHECK(cublasSetStream(h, stream));
    return h;
}

static cudaDataType_t cuda_type(DType t) {
    return t == DType::fp32 ? CUDA_R_32F : t == DType::fp16 ? CUDA_R_16F : CUDA_R_16BF;
}

void gemm_rowmajor(const AttnProblem& p, int M, int Nc, int K, float alpha, RowMajor A, RowMajor B, void* C, int ldc,
                   long long stride_c, cudaStream_t stream) {
    const cudaDataType_t t = cuda_type(p.dtype);
    const float zero = 0.0f;
    // Row-major X viewed column-major is X^T, so C^T (Nc x M) = op(B)^T op(A)^T: B first; an
    // operand used transposed is passed with OP_T.
    CUBLAS_CHECK(cublasGemmStridedBatchedEx(cublas_handle(stream), B.transposed ? CUBLAS_OP_T : CUBLAS_OP_N,
                                            A.transposed ? CUBLAS_OP_T : CUBLAS_OP_N, Nc, M, K, &alpha, B.ptr, t, B.ld,
                                            B.batch_stride, A.ptr, t, A.ld, A.batch_stride, &zero, C, t, ldc, stride_c,
                                            int(p.heads()), CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT));
    CHECK_LAST_LAUNCH();
}
