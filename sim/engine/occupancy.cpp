// occupancy.cpp: CTAs per SM from a kernel's resources (occupancy.h).
#include "sim/engine/occupancy.h"

#include <algorithm>

namespace flashsim {

Occupancy occupancy(const KernelTrace& k, const GpuSpec& g) {
    Occupancy o;
    o.ctas_per_sm = g.max_ctas_per_sm;
    o.limited_by = "max CTAs per SM";
    auto limit = [&](int64_t n, const char* why) {
        if (n < o.ctas_per_sm) {
            o.ctas_per_sm = n;
            o.limited_by = why;
        }
    };
    if (k.footprint.sram_bytes > 0) limit(g.sram_bytes_per_sm / k.footprint.sram_bytes, "SRAM");
    // Registers: the trace's register tiles, or the compiled kernel's registers where known.
    const int64_t compiled = k.issue.registers_per_thread > 0 ? (k.issue.registers_per_thread + 7) / 8 * 8 * 4 * 32 * k.warps : 0;
    const int64_t reg_bytes = std::max(k.footprint.register_bytes, compiled);
    if (g.register_bytes_per_sm > 0 && reg_bytes > 0) limit(g.register_bytes_per_sm / reg_bytes, "registers");
    if (k.warps > 0) limit(g.max_warps_per_sm / k.warps, "warps");
    o.ctas_per_sm = std::max<int64_t>(1, o.ctas_per_sm);
    return o;
}

}  // namespace flashsim
