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

struct Timing {
    bool valid = false;        // false when timing was not asked for
    double cycles = 0;
    double seconds = 0;
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
    std::vector<TimelineEvent> timeline;  // bounded; empty unless asked for
    bool timeline_truncated = false;
};

}  // namespace flashsim
