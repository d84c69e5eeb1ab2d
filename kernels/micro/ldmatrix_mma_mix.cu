// ldmatrix_mma_mix.cu: v5's QK^T inner-loop mix (per 16 of k: 2 ldmatrix.x4 of Qi, 4 of Kj, 16 mma.sync
// m16n8k16) at 1, 2, 4 CTAs of 4 warps per SM, without (0) and with (1) the ldmatrix: FLOP and SRAM
// bytes per SM per clock. Shows whether ldmatrix and mma.sync overlap (docs/fidelity.md section 6).
// Build: nvcc -O3 -arch=sm_90 -o mix kernels/micro/ldmatrix_mma_mix.cu
#include <cstdint>
#include <cstdio>
#define MMA(c, a0, a1, a2, a3, b0, b1)                       \
    asm volatile(                                            \
        "mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 " \
        "{%0,%1,%2,%3},{%4,%5,%6,%7},{%8,%9},{%0,%1,%2,%3};" \
        : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])     \
        : "r"(a0), "r"(a1), "r"(a2), "r"(a3), "r"(b0), "r"(b1))
#define LDM(r, ad)                                                              \
    asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0,%1,%2,%3},[%4];" \
                 : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])               \
                 : "r"(ad))
template <int L>
__global__ void k(int n, float* o, long long* cy) {
    __shared__ __align__(128) char sm[16384];
    for (int i = threadIdx.x; i < 4096; i += blockDim.x) ((float*)sm)[i] = 1e-3f * i;
    __syncthreads();
    uint32_t base = uint32_t(__cvta_generic_to_shared(sm)) + (threadIdx.x % 32) * 16,
             w = (threadIdx.x / 32) * 2048;
    float c[2][8][4] = {};
    uint32_t a[2][4] = {}, b[4] = {};
    long long t0 = clock64();
    for (int i = 0; i < n; ++i) {
#pragma unroll
        for (int kk = 0; kk < 4; ++kk) {
            if (L) {
                LDM(a[0], base + ((w + kk * 1024) & 8191));
                LDM(a[1], base + ((w + kk * 1024 + 512) & 8191));
            }
#pragma unroll
            for (int j = 0; j < 4; ++j) {
                if (L) LDM(b, base + 8192 + ((kk * 2048 + j * 512) & 8191));
                MMA(c[0][2 * j], a[0][0], a[0][1], a[0][2], a[0][3], b[0], b[1]);
                MMA(c[0][2 * j + 1], a[0][0], a[0][1], a[0][2], a[0][3], b[2], b[3]);
                MMA(c[1][2 * j], a[1][0], a[1][1], a[1][2], a[1][3], b[0], b[1]);
                MMA(c[1][2 * j + 1], a[1][0], a[1][1], a[1][2], a[1][3], b[2], b[3]);
            }
        }
    }
    long long t1 = clock64();
    float s = 0;
    for (int m = 0; m < 2; ++m)
        for (int j = 0; j < 8; ++j) s += c[m][j][0] + c[m][j][3];
    o[blockIdx.x * blockDim.x + threadIdx.x] = s;
    if (!threadIdx.x) cy[blockIdx.x] = t1 - t0;
}
template <int L>
void run(int S, int cps) {
    int C = S * cps, n = 5000;
    float* o;
    long long* cy;
    cudaMalloc(&o, C * 128 * 4);
    cudaMalloc(&cy, C * 8);
    k<L><<<C, 128>>>(n / 10, o, cy);
    cudaEvent_t e0, e1;
    cudaEventCreate(&e0);
    cudaEventCreate(&e1);
    cudaEventRecord(e0);
    k<L><<<C, 128>>>(n, o, cy);
    cudaEventRecord(e1);
    cudaEventSynchronize(e1);
    float ms;
    cudaEventElapsedTime(&ms, e0, e1);
    long long h[1024], m = 0;
    cudaMemcpy(h, cy, C * 8, cudaMemcpyDeviceToHost);
    for (int i = 0; i < C; ++i) m = h[i] > m ? h[i] : m;
    double f = double(C) * 4 * n * 4 * 16 * 4096, by = double(C) * 4 * n * 4 * 6 * 512;
    printf("ldmatrix %d ctas/SM %d: %.1f TFLOP/s %.0f FLOP/clk/SM %.1f B/clk/SM\n", L, cps, f / ms / 1e9,
           f / S / m, by * L / S / m);
}
int main() {
    cudaDeviceProp p;
    cudaGetDeviceProperties(&p, 0);
    for (int c : {1, 2, 4}) {
        run<0>(p.multiProcessorCount, c);
        run<1>(p.multiProcessorCount, c);
    }
}
