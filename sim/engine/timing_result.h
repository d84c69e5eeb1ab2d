// timing_result.h: what the timing layer reports (cycles, seconds, achieved bandwidths, the
// bottleneck breakdown and an optional per-SM timeline for the viewer).
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace flashsim {

// One interval on one SM's lane of the timeline.
struct TimelineEvent {
    uint32_t sm = 0;
    uint32_t kernel = 0;
    uint32_t cta = 0;
    uint8_t kind = 0;    // OpKind of the op (load, store, matmul, ...)
    uint8_t tensor = 0;  // Tensor, for loads and stores
    uint8_t line = 0;    // listing line
    double start_cycles = 0, end_cycles = 0;
    uint64_t bytes = 0;
};

// A point of the roofline of one memory level: the run's FLOPs over the bytes that level moved.
struct RooflinePoint {
    std::string level;                    // "HBM", "L2", "SRAM"
    double bytes = 0;
    double intensity_flops_per_byte = 0;  // matmul FLOPs / bytes
    double peak_bytes_per_s = 0;          // 0: not limited in this model
    double attainable_flops_per_s = 0;    // min(tensor peak, intensity * peak bandwidth)
    double achieved_flops_per_s = 0;      // matmul FLOPs / simulated seconds
};

// One kernel of the trace, timed.
struct KernelTiming {
    std::string name;
    bool memset = false;  // KernelTrace::memset: no profiler measures it
    double cycles = 0, seconds = 0;
    double clock_hz = 0;                  // the SM clock under this kernel's load
    int64_t ctas = 0, ctas_per_sm = 0;
    std::string occupancy_limited_by;     // "SRAM", "registers", "warps", "max CTAs per SM"
    double waves = 0;
    // Warp-instructions the issue model counted (KernelSimStats::warp_instructions) when they are
    // all of the kernel's (a kernel issuing everything on CUDA cores); 0 otherwise.
    double warp_instructions = 0;
    int64_t skipped_ctas = 0;  // CTAs the steady-state skip did not simulate (KernelSimStats::skipped_ctas)
    int64_t skipped_iterations = 0;  // iterations the iteration skip did not simulate, over CTAs
};

struct Timing {
    bool valid = false;        // false when timing was not asked for
    double cycles = 0;         // summed over kernels, each at its own clock
    double seconds = 0;        // summed over kernels: cycles / the kernel's clock
    // The clock the cycles were counted at, over all kernels (cycles / seconds); 0 before timing.
    double clock_hz() const { return seconds > 0 ? cycles / seconds : 0; }
    int64_t ctas_per_sm = 0;   // occupancy of the longest kernel
    double waves = 0;          // CTAs / (SMs * CTAs per SM) of the longest kernel
    // Achieved rates over the whole run.
    double hbm_bytes_per_s = 0;
    double l2_bytes_per_s = 0;
    double sram_bytes_per_s = 0;
    double tensor_flops_per_s = 0;
    // Where the time goes, in seconds (a breakdown summing to about `seconds`).
    std::map<std::string, double> breakdown_seconds;
    std::string bottleneck;    // one line: "HBM bandwidth (82% of peak)"
    // Seconds each resource needs at its peak rate for this run's work (the roofline bounds).
    std::map<std::string, double> resource_seconds;
    // Seconds of work that overlap hid (load time under compute, CTAs sharing an SM, FA3's
    // ping-pong and intra-warpgroup pipeline); not part of the breakdown's sum.
    std::map<std::string, double> hidden_seconds;
    std::vector<RooflinePoint> roofline;
    std::vector<KernelTiming> kernels;
    std::string occupancy_limited_by;   // of the longest kernel
    double peak_tensor_flops_per_s = 0;
    int64_t l2_granule_bytes = 0;       // 0: no L2 modelled
    int64_t l2_set_sampling = 1;        // the L2 simulated 1 in this many sets (1: every set, exact)
    // The sampled HBM bytes' relative standard error, the larger of reads' and write-backs'
    // (L2Cache::sampling_error; 0 when every set ran). A run the automatic choice sampled whose
    // error came out above kMaxSampledError ran again with every set (l2_set_sampling 1).
    double l2_sampling_error = 0;
    int64_t skipped_ctas = 0;           // CTAs the steady-state skip did not simulate, all kernels
    int64_t skipped_iterations = 0;     // CTA iterations the iteration skip did not simulate, all kernels
    std::vector<TimelineEvent> timeline;  // bounded; empty unless asked for
    bool timeline_truncated = false;
};

}  // namespace flashsim
