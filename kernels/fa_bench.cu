// fa_bench.cu: the one harness for every kernel version (compiled once; versions are linked in).
//
//   1. parse arguments (by hand: kernels/ builds with the CUDA toolkit alone)
//   2. make Q, K, V on the GPU with flashsim::seeded_value (sim/core/seeded_inputs.h), rounded to
//      the storage type; the CPU makes the same values for the reference
//   3. poison O (and LSE) with NaN, run once, check every element against a double-precision CPU
//      reference (all of it for small shapes, a stated sample of heads and rows for big ones)
//   4. time: warm-up, then per repeat flush L2 (write a buffer of 2× L2) and time one run with
//      CUDA events; report median and min
//   5. write JSON (--json) and optionally the output O (--dump-output)
// --profile-once replaces 4 with one run between cudaProfilerStart/Stop, for
// `ncu --profile-from-start off`: only the version's own kernels (and cuBLAS's) are profiled,
// never input generation or the L2 flush.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>
#include <cuda_profiler_api.h>
#include "seeded_inputs.h"
#include "versions.h"

namespace {

struct Args {
    int version = 5, B = 1, H = 2, N = 256, d = 64, causal = 0;
    DType dtype = DType::fp16;
    int Br = 0, Bc = 0, repeats = 20;
    uint64_t seed = 1;
    std::string json, dump;
    bool check = true, profile_once = false, info = false;
};

void print_help() {
    std::printf(
        "fa_bench: run, check and time one attention-forward kernel version.\n\n"
        "  --version V       kernel version (table below)\n"
        "  --B --H --N --d   batch, heads, sequence length, head dimension\n"
        "  --causal 0|1      causal mask (key > query masked)\n"
        "  --dtype T         fp32 | fp16 | bf16 storage (compute is fp32)\n"
        "  --Br --Bc         block sizes (0 = the version's default)\n"
        "  --seed S          input seed (flashsim::seeded_value)\n"
        "  --repeats R       timed repeats, L2 flushed before each (median reported)\n"
        "  --json FILE       write the result as JSON\n"
        "  --dump-output FILE  write O as JSON for the simulator's functional model\n"
        "  --no-check        skip the CPU reference check\n"
        "  --profile-once    one run inside cudaProfilerStart/Stop, no timing (for ncu)\n"
        "  --info            print the device as JSON and exit\n\nversions:\n");
    int n = 0;
    const VersionInfo* v = all_versions(&n);
    for (int i = 0; i < n; ++i) std::printf("  %d  %-14s [%s] %s\n", v[i].id, v[i].name, v[i].dtypes, v[i].summary);
}

[[noreturn]] void usage_error(const std::string& msg) {
    std::fprintf(stderr, "fa_bench: %s (see --help)\n", msg.c_str());
    std::exit(2);
}

int to_int(const std::string& key, const std::string& val) {
    char* end = nullptr;
    const long x = std::strtol(val.c_str(), &end, 10);
    if (val.empty() || *end) usage_error(key + "=" + val + ": expected an integer");
    return int(x);
}

Args parse(int argc, char** argv) {
    Args a;
    for (int i = 1; i < argc; ++i) {
        std::string key = argv[i], val;
        if (key == "--help" || key == "-h") { print_help(); std::exit(0); }
        if (key == "--no-check") { a.check = false; continue; }
        if (key == "--profile-once") { a.profile_once = true; continue; }
        if (key == "--info") { a.info = true; continue; }
        const size_t eq = key.find('=');
        if (eq != std::string::npos) { val = key.substr(eq + 1); key = key.substr(0, eq); }
        else if (i + 1 < argc) val = argv[++i];
        else usage_error(key + ": missing value");
        if (key == "--version") a.version = to_int(key, val);
        else if (key == "--B") a.B = to_int(key, val);
        else if (key == "--H") a.H = to_int(key, val);
        else if (key == "--N") a.N = to_int(key, val);
        else if (key == "--d") a.d = to_int(key, val);
        else if (key == "--causal") a.causal = to_int(key, val);
        else if (key == "--Br") a.Br = to_int(key, val);
        else if (key == "--Bc") a.Bc = to_int(key, val);
        else if (key == "--repeats") a.repeats = to_int(key, val);
        else if (key == "--seed") a.seed = std::strtoull(val.c_str(), nullptr, 10);
        else if (key == "--json") a.json = val;
        else if (key == "--dump-output") a.dump = val;
        else if (key == "--dtype") {
            if (val == "fp32") a.dtype = DType::fp32;
            else if (val == "fp16") a.dtype = DType::fp16;
            else if (val == "bf16") a.dtype = DType::bf16;
            else usage_error("--dtype=" + val + ": allowed fp32, fp16, bf16");
        } else usage_error("unknown option " + key);
    }
    if (a.B < 1 || a.H < 1 || a.N < 1 || a.d < 1) usage_error("B, H, N, d must be positive");
    if (a.causal != 0 && a.causal != 1) usage_error("--causal must be 0 or 1");
    if (a.repeats < 1) usage_error("--repeats must be >= 1");
    return a;
}

// Q, K or V on the GPU: element i = seeded_value(seed, tensor, i), rounded to T.
template <typename T>
__global__ void generate_input_kernel(T* out, uint64_t seed, uint32_t tensor, size_t n) {
    for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < n; i += size_t(gridDim.x) * blockDim.x)
        out[i] = from_float<T>(flashsim::seeded_value(seed, tensor, i));
}

// The same value on the CPU, as the kernel sees it (rounded to the storage type).
double host_input(DType t, uint64_t seed, uint32_t tensor, size_t i) {
    const float x = flashsim::seeded_value(seed, tensor, i);
    if (t == DType::fp16) return __half2float(__float2half_rn(x));
    if (t == DType::bf16) return __bfloat162float(__float2bfloat16_rn(x));
    return x;
}

std::vector<float> download_as_float(const void* dev, size_t n, DType t) {
    std::vector<float> out(n);
    if (t == DType::fp32) {
        CUDA_CHECK(cudaMemcpy(out.data(), dev, n * 4, cudaMemcpyDeviceToHost));
        return out;
    }
    std::vector<uint16_t> raw(n);
    CUDA_CHECK(cudaMemcpy(raw.data(), dev, n * 2, cudaMemcpyDeviceToHost));
    for (size_t i = 0; i < n; ++i) {
        if (t == DType::fp16) { __half h; std::memcpy(&h, &raw[i], 2); out[i] = __half2float(h); }
        else { __nv_bfloat16 h; std::memcpy(&h, &raw[i], 2); out[i] = __bfloat162float(h); }
    }
    return out;
}

struct CheckResult {
    bool correct = true;
    double max_abs_err = 0, max_lse_err = 0;
    size_t checked_elems = 0, mismatches = 0;
    std::string checked;
};

// Tolerance atol + |ref|·rtol: fp32 from fp32 rounding; fp16/bf16 from the rounding of P (and, for
// vanilla, S) to the storage type and of O itself.
void tolerances(DType t, double* atol, double* rtol) {
    if (t == DType::fp32) { *atol = 1e-4; *rtol = 1e-4; }
    else if (t == DType::fp16) { *atol = 4e-3; *rtol = 4e-3; }
    else { *atol = 2e-2; *rtol = 2e-2; }
}

CheckResult check_output(const AttnProblem& p, uint64_t seed, const std::vector<float>& O,
                         const std::vector<float>* LSE) {
    CheckResult res;
    const size_t heads = p.heads();
    const int N = p.N, d = p.d;
    // all of it when the reference costs <= 2^31 multiply-adds, else a sample
    const bool full = double(heads) * N * N * d * 2 <= 2147483648.0;
    std::vector<size_t> hs;
    std::vector<int> rows;
    if (full) {
        for (size_t h = 0; h < heads; ++h) hs.push_back(h);
        for (int r = 0; r < N; ++r) rows.push_back(r);
        res.checked = "all " + std::to_string(heads) + " heads x all " + std::to_string(N) + " rows x d";
    } else {
        hs = {0, heads / 2, heads - 1};
        hs.erase(std::unique(hs.begin(), hs.end()), hs.end());
        for (int r = 0; r < std::min(N, 16); ++r) rows.push_back(r);
        for (int k = 1; k <= 32; ++k) rows.push_back(int(size_t(N) * k / 33));
        for (int r = std::max(0, N - 16); r < N; ++r) rows.push_back(r);
        std::sort(rows.begin(), rows.end());
        rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
        res.checked = "sample: heads {first, middle, last} = " + std::to_string(hs.size()) + " of " +
                      std::to_string(heads) + " x " + std::to_string(rows.size()) + " of " + std::to_string(N) +
                      " rows (first 16, 32 evenly spaced, last 16) x d";
    }
    if (LSE) res.checked += "; LSE of the same rows";
    double atol, rtol;
    tolerances(p.dtype, &atol, &rtol);
    const double scale = 1.0 / std::sqrt(double(d));
    std::vector<double> Kh(size_t(N) * d), Vh(size_t(N) * d), s(N), o(d);
    for (size_t h : hs) {
        for (size_t e = 0; e < size_t(N) * d; ++e) {
            Kh[e] = host_input(p.dtype, seed, flashsim::kSeedK, h * N * d + e);
            Vh[e] = host_input(p.dtype, seed, flashsim::kSeedV, h * N * d + e);
        }
        for (int r : rows) {
            std::vector<double> q(d);
            for (int c = 0; c < d; ++c) q[c] = host_input(p.dtype, seed, flashsim::kSeedQ, (h * N + r) * d + c);
            const int keys = p.causal ? r + 1 : N;
            double m = -INFINITY;
            for (int k = 0; k < keys; ++k) {
                double dot = 0;
                for (int c = 0; c < d; ++c) dot += q[c] * Kh[size_t(k) * d + c];
                s[k] = dot * scale;
                m = std::max(m, s[k]);
            }
            double l = 0;
            std::fill(o.begin(), o.end(), 0.0);
            for (int k = 0; k < keys; ++k) {
                const double e = std::exp(s[k] - m);
                l += e;
                for (int c = 0; c < d; ++c) o[c] += e * Vh[size_t(k) * d + c];
            }
            for (int c = 0; c < d; ++c) {
                const double ref = o[c] / l, got = O[(h * N + r) * d + c];
                const double err = std::fabs(got - ref);
                ++res.checked_elems;
                if (!(err <= atol + rtol * std::fabs(ref))) {  // NaN fails too
                    if (res.mismatches < 10)
                        std::printf("  mismatch O[bh=%zu, n=%d, c=%d]: got %.6f, ref %.6f\n", h, r, c, got, ref);
                    ++res.mismatches;
                    res.correct = false;
                }
                if (err == err) res.max_abs_err = std::max(res.max_abs_err, err);
                else res.max_abs_err = INFINITY;
            }
            if (LSE) {
                const double ref = m + std::log(l), got = (*LSE)[h * N + r];
                const double err = std::fabs(got - ref);
                if (!(err <= 1e-3 + 1e-4 * std::fabs(ref))) {
                    if (res.mismatches < 10) std::printf("  mismatch LSE[bh=%zu, n=%d]: got %.6f, ref %.6f\n", h, r, got, ref);
                    ++res.mismatches;
                    res.correct = false;
                }
                res.max_lse_err = std::max(res.max_lse_err, err == err ? err : INFINITY);
            }
        }
    }
    return res;
}

void print_device_json(const cudaDeviceProp& dev) {
    int runtime = 0, driver = 0;
    CUDA_CHECK(cudaRuntimeGetVersion(&runtime));
    CUDA_CHECK(cudaDriverGetVersion(&driver));
    std::printf("{\"gpu\": \"%s\", \"sm_count\": %d, \"l2_bytes\": %d, \"smem_per_block_optin\": %zu, "
                "\"cc\": \"%d.%d\", \"cuda_runtime\": \"%d.%d\", \"cuda_driver_api\": \"%d.%d\"}\n",
                dev.name, dev.multiProcessorCount, dev.l2CacheSize, dev.sharedMemPerBlockOptin, dev.major, dev.minor,
                runtime / 1000, (runtime % 1000) / 10, driver / 1000, (driver % 1000) / 10);
}

}  // namespace

int main(int argc, char** argv) {
    const Args a = parse(argc, argv);
    int dev_id = 0;
    CUDA_CHECK(cudaGetDevice(&dev_id));
    cudaDeviceProp dev;
    CUDA_CHECK(cudaGetDeviceProperties(&dev, dev_id));
    if (a.info) { print_device_json(dev); return 0; }

    const VersionInfo* ver = find_version(a.version);
    if (!ver) usage_error("--version=" + std::to_string(a.version) + ": no such version");
    AttnProblem p;
    p.B = a.B; p.H = a.H; p.N = a.N; p.d = a.d; p.causal = a.causal; p.dtype = a.dtype;
    if (!std::strstr(ver->dtypes, dtype_name(p.dtype)))
        usage_error(std::string("--dtype=") + dtype_name(p.dtype) + ": version " + std::to_string(ver->id) +
                    " supports " + ver->dtypes);
    AttnConfig cfg;
    cfg.Br = a.Br;
    cfg.Bc = a.Bc;
    const std::string err = ver->plan(p, cfg, dev);
    if (!err.empty()) { std::fprintf(stderr, "fa_bench: version %d: %s\n", ver->id, err.c_str()); return 2; }

    // device buffers
    const size_t elem = dtype_bytes(p.dtype), n_qkv = p.qkv_elems();
    const size_t ws_bytes = ver->workspace_bytes(p, cfg);
    size_t free_b = 0, total_b = 0;
    CUDA_CHECK(cudaMemGetInfo(&free_b, &total_b));
    const size_t need = 4 * n_qkv * elem + p.heads() * p.N * 4 + ws_bytes + 2 * size_t(dev.l2CacheSize);
    if (need > free_b) {
        std::fprintf(stderr, "fa_bench: B=%d H=%d N=%d d=%d needs %.2f GiB of device memory (workspace %.2f GiB); "
                     "%.2f GiB free\n", p.B, p.H, p.N, p.d, need / 1073741824.0, ws_bytes / 1073741824.0,
                     free_b / 1073741824.0);
        return 2;
    }
    void *Q, *K, *V, *O, *ws = nullptr, *flush;
    float* LSE;
    CUDA_CHECK(cudaMalloc(&Q, n_qkv * elem));
    CUDA_CHECK(cudaMalloc(&K, n_qkv * elem));
    CUDA_CHECK(cudaMalloc(&V, n_qkv * elem));
    CUDA_CHECK(cudaMalloc(&O, n_qkv * elem));
    CUDA_CHECK(cudaMalloc(&LSE, p.heads() * p.N * sizeof(float)));
    if (ws_bytes) CUDA_CHECK(cudaMalloc(&ws, ws_bytes));
    const size_t flush_bytes = 2 * size_t(dev.l2CacheSize);
    CUDA_CHECK(cudaMalloc(&flush, flush_bytes));
    cudaStream_t stream;
    CUDA_CHECK(cudaStreamCreate(&stream));

    dispatch_dtype(p.dtype, [&](auto tag) {
        using T = decltype(tag);
        const unsigned blocks = unsigned(std::min<size_t>((n_qkv + 255) / 256, 65535));
        generate_input_kernel<T><<<blocks, 256, 0, stream>>>(static_cast<T*>(Q), a.seed, flashsim::kSeedQ, n_qkv);
        CHECK_LAST_LAUNCH();
        generate_input_kernel<T><<<blocks, 256, 0, stream>>>(static_cast<T*>(K), a.seed, flashsim::kSeedK, n_qkv);
        CHECK_LAST_LAUNCH();
        generate_input_kernel<T><<<blocks, 256, 0, stream>>>(static_cast<T*>(V), a.seed, flashsim::kSeedV, n_qkv);
        CHECK_LAST_LAUNCH();
    });
    // poison: 0xFF bytes are NaN in fp32, fp16 and bf16, so unwritten elements fail the check
    CUDA_CHECK(cudaMemsetAsync(O, 0xFF, n_qkv * elem, stream));
    CUDA_CHECK(cudaMemsetAsync(LSE, 0xFF, p.heads() * p.N * sizeof(float), stream));
    AttnBuffers buf;
    buf.Q = Q; buf.K = K; buf.V = V; buf.O = O; buf.LSE = LSE; buf.workspace = ws;

    std::printf("version %d (%s), B=%d H=%d N=%d d=%d causal=%d dtype=%s Br=%d Bc=%d warps=%d stages=%d SRAM=%s on %s\n",
                ver->id, ver->name, p.B, p.H, p.N, p.d, int(p.causal), dtype_name(p.dtype), cfg.Br, cfg.Bc, cfg.warps,
                cfg.stages, fmt_kib(cfg.smem_bytes).c_str(), dev.name);

    // 1. one run, checked
    ver->launch(p, cfg, buf, stream);
    CUDA_CHECK(cudaStreamSynchronize(stream));
    CheckResult chk;
    chk.checked = "not checked";
    std::vector<float> O_host;
    if (a.check || !a.dump.empty()) O_host = download_as_float(O, n_qkv, p.dtype);
    if (a.check) {
        std::vector<float> lse_host;
        if (ver->writes_lse) {
            lse_host.resize(p.heads() * p.N);
            CUDA_CHECK(cudaMemcpy(lse_host.data(), LSE, lse_host.size() * 4, cudaMemcpyDeviceToHost));
        }
        chk = check_output(p, a.seed, O_host, ver->writes_lse ? &lse_host : nullptr);
        std::printf("check: %s, max_abs_err %.3g, %zu mismatches of %zu elements checked (%s)\n",
                    chk.correct ? "PASS" : "FAIL", chk.max_abs_err, chk.mismatches, chk.checked_elems, chk.checked.c_str());
    }

    // 2. time (or one profiled run)
    cudaEvent_t start, stop;
    CUDA_CHECK(cudaEventCreate(&start));
    CUDA_CHECK(cudaEventCreate(&stop));
    auto timed_run = [&]() {
        CUDA_CHECK(cudaMemsetAsync(flush, 0, flush_bytes, stream));  // flush L2: evict Q, K, V, O
        CUDA_CHECK(cudaEventRecord(start, stream));
        ver->launch(p, cfg, buf, stream);
        CUDA_CHECK(cudaEventRecord(stop, stream));
        CUDA_CHECK(cudaEventSynchronize(stop));
        float ms = 0;
        CUDA_CHECK(cudaEventElapsedTime(&ms, start, stop));
        return double(ms);
    };
    std::vector<double> times;
    int repeats = a.repeats;
    if (a.profile_once) {
        CUDA_CHECK(cudaMemsetAsync(flush, 0, flush_bytes, stream));
        CUDA_CHECK(cudaStreamSynchronize(stream));
        CUDA_CHECK(cudaProfilerStart());
        ver->launch(p, cfg, buf, stream);
        CUDA_CHECK(cudaStreamSynchronize(stream));
        CUDA_CHECK(cudaProfilerStop());
        repeats = 0;
    } else {
        const double first_ms = timed_run();  // warm-up (also sets the repeat count)
        if (first_ms < 50) timed_run();
        // keep the timed part near 4 s for slow versions, but never under 3 repeats
        if (first_ms * repeats > 4000) repeats = std::max(3, int(4000 / first_ms));
        for (int r = 0; r < repeats; ++r) times.push_back(timed_run());
    }
    double median = 0, minimum = 0, tflops = 0;
    if (!times.empty()) {
        std::sort(times.begin(), times.end());
        median = times.size() % 2 ? times[times.size() / 2]
                                  : 0.5 * (times[times.size() / 2 - 1] + times[times.size() / 2]);
        minimum = times.front();
        const double flops = 4.0 * p.heads() * double(p.N) * p.N * p.d * (p.causal ? 0.5 : 1.0);
        tflops = flops / (median * 1e-3) / 1e12;
        std::printf("time: median %.4f ms, min %.4f ms over %d repeats (L2 flushed), %.1f TFLOP/s\n", median, minimum,
                    repeats, tflops);
    }

    if (!a.json.empty()) {
        FILE* f = std::fopen(a.json.c_str(), "w");
        if (!f) { std::fprintf(stderr, "fa_bench: cannot write %s\n", a.json.c_str()); return 1; }
        std::fprintf(f, "{\"version\": %d, \"kernel\": \"%s\", \"algo\": \"%s\", ", ver->id, ver->name, ver->algo);
        if (ver->vanilla_gemm) std::fprintf(f, "\"vanilla_gemm\": \"%s\", ", ver->vanilla_gemm);
        std::fprintf(f, "\"dtype\": \"%s\", \"B\": %d, \"H\": %d, \"N\": %d, \"d\": %d, \"causal\": %s, "
                     "\"Br\": %d, \"Bc\": %d, \"warps\": %d, \"stages\": %d, \"smem_bytes\": %zu, \"seed\": %llu, ",
                     dtype_name(p.dtype), p.B, p.H, p.N, p.d, p.causal ? "true" : "false", cfg.Br, cfg.Bc, cfg.warps,
                     cfg.stages, cfg.smem_bytes, (unsigned long long)a.seed);
        if (a.check)
            std::fprintf(f, "\"correct\": %s, \"max_abs_err\": %.6g, \"checked\": \"%s\", ", chk.correct ? "true" : "false",
                         chk.max_abs_err, chk.checked.c_str());
        else
            std::fprintf(f, "\"correct\": null, \"max_abs_err\": null, \"checked\": \"not checked\", ");
        if (!times.empty())
            std::fprintf(f, "\"time_ms_median\": %.6f, \"time_ms_min\": %.6f, \"repeats\": %d, \"tflops\": %.3f, ", median,
                         minimum, repeats, tflops);
        std::fprintf(f, "\"gpu\": \"%s\"}\n", dev.name);
        std::fclose(f);
    }
    if (!a.dump.empty()) {
        if (n_qkv > (size_t(1) << 22)) { std::fprintf(stderr, "fa_bench: --dump-output is for small shapes (<= 4M elements)\n"); return 2; }
        FILE* f = std::fopen(a.dump.c_str(), "w");
        if (!f) { std::fprintf(stderr, "fa_bench: cannot write %s\n", a.dump.c_str()); return 1; }
        std::fprintf(f, "{\"version\": %d, \"B\": %d, \"H\": %d, \"N\": %d, \"d\": %d, \"dtype\": \"%s\", \"causal\": %s, "
                     "\"seed\": %llu, \"O\": [", ver->id, p.B, p.H, p.N, p.d, dtype_name(p.dtype),
                     p.causal ? "true" : "false", (unsigned long long)a.seed);
        for (size_t i = 0; i < n_qkv; ++i) {
            if (i) std::fputc(',', f);
            if (std::isfinite(O_host[i])) std::fprintf(f, "%.9g", O_host[i]);
            else std::fputs("null", f);  // JSON has no NaN; an unwritten element shows as null
        }
        std::fprintf(f, "]}\n");
        std::fclose(f);
    }
    CUDA_CHECK(cudaFree(Q)); CUDA_CHECK(cudaFree(K)); CUDA_CHECK(cudaFree(V)); CUDA_CHECK(cudaFree(O));
    CUDA_CHECK(cudaFree(LSE)); CUDA_CHECK(cudaFree(flush));
    if (ws) CUDA_CHECK(cudaFree(ws));
    CUDA_CHECK(cudaStreamDestroy(stream));
    return (a.check && !chk.correct) ? 3 : 0;
}
