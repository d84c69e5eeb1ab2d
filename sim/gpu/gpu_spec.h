// gpu_spec.h: every parameter of the machine model, with its unit in its name.
//
// Contract: a GpuSpec comes from a TOML preset (sim/presets/*.toml, embedded in the binary, or
// a user's file). A field with a default (gpu_fields(): has_default) may be left out of a file;
// every other field must be present. An unknown or missing key, a wrong type or a value out of
// its field's range throws ConfigError naming the key, the value and the range. set("key",
// "value") overrides one field (the CLI's --set, lesson files' [set], the viewer). Fields are
// listed once, in one table (gpu_spec.cpp), which drives loading, defaults, ranges, --set,
// `flashsim presets show` and the JSON output, so they cannot drift; validate() is the one
// place every source's values are checked (finite, in the field's plausible range, and the
// cross-field rules of the L2 geometry).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace flashsim {

enum class Dtype : uint8_t;

struct GpuSpec {
    std::string name;         // preset id, e.g. "h100"
    std::string description;  // one line for people

    // Compute units and clock.
    int64_t sm_count = 0;
    double clock_hz = 0;
    int64_t max_ctas_per_sm = 0;
    int64_t max_warps_per_sm = 0;
    // The SM clock a kernel runs at under load (power-limited), by the unit its GEMMs use: CUDA
    // cores or none (FMA loop), warp-level mma.sync, Hopper wgmma (kernels/micro/clock_under_load).
    // 0: clock_hz. Peak rates (tensor_flops_per_s_*, ...) are stated at clock_hz; the engine
    // turns them into per-clock rates and counts a kernel's cycles at its clock under load.
    double clock_hz_under_fma = 0;
    double clock_hz_under_mma_sync = 0;  // any tensor-core load: mma.sync at any duty, wgmma below the knee
    double clock_hz_under_wgmma = 0;     // wgmma keeping the tensor pipe busy all the time
    // wgmma's clock falls with the tensor pipe's duty cycle u (busy / elapsed): clock_hz_under_mma_sync
    // up to u = wgmma_clock_knee_duty, then linearly down to clock_hz_under_wgmma at u = 1. 0: the
    // wgmma clock at any duty.
    double wgmma_clock_knee_duty = 0;
    double wgmma_clock_hz(double duty) const;
    // Fixed cost of starting a CTA on an SM (scheduling, launch, retirement), one after the other
    // per SM (kernels/micro/launch_cost: empty CTAs). 0: free.
    double cta_launch_ns = 0;

    // On-chip memory of one SM.
    int64_t sram_bytes_per_sm = 0;       // software-managed shared memory a kernel may use
    int64_t register_bytes_per_sm = 0;   // 0: registers not modelled, every tile counts as SRAM
    double sram_latency_cycles = 0;
    double sram_bytes_per_cycle_per_sm = 0;  // 0: unlimited (classroom model: latency only)
    // The SM's unified L1 data cache and shared memory (sim/engine/l1_cache.h): what a kernel's
    // resident CTAs do not take as SRAM (each with the 1 KiB the CUDA guide reserves per CTA) caches
    // the global loads that go through L1 (ld.global: the elementwise loads of the scalar
    // kernels; cp.async.cg and TMA bypass it). 0: no L1 model. An L1 hit costs l1_latency_cycles
    // (0: sram_latency_cycles).
    int64_t l1_sram_bytes_per_sm = 0;
    double l1_latency_cycles = 0;

    // L2 (shared by all SMs). l2_bytes = 0: no L2, every global access is an HBM access.
    int64_t l2_bytes = 0;
    int64_t l2_line_bytes = 0;
    int64_t l2_sector_bytes = 0;
    int64_t l2_ways = 0;
    // Partitions of the L2 (H100/H200, A100: two, joined by a crossbar). A line that SMs on both
    // sides use is held in each partition, so the data a kernel shares over all SMs sees
    // l2_bytes / l2_partitions (kernels/micro/l2_writeback: an H200 keeps 28 of its 60 MiB dirty).
    int64_t l2_partitions = 1;
    double l2_latency_cycles = 0;
    double l2_bytes_per_s = 0;
    // The L2 request coalescer (sim/engine/l2_coalescer.h): a read of a granule that another
    // request of the same SM brought to the tags less than this long before is answered with that
    // one's data and never reaches the tags. 0: no coalescing.
    double l2_coalesce_window_ns = 0;

    // HBM (device memory).
    double hbm_bytes_per_s = 0;
    double hbm_latency_cycles = 0;
    // The share of hbm_bytes_per_s that loads streaming from HBM reach at best (many warps, wide
    // requests; kernels/micro/mem_latency_bw). The timing's HBM server runs at it; the roofline
    // and the papers' formulas keep the datasheet figure.
    double hbm_stream_fraction = 1;
    double hbm_stream_bytes_per_s() const { return hbm_bytes_per_s * hbm_stream_fraction; }
    // Reads and writes interleaved cost HBM more than either stream alone (the bus turns around):
    // a transfer that reads r and writes w bytes of HBM takes (r + w) / hbm_stream_bytes_per_s()
    // times 1 + this x 2 min(r, w) / (r + w). 0: no penalty.
    double hbm_read_write_mix_penalty = 0;
    // HBM latency under load: a request that reaches HBM waits (hbm_queue_ns + hbm_sm_queue_ns x
    // share) x rho / (1 - rho) beyond hbm_latency_cycles, rho the HBM bytes in flight per cycle over
    // hbm_bytes_per_s, share its own SM's over an even share of them (at most 1). hbm_queue_ns: what
    // a request of an otherwise idle SM waits (kernels/micro/loaded_chase, a chase on an SM of its
    // own while the others stream); hbm_sm_queue_ns: what one of an SM that keeps its share of the
    // load in flight waits more (streams of every SM alike, kernels/micro/mem_latency_bw; an SM
    // streaming alone waits nothing more: loaded_chase's lone streams).
    // kernels/micro/loaded_latency.py fits both. 0: the latency does not grow with that load.
    double hbm_queue_ns = 0;
    double hbm_sm_queue_ns = 0;
    // What the GPU writes while a kernel runs that is not the kernel's own: the HBM bytes and the
    // L2 write bytes per second that Nsight Compute (dram__bytes_write, lts__t_sectors_op_write)
    // counts for a kernel that writes nothing and only waits (kernels/micro/l2_clean_order). The
    // simulator's traffic leaves them out; the cross-check adds them, over each kernel's simulated
    // time, to what it compares with ncu's counts. 0: none.
    double background_hbm_write_bytes_per_s = 0;
    double background_l2_write_bytes_per_s = 0;

    // Arithmetic rates of the whole GPU.
    double tensor_flops_per_s_fp16 = 0;  // also bf16; dense, fp32 accumulate
    double tensor_flops_per_s_fp8 = 0;   // 0: no fp8 tensor cores
    double tensor_flops_per_s_fp32 = 0;  // matmul on fp32 inputs (TF32 tensor cores or FMA)
    // fp16/bf16 rate of warp-level mma.sync (the instruction FA1/FA2-style kernels use); on Hopper it
    // is below the warpgroup (wgmma) peak above. 0: the same as tensor_flops_per_s_fp16.
    double warp_mma_flops_per_s_fp16 = 0;
    double vector_flops_per_s = 0;       // fp32 non-matmul work
    // CUDA-core GEMM code (loads of the operands from SRAM, FFMAs, addressing; KernelIssue says how
    // many instructions per FMA a kernel issues): cycles per warp-instruction per SM sub-partition
    // with one resident warp per sub-partition (latency-limited) and with two or more
    // (kernels/micro/issue_latency "mix"). 0: not modelled, FMAs at vector_flops_per_s.
    int64_t sm_subpartitions = 4;        // warp schedulers per SM, one warp-instruction per clock each
    double cuda_core_cycles_per_inst_one_warp = 0;
    double cuda_core_cycles_per_inst = 0;
    // The same for CUDA-core code of independent ALU/FMA chains without shared-memory operands (the
    // element-wise row kernels: KernelIssue::alu_issue), one warp and two or more per
    // sub-partition (kernels/micro/issue_latency "ffma ilp 4"). 0: the GEMM code's figures above.
    double alu_cycles_per_inst_one_warp = 0;
    double alu_cycles_per_inst = 0;
    // CUDA-core GEMM code that loads its operands from SRAM in bursts (SRAM time at least half the
    // issue time): with w warps per sub-partition it takes 1 + this / w times the larger of its
    // issue and SRAM times, the latency of a burst that too few warps hide
    // (kernels/micro/sram_issue: 1.37 with one warp, 1.25 with two, 1.10 with 3-4, 1.04 with 6-8).
    // 0: the larger of the two.
    double sram_burst_latency_share = 0;
    // Dependent instructions of one warp: cycles from an instruction's issue until one that reads
    // its result can issue, with one warp per sub-partition (kernels/micro/issue_latency: a
    // dependent FFMA, every other fixed-latency instruction taken alike; a dependent ex2; a
    // shared-memory pointer chase step less its LEA). A kernel whose loops are chains of them
    // (KernelIssue::chain_per_exp, chain_per_fma) takes at least its longest warp's chain,
    // however few instructions it issues. 0: not modelled.
    double alu_dependent_cycles = 0;
    double mufu_dependent_cycles = 0;
    double sram_dependent_cycles = 0;
    double exp_per_s = 0;                // special-function unit (exp2) results per second

    double tensor_flops_per_s(Dtype t) const;
    // The rate a kernel's GEMMs run at: warp_mma = true for warp-level mma.sync kernels.
    double matmul_flops_per_s(Dtype t, bool warp_mma) const;
    double cycles_per_s() const { return clock_hz; }
    // The L2 capacity the data of one kernel sees (l2_bytes / l2_partitions).
    int64_t l2_data_bytes() const { return l2_partitions > 1 ? l2_bytes / l2_partitions : l2_bytes; }

    void validate() const;                                  // throws ConfigError
    void set(const std::string& key, const std::string& value);  // throws ConfigError
    std::string get(const std::string& key) const;
    // Every field (name, description, each table field; reals as exact hex floats): two specs are
    // the same machine model exactly when their texts are equal (the cross-check's key).
    std::string exact_text() const;
};

// One field of the table. Values must be finite and within [min, max] (plausible bounds for a
// GPU, wide enough for any real one, narrow enough that no derived size or time overflows);
// when `zero` is set, 0 is also allowed and means what it says ("unlimited").
struct GpuField {
    const char* key;
    bool integer;
    const char* unit;
    const char* help;
    double min = 0, max = 0;
    const char* zero = nullptr;  // the meaning of 0 when 0 lies outside [min, max]; nullptr: not allowed
    bool has_default = false;    // a preset may leave the key out
    double default_value = 0;
    std::string allowed() const;  // "1 to 4096", "0 (unlimited) or 0.01 to 1e+06"
};
const std::vector<GpuField>& gpu_fields();

// Presets shipped with flashsim (embedded at build time from sim/presets/*.toml).
std::vector<std::string> preset_names();
std::string preset_toml(const std::string& name);  // throws ConfigError for an unknown name

GpuSpec parse_gpu_toml(const std::string& text, const std::string& origin);  // throws ConfigError
// A preset name ("h100") or a path to a .toml file.
GpuSpec load_gpu(const std::string& preset_or_file);
// "key=value" as the CLI takes it.
void apply_override(GpuSpec& gpu, const std::string& key_equals_value);

}  // namespace flashsim
