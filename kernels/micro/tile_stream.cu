// tile_stream.cu: how fast the GPU writes (and reads) HBM in 2D tiles of a row-major matrix, as a
// GEMM's epilogue writes its output tiles, against whole rows.
//
// A buffer of 32 times the L2 is a matrix whose rows are `pitch` bytes apart (8192 and 32768: a
// row of fp16 scores at N = 4096 and 16384). It is cut into tiles of W bytes x 65536 / W rows
// (64 KiB each); W = pitch is whole rows, contiguous. Two CTAs of 256 threads per SM take the tiles
// in raster order (tile t, t + CTAs, ...; t runs along a band of rows first, as a GEMM's CTAs
// do); each thread stores (or loads) 16 bytes at a time, 4 in flight per loop trip, a warp 512
// contiguous bytes where W allows, each byte once. The L2 is emptied of the buffer's lines before
// each timed launch (a memset of twice the L2 elsewhere); the median of 4 launches after a warm-up.
// Reports bytes per second, whole GPU.
//
// Build: built by kernels/CMakeLists.txt (micro_tile_stream), or
//        nvcc -O3 -arch=sm_90 -o tile_stream kernels/micro/tile_stream.cu
#include <cstdint>
#include <cstdio>
#include <cuda_runtime.h>
#include "micro_common.cuh"

namespace {

constexpr int kThreads = 256, kTileBytes = 65536, kVec = 16;

__global__ void tile_kernel(bool write, uint4* buf, size_t pitch, size_t width, size_t tiles_per_band, size_t tiles,
                            unsigned* sink) {
    const size_t rows_per_tile = kTileBytes / width, vec_per_row = width / kVec, vec_per_tile = kTileBytes / kVec;
    unsigned acc = 0;
    for (size_t t = blockIdx.x; t < tiles; t += gridDim.x) {
        const size_t band = t / tiles_per_band, col = t % tiles_per_band;
        char* base = reinterpret_cast<char*>(buf) + band * rows_per_tile * pitch + col * width;
        for (size_t v = threadIdx.x; v < vec_per_tile; v += 4 * kThreads) {
            uint4* p[4];
#pragma unroll
            for (int u = 0; u < 4; ++u) {
                const size_t e = v + size_t(u) * kThreads, r = e / vec_per_row, c = e % vec_per_row;
                p[u] = reinterpret_cast<uint4*>(base + r * pitch + c * kVec);
            }
            if (write) {
#pragma unroll
                for (int u = 0; u < 4; ++u) *p[u] = make_uint4(unsigned(t), unsigned(v), unsigned(u), 1u);
            } else {
                uint4 x[4];
#pragma unroll
                for (int u = 0; u < 4; ++u) x[u] = *p[u];
#pragma unroll
                for (int u = 0; u < 4; ++u) acc = fold_bits(acc, x[u]);
            }
        }
    }
    if (!write && acc == 0x9e3779b9u) sink[threadIdx.x] = acc;  // keeps the loads
}

void run(bool write, uint4* buf, size_t buf_bytes, size_t pitch, size_t width, void* flush, size_t flush_bytes, int sms,
         unsigned* sink) {
    const size_t rows = buf_bytes / pitch, rows_per_tile = kTileBytes / width, bands = rows / rows_per_tile;
    const size_t tiles_per_band = pitch / width, tiles = bands * tiles_per_band;
    const auto flush_l2 = [&](int rep) { CHECK(cudaMemset(flush, rep, flush_bytes)); };
    const auto launch = [&] { tile_kernel<<<sms * 2, kThreads>>>(write, buf, pitch, width, tiles_per_band, tiles, sink); };
    const double t_s = median_launch_ms(5, flush_l2, launch) * 1e-3;
    const double bytes = double(tiles) * kTileBytes;
    std::printf("%-5s pitch %6zu B  tile %5zu B x %4zu rows: %8.1f GB/s  (%.3f ms, %.0f MB)\n", write ? "write" : "read", pitch,
                width, rows_per_tile, bytes / t_s * 1e-9, t_s * 1e3, bytes * 1e-6);
}

}  // namespace

int main() {
    const cudaDeviceProp p = print_device();
    const int sms = p.multiProcessorCount;
    const size_t l2 = size_t(p.l2CacheSize), buf_bytes = 32 * l2, flush_bytes = 2 * l2;
    void *buf, *flush;
    unsigned* sink;
    CHECK(cudaMalloc(&buf, buf_bytes));
    CHECK(cudaMalloc(&flush, flush_bytes));
    CHECK(cudaMalloc(&sink, kThreads * sizeof(unsigned)));
    CHECK(cudaMemset(buf, 1, buf_bytes));
    std::printf("buffer %zu bytes (32 x L2), 64 KiB tiles, 2 CTAs x %d threads per SM, 16-byte accesses, 4 in flight\n", buf_bytes,
                kThreads);
    for (bool write : {true, false})
        for (size_t pitch : {size_t(8192), size_t(32768)})
            for (size_t width : {size_t(64), size_t(128), size_t(256), size_t(512), size_t(1024), size_t(2048), size_t(4096), pitch})
                if (width <= pitch && (width < pitch || pitch > 4096))
                    run(write, static_cast<uint4*>(buf), buf_bytes, pitch, width, flush, flush_bytes, sms, sink);
    CHECK(cudaFree(buf));
    CHECK(cudaFree(flush));
    CHECK(cudaFree(sink));
    return 0;
}
