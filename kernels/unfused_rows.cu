// unfused_rows.cu: the row kernels of standard attention and vanilla's softmax backward (see
// unfused.cuh). One CTA of kRowThreads per row n of a (b, h): the row's N elements are read from
// HBM once and written once, as in the simulator's row kernels (sim/trace/standard.cpp), 4
// elements per access when N allows it.
#include <type_traits>
#include "unfused.cuh"

namespace {

constexpr int kRowThreads = 256;

// VEC consecutive elements per access (4 when N is a multiple of 4, so that every row starts 4-element
// aligned: 8-byte fp16 and 16-byte fp32 loads, as PyTorch's vectorized element-wise kernels; else 1).
template <typename T, int VEC>
struct alignas(sizeof(T) * VEC) Pack {
    T v[VEC];
};
template <int VEC, typename T>
__device__ inline void load(float (&x)[VEC], const T* src) {
    const Pack<T, VEC> pk = *reinterpret_cast<const Pack<T, VEC>*>(src);
    #pragma unroll
    for (int e = 0; e < VEC; ++e) x[e] = to_float(pk.v[e]);
}
template <int VEC, typename T>
__device__ inline void store(T* dst, const float (&x)[VEC]) {
    Pack<T, VEC> pk;
    #pragma unroll
    for (int e = 0; e < VEC; ++e) pk.v[e] = from_float<T>(x[e]);
    *reinterpret_cast<Pack<T, VEC>*>(dst) = pk;
}
// j0 = the first element of this thread's VEC elements, over one row of N.
#define FOR_ROW(j0) for (int j0 = threadIdx.x * VEC; j0 < N; j0 += kRowThreads * VEC)

// x = tau x over one row. grid: B*H*N.
template <typename T, int VEC>
__global__ void __launch_bounds__(kRowThreads) scale_kernel(T* x, int N, float tau) {
    x += size_t(blockIdx.x) * N;
    FOR_ROW(j0) {
        float v[VEC];
        load<VEC>(v, x + j0);
        #pragma unroll
        for (int e = 0; e < VEC; ++e) v[e] *= tau;
        store<VEC>(x + j0, v);
    }
}

// x[n, j] = fill for keys j > n (row n = query). Reads and writes the whole row, as torch.where does.
template <typename T, int VEC>
__global__ void __launch_bounds__(kRowThreads) causal_mask_kernel(T* x, int N, float fill) {
    const int n = int(blockIdx.x % N);
    x += size_t(blockIdx.x) * N;
    FOR_ROW(j0) {
        float v[VEC];
        load<VEC>(v, x + j0);
        #pragma unroll
        for (int e = 0; e < VEC; ++e) v[e] = j0 + e > n ? fill : v[e];
        store<VEC>(x + j0, v);
    }
}

// Pdrop = P o Z / (1 - p), Z = keep(u): read P, write Pdrop and Z (1 byte).
template <typename T, int VEC>
__global__ void __launch_bounds__(kRowThreads) dropout_kernel(const T* P, T* Pdrop, uint8_t* Z, int N, float p_drop,
                                                              uint64_t seed) {
    const size_t row = size_t(blockIdx.x) * N;
    const float keep_scale = 1.0f / (1.0f - p_drop);
    FOR_ROW(j0) {
        float v[VEC];
        Pack<uint8_t, VEC> z;
        load<VEC>(v, P + row + j0);
        #pragma unroll
        for (int e = 0; e < VEC; ++e) {
            z.v[e] = dropout_keep(seed, row + j0 + e, p_drop);
            v[e] = z.v[e] ? v[e] * keep_scale : 0.0f;
        }
        store<VEC>(Pdrop + row + j0, v);
        *reinterpret_cast<Pack<uint8_t, VEC>*>(Z + row + j0) = z;
    }
}

// dP = dP o Z / (1 - p), in place: read dP and Z, write dP.
template <typename T, int VEC>
__global__ void __launch_bounds__(kRowThreads) dropout_backward_kernel(T* dP, const uint8_t* Z, int N, float p_drop) {
    const size_t row = size_t(blockIdx.x) * N;
    const float keep_scale = 1.0f / (1.0f - p_drop);
    FOR_ROW(j0) {
        float v[VEC];
        load<VEC>(v, dP + row + j0);
        const Pack<uint8_t, VEC> z = *reinterpret_cast<const Pack<uint8_t, VEC>*>(Z + row + j0);
        #pragma unroll
        for (int e = 0; e < VEC; ++e) v[e] = z.v[e] ? v[e] * keep_scale : 0.0f;
        store<VEC>(dP + row + j0, v);
    }
}

// dS = P o (dP - rowsum(P o dP)). Dynamic SRAM: the P and dP rows, 2N floats, so each is read from
// HBM once (PyTorch's softmax backward keeps the row on chip too). Each thread reads back only the
// elements it wrote.
template <typename T, int VEC>
__global__ void __launch_bounds__(kRowThreads) softmax_backward_kernel(const T* P, const T* dP, T* dS, int N) {
    extern __shared__ float rows[];  // [0, N): P, [N, 2N): dP
    __shared__ float scratch[32];
    const size_t row = size_t(blockIdx.x) * N;
    float sum = 0.0f;
    FOR_ROW(j0) {
        float pv[VEC], dpv[VEC];
        load<VEC>(pv, P + row + j0);
        load<VEC>(dpv, dP + row + j0);
        #pragma unroll
        for (int e = 0; e < VEC; ++e) {
            rows[j0 + e] = pv[e];
            rows[N + j0 + e] = dpv[e];
            sum += pv[e] * dpv[e];
        }
    }
    const float D = block_reduce(sum, scratch, false);
    FOR_ROW(j0) {
        float v[VEC];
        #pragma unroll
        for (int e = 0; e < VEC; ++e) v[e] = rows[j0 + e] * (rows[N + j0 + e] - D);
        store<VEC>(dS + row + j0, v);
    }
}

// Vanilla: D_n = dO_n . O_n (d elements), then dS = P o (dP - D_n), streamed.
template <typename T, int VEC>
__global__ void __launch_bounds__(kRowThreads) softmax_backward_do_o_kernel(const T* P, const T* dP, const T* dO,
                                                                            const T* O, T* dS, int N, int d) {
    __shared__ float scratch[32];
    const size_t row = size_t(blockIdx.x) * N;
    float part = 0.0f;
    for (int c = threadIdx.x; c < d; c += kRowThreads)
        part += to_float(dO[size_t(blockIdx.x) * d + c]) * to_float(O[size_t(blockIdx.x) * d + c]);
    const float D = block_reduce(part, scratch, false);
    FOR_ROW(j0) {
        float pv[VEC], dpv[VEC];
        load<VEC>(pv, P + row + j0);
        load<VEC>(dpv, dP + row + j0);
        #pragma unroll
        for (int e = 0; e < VEC; ++e) pv[e] *= dpv[e] - D;
        store<VEC>(dS + row + j0, pv);
    }
}
#undef FOR_ROW

// Calls f(std::integral_constant<int, VEC>) with VEC = 4 when N % 4 == 0, else 1.
template <typename F>
void dispatch_vec(int N, F&& f) {
    if (N % 4 == 0) f(std::integral_constant<int, 4>{});
    else f(std::integral_constant<int, 1>{});
}

unsigned rows_of(const AttnProblem& p) { return unsigned(p.heads() * p.N); }
size_t softmax_backward_smem_bytes(int N) { return 2 * size_t(N) * sizeof(float); }

}  // namespace

void launch_row_scale(const AttnProblem& p, void* x, float tau, cudaStream_t stream) {
    dispatch_dtype(p.dtype, [&](auto tag) {
        using T = decltype(tag);
        dispatch_vec(p.N, [&](auto vec) {
            scale_kernel<T, vec()><<<rows_of(p), kRowThreads, 0, stream>>>(static_cast<T*>(x), p.N, tau);
            CHECK_LAST_LAUNCH();
        });
    });
}

void launch_row_causal_mask(const AttnProblem& p, void* x, float fill, cudaStream_t stream) {
    dispatch_dtype(p.dtype, [&](auto tag) {
        using T = decltype(tag);
        dispatch_vec(p.N, [&](auto vec) {
            causal_mask_kernel<T, vec()><<<rows_of(p), kRowThreads, 0, stream>>>(static_cast<T*>(x), p.N, fill);
            CHECK_LAST_LAUNCH();
        });
    });
}

void launch_row_dropout(const AttnProblem& p, const void* P, void* Pdrop, uint8_t* Z, cudaStream_t stream) {
    dispatch_dtype(p.dtype, [&](auto tag) {
        using T = decltype(tag);
        dispatch_vec(p.N, [&](auto vec) {
            dropout_kernel<T, vec()><<<rows_of(p), kRowThreads, 0, stream>>>(
                static_cast<const T*>(P), static_cast<T*>(Pdrop), Z, p.N, p.dropout_p, p.seed);
            CHECK_LAST_LAUNCH();
        });
    });
}

void launch_row_dropout_backward(const AttnProblem& p, void* dP, const uint8_t* Z, cudaStream_t stream) {
    dispatch_dtype(p.dtype, [&](auto tag) {
        using T = decltype(tag);
        dispatch_vec(p.N, [&](auto vec) {
            dropout_backward_kernel<T, vec()><<<rows_of(p), kRowThreads, 0, stream>>>(static_cast<T*>(dP), Z, p.N,
                                                                                      p.dropout_p);
            CHECK_LAST_LAUNCH();
        });
    });
}

std::string row_softmax_backward_fits(const AttnProblem& p, const cudaDeviceProp& dev) {
    const size_t need = softmax_backward_smem_bytes(p.N);
    if (need <= dev.sharedMemPerBlockOptin) return "";
    return "N=" + std::to_string(p.N) + ": the softmax backward keeps the P and dP rows, 2*N*4 = " + fmt_kib(need) +
           " of SRAM; " + dev.name + " allows " + fmt_kib(dev.sharedMemPerBlockOptin) + " per block";
}

void launch_row_softmax_backward(const AttnProblem& p, const void* P, const void* dP, void* dS, cudaStream_t stream) {
    dispatch_dtype(p.dtype, [&](auto tag) {
        using T = decltype(tag);
        const size_t smem = softmax_backward_smem_bytes(p.N);
        dispatch_vec(p.N, [&](auto vec) {
            allow_dynamic_smem(softmax_backward_kernel<T, vec()>, smem);
            softmax_backward_kernel<T, vec()><<<rows_of(p), kRowThreads, smem, stream>>>(
                static_cast<const T*>(P), static_cast<const T*>(dP), static_cast<T*>(dS), p.N);
            CHECK_LAST_LAUNCH();
        });
    });
}

void launch_row_softmax_backward_do_o(const AttnProblem& p, const void* P, const void* dP, const void* dO,
                                      const void* O, void* dS, cudaStream_t stream) {
    dispatch_dtype(p.dtype, [&](auto tag) {
        using T = decltype(tag);
        dispatch_vec(p.N, [&](auto vec) {
            softmax_backward_do_o_kernel<T, vec()><<<rows_of(p), kRowThreads, 0, stream>>>(
                static_cast<const T*>(P), static_cast<const T*>(dP), static_cast<const T*>(dO),
                static_cast<const T*>(O), static_cast<T*>(dS), p.N, p.d);
            CHECK_LAST_LAUNCH();
        });
    });
}
