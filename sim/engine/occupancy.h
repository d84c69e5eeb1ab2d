// occupancy.h: how many CTAs of a kernel an SM holds at once.
//
// Contract: CTAs per SM = the fewest allowed by SRAM (footprint.sram_bytes), registers (the
// trace's register tiles, or the compiled kernel's registers per thread where known, allocated
// in units of 8 per thread), warps (max_warps_per_sm / warps) and max_ctas_per_sm, at least 1;
// `limited_by` names the resource that set it.
#pragma once
#include <cstdint>
#include <string>

#include "sim/gpu/gpu_spec.h"
#include "sim/trace/trace.h"

namespace flashsim {

struct Occupancy {
    int64_t ctas_per_sm = 1;
    std::string limited_by;  // "SRAM", "registers", "warps", "max CTAs per SM"
};
Occupancy occupancy(const KernelTrace& k, const GpuSpec& g);

}  // namespace flashsim
