// fa_bench.cu: the one harness for every kernel version (compiled once; versions are linked in).
//
//   1. parse arguments (by hand: kernels/ builds with the CUDA toolkit alone); plan the version's
//      schedule and check it against the schedule versions.cu declares
//   2. make Q, K, V on the GPU with flashsim::seeded_value (sim/core/seeded_inputs.h), rounded to
//      the storage type; the CPU makes the same values for the reference (bench_check.cu)
//   3. check: poison O (and LSE) with NaN, run once, check against the CPU reference; a failed
//      check stops here (exit 3; the JSON, if asked for, records the failure and no timings)
//   4. time: warm-up, then per repeat flush L2 (write a buffer of 2× L2) and time one run with
//      CUDA events; report median and min
//   5. write JSON (--json) and optionally the output O (--dump-output)
// A backward version (pass bwd) gets dO as well (flashsim::kSeeddO); its check runs the forward the
// version declares (forward_version: 5 for FA2's O and LSE, 2 for vanilla's P, 9 for standard
// attention's P, Pdrop and Z) first, not timed, then the version, and checks dQ, dK, dV against the
// CPU backward (bench_check_bwd.cu); times and --profile-once cover the backward's launch alone.
// A version with dropout (dropout_p > 0) draws its mask from the input seed (flashsim::kSeedZ), so
// the CPU reference applies the same mask.
// --profile-once replaces 4 with one run between cudaProfilerStart/Stop, for
// `ncu --profile-from-start off`: only the version's own kernels (and cuBLAS's) are profiled,
// never input generation or the L2 flush.
// --idle-ms T runs none of this: one kernel that only waits T ms (every SM, %globaltimer), between
// cudaProfilerStart/Stop, for what ncu counts of a kernel that moves nothing (the GPU's background
// HBM and L2 writes: kernels/micro/l2_clean_order; profile.py's background phase).
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>
#include <cuda_profiler_api.h>
#include "bench_check.h"
#include "micro/micro_common.cuh"  // globaltimer_ns
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
    int idle_ms = 0;
};

std::string tiles_text(const VersionInfo& v) {
    std::string out;
    for (const DeclaredTiles& t : v.tiles) {
        if (t.d < 0) continue;
        char buf[96];
        std::snprintf(buf, sizeof buf, "%s%s: Br=%d Bc=%d, %d warps, %d stage%s", out.empty() ? "" : "; ",
                      t.d ? ("d=" + std::to_string(t.d)).c_str() : "any d", t.Br, t.Bc, t.warps, t.stages,
                      t.stages > 1 ? "s" : "");
        out += buf;
    }
    return out;
}

void print_help() {
    std::printf(
        "fa_bench: run, check and time one attention kernel version (forward, or backward: pass bwd).\n\n"
        "  --version V       kernel version (table below)\n"
        "  --B --H --N --d   batch, heads, sequence length, head dimension\n"
        "  --causal 0|1      causal mask (key > query masked)\n"
        "  --dtype T         fp32 | fp16 | bf16 storage (compute is fp32)\n"
        "  --Br --Bc         block sizes (0 = the version's default)\n"
        "  --seed S          input seed (flashsim::seeded_value)\n"
        "  --repeats R       timed repeats, L2 flushed before each (median reported)\n"
        "  --json FILE       write the result as JSON\n"
        "  --dump-output FILE  write O as JSON for the simulator's functional model (forward versions)\n"
        "  --no-check        skip the CPU reference check\n"
        "  --profile-once    one run inside cudaProfilerStart/Stop, no timing (for ncu)\n"
        "  --info            print the device as JSON and exit\n"
        "  --idle-ms T       run only a kernel that waits T ms (1-10000; 0: off), for ncu, and exit\n"
        "  --list-versions   print the table of versions as JSON and exit\n"
        "exit codes: 0 done, 2 bad configuration, 3 output check failed (nothing timed)\n\n"
        "versions (algorithm, pass, matmul unit, default blocks):\n");
    int n = 0;
    const VersionInfo* v = all_versions(&n);
    for (int i = 0; i < n; ++i)
        std::printf("  %d  %-14s [%s] %s\n       %s %s, matmul %s; %s\n", v[i].id, v[i].name, v[i].dtypes, v[i].summary,
                    v[i].algo, v[i].pass, v[i].matmul_unit, tiles_text(v[i]).c_str());
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
        if (key == "--list-versions") { std::fputs(versions_json().c_str(), stdout); std::exit(0); }
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
        else if (key == "--idle-ms") a.idle_ms = to_int(key, val);
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
    if (a.idle_ms < 0 || a.idle_ms > 10000) usage_error("--idle-ms must be 0-10000 (0: off)");
    return a;
}

// Q, K or V on the GPU: element i = seeded_value(seed, tensor, i), rounded to T.
template <typename T>
__global__ void generate_input_kernel(T* out, uint64_t seed, uint32_t tensor, size_t n) {
    for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < n; i += size_t(gridDim.x) * blockDim.x)
        out[i] = from_float<T>(flashsim::seeded_value(seed, tensor, i));
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

// One planned problem and its device buffers.
struct Bench {
    const VersionInfo* ver = nullptr;
    AttnProblem p;
    AttnConfig cfg;
    cudaDeviceProp dev;
    AttnBuffers buf;
    void* flush = nullptr;
    size_t flush_bytes = 0;
    cudaStream_t stream = nullptr;
    bool bwd = false;  // the version's pass is bwd: buffers dO, dQ, dK, dV; O, LSE, workspace from its forward
};

struct Timing {
    std::vector<double> times_ms;
    double median_ms = 0, min_ms = 0, tflops = 0;
};

// Step 1: the version's schedule for the problem, checked against the declared one; exits 2 with
// one line when the version cannot run it.
void plan_step(const Args& a, Bench& b) {
    b.ver = find_version(a.version);
    if (!b.ver) usage_error("--version=" + std::to_string(a.version) + ": no such version");
    AttnProblem& p = b.p;
    p.B = a.B; p.H = a.H; p.N = a.N; p.d = a.d; p.causal = a.causal; p.dtype = a.dtype;
    p.dropout_p = b.ver->dropout_p;
    p.seed = a.seed;
    if (!std::strstr(b.ver->dtypes, dtype_name(p.dtype)))
        usage_error(std::string("--dtype=") + dtype_name(p.dtype) + ": version " + std::to_string(b.ver->id) +
                    " supports " + b.ver->dtypes);
    b.cfg.Br = a.Br;
    b.cfg.Bc = a.Bc;
    const std::string err = b.ver->plan(p, b.cfg, b.dev);
    if (!err.empty()) { std::fprintf(stderr, "fa_bench: version %d: %s\n", b.ver->id, err.c_str()); std::exit(2); }
    b.bwd = std::strcmp(b.ver->pass, "bwd") == 0;
    if (b.bwd && !a.dump.empty()) usage_error("--dump-output: version " + std::to_string(b.ver->id) + " is a backward pass");
    const DeclaredTiles* t = declared_tiles(*b.ver, p.d);
    const AttnConfig& c = b.cfg;
    if (!a.Br && !a.Bc && (!t || t->Br != c.Br || t->Bc != c.Bc || t->warps != c.warps || t->stages != c.stages)) {
        std::fprintf(stderr, "fa_bench: version %d at d=%d planned Br=%d Bc=%d warps=%d stages=%d, which versions.cu "
                     "does not declare (%s); fix the table\n", b.ver->id, p.d, c.Br, c.Bc, c.warps, c.stages,
                     tiles_text(*b.ver).c_str());
        std::exit(1);
    }
}

// Step 2: device buffers and the seeded inputs; exits 2 when the device has too little memory.
void alloc_step(const Args& a, Bench& b) {
    const AttnProblem& p = b.p;
    const size_t elem = dtype_bytes(p.dtype), n_qkv = p.qkv_elems();
    const size_t ws_bytes = b.ver->workspace_bytes(p, b.cfg);
    size_t free_b = 0, total_b = 0;
    CUDA_CHECK(cudaMemGetInfo(&free_b, &total_b));
    b.flush_bytes = 2 * size_t(b.dev.l2CacheSize);
    size_t need = (b.bwd ? 8 : 4) * n_qkv * elem + p.heads() * p.N * 4 + ws_bytes + b.flush_bytes;
    AttnConfig fwd_cfg;  // the forward that makes O, LSE and the workspace's start for a backward version
    const VersionInfo* fwd = b.bwd ? find_version(b.ver->forward_version) : nullptr;
    if (b.bwd) {
        if (!fwd) { std::fprintf(stderr, "fa_bench: version %d declares no forward version\n", b.ver->id); std::exit(1); }
        const std::string err = fwd->plan(p, fwd_cfg, b.dev);
        if (!err.empty()) {
            std::fprintf(stderr, "fa_bench: the forward (version %d): %s\n", fwd->id, err.c_str());
            std::exit(2);
        }
    }
    if (need > free_b) {
        std::fprintf(stderr, "fa_bench: B=%d H=%d N=%d d=%d needs %.2f GiB of device memory (workspace %.2f GiB); "
                     "%.2f GiB free\n", p.B, p.H, p.N, p.d, need / 1073741824.0, ws_bytes / 1073741824.0,
                     free_b / 1073741824.0);
        std::exit(2);
    }
    void *Q, *K, *V, *O;
    CUDA_CHECK(cudaMalloc(&Q, n_qkv * elem));
    CUDA_CHECK(cudaMalloc(&K, n_qkv * elem));
    CUDA_CHECK(cudaMalloc(&V, n_qkv * elem));
    CUDA_CHECK(cudaMalloc(&O, n_qkv * elem));
    CUDA_CHECK(cudaMalloc(&b.buf.LSE, p.heads() * p.N * sizeof(float)));
    if (ws_bytes) CUDA_CHECK(cudaMalloc(&b.buf.workspace, ws_bytes));
    CUDA_CHECK(cudaMalloc(&b.flush, b.flush_bytes));
    CUDA_CHECK(cudaStreamCreate(&b.stream));
    b.buf.Q = Q; b.buf.K = K; b.buf.V = V; b.buf.O = O;
    if (b.bwd) {
        void *dO, *dQ, *dK, *dV;
        CUDA_CHECK(cudaMalloc(&dO, n_qkv * elem));
        CUDA_CHECK(cudaMalloc(&dQ, n_qkv * elem));
        CUDA_CHECK(cudaMalloc(&dK, n_qkv * elem));
        CUDA_CHECK(cudaMalloc(&dV, n_qkv * elem));
        b.buf.dO = dO; b.buf.dQ = dQ; b.buf.dK = dK; b.buf.dV = dV;
    }
    dispatch_dtype(p.dtype, [&](auto tag) {
        using T = decltype(tag);
        const unsigned blocks = unsigned(std::min<size_t>((n_qkv + 255) / 256, 65535));
        for (auto [ptr, tensor] : {std::pair{Q, flashsim::kSeedQ}, {K, flashsim::kSeedK}, {V, flashsim::kSeedV},
                                   {const_cast<void*>(b.buf.dO), flashsim::kSeeddO}}) {
            if (!ptr) continue;  // dO: backward versions only
            generate_input_kernel<T><<<blocks, 256, 0, b.stream>>>(static_cast<T*>(ptr), a.seed, tensor, n_qkv);
            CHECK_LAST_LAUNCH();
        }
    });
    if (b.bwd) {  // O, LSE (and P, ...) by the forward version (checked by its own runs), once, not timed
        fwd->launch(p, fwd_cfg, b.buf, b.stream);
        CUDA_CHECK(cudaStreamSynchronize(b.stream));
    }
}

void free_step(Bench& b) {
    for (const void* ptr : {b.buf.Q, b.buf.K, b.buf.V, static_cast<const void*>(b.buf.O),
                            static_cast<const void*>(b.buf.LSE), static_cast<const void*>(b.buf.workspace),
                            static_cast<const void*>(b.flush), b.buf.dO, static_cast<const void*>(b.buf.dQ),
                            static_cast<const void*>(b.buf.dK), static_cast<const void*>(b.buf.dV)})
        if (ptr) CUDA_CHECK(cudaFree(const_cast<void*>(ptr)));
    CUDA_CHECK(cudaStreamDestroy(b.stream));
}

// Step 3: poison O and LSE (0xFF bytes are NaN in fp32, fp16 and bf16, so unwritten elements fail
// the check), run once, and check against the CPU reference when asked. O_host receives O.
CheckResult check_step_bwd(const Args& a, Bench& b, double max_err[3]);

CheckResult check_step(const Args& a, Bench& b, std::vector<float>& O_host, double bwd_err[3]) {
    if (b.bwd) return check_step_bwd(a, b, bwd_err);
    const AttnProblem& p = b.p;
    const size_t n_qkv = p.qkv_elems();
    CUDA_CHECK(cudaMemsetAsync(b.buf.O, 0xFF, n_qkv * dtype_bytes(p.dtype), b.stream));
    CUDA_CHECK(cudaMemsetAsync(b.buf.LSE, 0xFF, p.heads() * p.N * sizeof(float), b.stream));
    b.ver->launch(p, b.cfg, b.buf, b.stream);
    CUDA_CHECK(cudaStreamSynchronize(b.stream));
    CheckResult chk;
    chk.checked = "not checked";
    if (a.check || !a.dump.empty()) O_host = download_as_float(b.buf.O, n_qkv, p.dtype);
    if (!a.check) return chk;
    std::vector<float> lse_host;
    if (b.ver->writes_lse) {
        lse_host.resize(p.heads() * p.N);
        CUDA_CHECK(cudaMemcpy(lse_host.data(), b.buf.LSE, lse_host.size() * 4, cudaMemcpyDeviceToHost));
    }
    chk = check_output(p, a.seed, O_host, b.ver->writes_lse ? &lse_host : nullptr);
    std::printf("check: %s, max_abs_err %.3g, %zu mismatches of %zu elements checked (%s)\n",
                chk.correct ? "PASS" : "FAIL", chk.max_abs_err, chk.mismatches, chk.checked_elems, chk.checked.c_str());
    return chk;
}

// Step 3 of a backward version: poison dQ, dK, dV, run once, check them against the CPU backward.
CheckResult check_step_bwd(const Args& a, Bench& b, double max_err[3]) {
    const AttnProblem& p = b.p;
    const size_t n_qkv = p.qkv_elems(), bytes = n_qkv * dtype_bytes(p.dtype);
    for (void* g : {b.buf.dQ, b.buf.dK, b.buf.dV}) CUDA_CHECK(cudaMemsetAsync(g, 0xFF, bytes, b.stream));
    b.ver->launch(p, b.cfg, b.buf, b.stream);
    CUDA_CHECK(cudaStreamSynchronize(b.stream));
    CheckResult chk;
    chk.checked = "not checked";
    if (!a.check) return chk;
    chk = check_backward(p, a.seed, download_as_float(b.buf.dQ, n_qkv, p.dtype),
                         download_as_float(b.buf.dK, n_qkv, p.dtype), download_as_float(b.buf.dV, n_qkv, p.dtype),
                         max_err);
    std::printf("check: %s, max_abs_err dQ %.3g dK %.3g dV %.3g, %zu mismatches of %zu elements checked (%s)\n",
                chk.correct ? "PASS" : "FAIL", max_err[0], max_err[1], max_err[2], chk.mismatches, chk.checked_elems,
                chk.checked.c_str());
    return chk;
}

// Step 4: warm-up, then `repeats` runs, each after an L2 flush, timed with CUDA events.
Timing time_step(const Args& a, Bench& b) {
    cudaEvent_t start, stop;
    CUDA_CHECK(cudaEventCreate(&start));
    CUDA_CHECK(cudaEventCreate(&stop));
    auto timed_run = [&]() {
        CUDA_CHECK(cudaMemsetAsync(b.flush, 0, b.flush_bytes, b.stream));  // flush L2: evict Q, K, V, O
        CUDA_CHECK(cudaEventRecord(start, b.stream));
        b.ver->launch(b.p, b.cfg, b.buf, b.stream);
        CUDA_CHECK(cudaEventRecord(stop, b.stream));
        CUDA_CHECK(cudaEventSynchronize(stop));
        float ms = 0;
        CUDA_CHECK(cudaEventElapsedTime(&ms, start, stop));
        return double(ms);
    };
    Timing t;
    const double first_ms = timed_run();  // warm-up (also sets the repeat count)
    if (first_ms < 50) timed_run();
    // keep the timed part near 4 s for slow versions, but never under 3 repeats
    int repeats = a.repeats;
    if (first_ms * repeats > 4000) repeats = std::max(3, int(4000 / first_ms));
    for (int r = 0; r < repeats; ++r) t.times_ms.push_back(timed_run());
    CUDA_CHECK(cudaEventDestroy(start));
    CUDA_CHECK(cudaEventDestroy(stop));
    std::vector<double> s = t.times_ms;
    std::sort(s.begin(), s.end());
    const size_t n = s.size();
    t.median_ms = n % 2 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    t.min_ms = s.front();
    const AttnProblem& p = b.p;
    // forward: 2 GEMMs of 2·N²·d per head; backward: 5 (S, dV, dP, dQ, dK), 2.5 times as many
    const double flops = (b.bwd ? 10.0 : 4.0) * p.heads() * double(p.N) * p.N * p.d * (p.causal ? 0.5 : 1.0);
    t.tflops = flops / (t.median_ms * 1e-3) / 1e12;
    std::printf("time: median %.4f ms, min %.4f ms over %zu repeats (L2 flushed), %.1f TFLOP/s\n", t.median_ms,
                t.min_ms, n, t.tflops);
    return t;
}

__global__ void idle_kernel(uint64_t wait_ns) {
    const uint64_t t0 = globaltimer_ns();
    while (globaltimer_ns() - t0 < wait_ns) {
    }
}

// --idle-ms: one kernel of a CTA per SM that waits, profiled alone.
int idle_step(const cudaDeviceProp& dev, int ms) {
    CUDA_CHECK(cudaDeviceSynchronize());
    CUDA_CHECK(cudaProfilerStart());
    idle_kernel<<<dev.multiProcessorCount, 32>>>(uint64_t(ms) * 1000000u);
    CUDA_CHECK(cudaGetLastError());
    CUDA_CHECK(cudaDeviceSynchronize());
    CUDA_CHECK(cudaProfilerStop());
    std::printf("idle kernel: %d ms on %d SMs of %s\n", ms, dev.multiProcessorCount, dev.name);
    return 0;
}

// Step 4 under ncu: one run between cudaProfilerStart/Stop, after an L2 flush.
void profile_once_step(Bench& b) {
    CUDA_CHECK(cudaMemsetAsync(b.flush, 0, b.flush_bytes, b.stream));
    CUDA_CHECK(cudaStreamSynchronize(b.stream));
    CUDA_CHECK(cudaProfilerStart());
    b.ver->launch(b.p, b.cfg, b.buf, b.stream);
    CUDA_CHECK(cudaStreamSynchronize(b.stream));
    CUDA_CHECK(cudaProfilerStop());
}

// Step 5: the run as JSON: the version's declared properties, the problem, the schedule, the check
// and (when timed) the times. Returns false when the file cannot be written.
bool write_json_step(const std::string& path, const Args& a, const Bench& b, const CheckResult& chk,
                     const Timing* t, const double bwd_err[3]) {
    FILE* f = std::fopen(path.c_str(), "w");
    if (!f) { std::fprintf(stderr, "fa_bench: cannot write %s\n", path.c_str()); return false; }
    const VersionInfo& v = *b.ver;
    const AttnProblem& p = b.p;
    const AttnConfig& c = b.cfg;
    std::fprintf(f, "{\"version\": %d, \"kernel\": \"%s\", \"algo\": \"%s\", \"pass\": \"%s\", \"matmul_unit\": \"%s\", "
                 "\"block_order\": \"%s\", \"writes_lse\": %s, ", v.id, v.name, v.algo, v.pass, v.matmul_unit, v.block_order,
                 v.writes_lse ? "true" : "false");
    std::fprintf(f, "\"dtype\": \"%s\", \"B\": %d, \"H\": %d, \"N\": %d, \"d\": %d, \"causal\": %s, "
                 "\"Br\": %d, \"Bc\": %d, \"warps\": %d, \"stages\": %d, \"smem_bytes\": %zu, \"seed\": %llu, ",
                 dtype_name(p.dtype), p.B, p.H, p.N, p.d, p.causal ? "true" : "false", c.Br, c.Bc, c.warps, c.stages,
                 c.smem_bytes, (unsigned long long)a.seed);
    if (p.dropout_p > 0) std::fprintf(f, "\"dropout_p\": %g, ", double(p.dropout_p));
    if (a.check) {
        std::fprintf(f, "\"correct\": %s, ", chk.correct ? "true" : "false");
        if (std::isfinite(chk.max_abs_err)) std::fprintf(f, "\"max_abs_err\": %.6g, ", chk.max_abs_err);
        else std::fprintf(f, "\"max_abs_err\": null, ");  // NaN or inf in O: JSON has neither
        std::fprintf(f, "\"checked\": \"%s\", ", chk.checked.c_str());
        const char* names[3] = {"dq", "dk", "dv"};
        for (int x = 0; x < 3 && b.bwd; ++x)
            if (std::isfinite(bwd_err[x])) std::fprintf(f, "\"max_abs_err_%s\": %.6g, ", names[x], bwd_err[x]);
            else std::fprintf(f, "\"max_abs_err_%s\": null, ", names[x]);
    } else
        std::fprintf(f, "\"correct\": null, \"max_abs_err\": null, \"checked\": \"not checked\", ");
    if (t)
        std::fprintf(f, "\"time_ms_median\": %.6f, \"time_ms_min\": %.6f, \"repeats\": %zu, \"tflops\": %.3f, ",
                     t->median_ms, t->min_ms, t->times_ms.size(), t->tflops);
    std::fprintf(f, "\"gpu\": \"%s\"}\n", b.dev.name);
    return std::fclose(f) == 0;
}

// O as JSON for the simulator's functional model (small shapes only).
int write_dump_step(const std::string& path, const Args& a, const Bench& b, const std::vector<float>& O) {
    const AttnProblem& p = b.p;
    if (O.size() > (size_t(1) << 22)) { std::fprintf(stderr, "fa_bench: --dump-output is for small shapes (<= 4M elements)\n"); return 2; }
    FILE* f = std::fopen(path.c_str(), "w");
    if (!f) { std::fprintf(stderr, "fa_bench: cannot write %s\n", path.c_str()); return 1; }
    std::fprintf(f, "{\"version\": %d, \"B\": %d, \"H\": %d, \"N\": %d, \"d\": %d, \"dtype\": \"%s\", \"causal\": %s, "
                 "\"seed\": %llu, \"O\": [", b.ver->id, p.B, p.H, p.N, p.d, dtype_name(p.dtype),
                 p.causal ? "true" : "false", (unsigned long long)a.seed);
    for (size_t i = 0; i < O.size(); ++i) {
        if (i) std::fputc(',', f);
        if (std::isfinite(O[i])) std::fprintf(f, "%.9g", O[i]);
        else std::fputs("null", f);  // JSON has no NaN; an unwritten element shows as null
    }
    std::fprintf(f, "]}\n");
    return std::fclose(f) == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    const Args a = parse(argc, argv);
    Bench b;
    int dev_id = 0;
    CUDA_CHECK(cudaGetDevice(&dev_id));
    CUDA_CHECK(cudaGetDeviceProperties(&b.dev, dev_id));
    if (a.info) { print_device_json(b.dev); return 0; }
    if (a.idle_ms > 0) return idle_step(b.dev, a.idle_ms);

    plan_step(a, b);
    alloc_step(a, b);
    std::printf("version %d (%s), B=%d H=%d N=%d d=%d causal=%d dtype=%s Br=%d Bc=%d warps=%d stages=%d SRAM=%s on %s\n",
                b.ver->id, b.ver->name, b.p.B, b.p.H, b.p.N, b.p.d, int(b.p.causal), dtype_name(b.p.dtype), b.cfg.Br,
                b.cfg.Bc, b.cfg.warps, b.cfg.stages, fmt_kib(b.cfg.smem_bytes).c_str(), b.dev.name);

    std::vector<float> O_host;
    double bwd_err[3] = {0, 0, 0};
    const CheckResult chk = check_step(a, b, O_host, bwd_err);
    if (a.check && !chk.correct) {  // a wrong kernel is never timed
        if (!a.json.empty()) write_json_step(a.json, a, b, chk, nullptr, bwd_err);
        std::fprintf(stderr, "fa_bench: the output check failed; nothing timed\n");
        free_step(b);
        return 3;
    }
    Timing t;
    if (a.profile_once) profile_once_step(b);
    else t = time_step(a, b);

    int rc = 0;
    if (!a.json.empty() && !write_json_step(a.json, a, b, chk, a.profile_once ? nullptr : &t, bwd_err)) rc = 1;
    if (!a.dump.empty() && rc == 0) rc = write_dump_step(a.dump, a, b, O_host);
    free_step(b);
    return rc;
}
