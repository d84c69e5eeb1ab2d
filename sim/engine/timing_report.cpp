// timing_report.cpp: rates, roofline, breakdown and bottleneck line (timing_report.h).
//
// The breakdown sums to the simulated seconds:
//   peak_<resource>       the busiest resource's time at its peak rate (the roofline bound)
//   wave_quantization     SM slots idle at the end of each kernel (the last, partial wave), and
//                         the slots of SMs no CTA reaches (fewer CTAs than SMs: one partial wave)
//   cta_launch            SM slots waiting for their SM to start the next CTA (cta_launch_ns)
//   latency, contention, compute_not_overlapped
//                         the rest, shared in proportion to what CTAs spent waiting for the
//                         latency of loads, waiting for bandwidth behind other transfers, and
//                         computing with none of their loads in flight
#include "sim/engine/timing_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace flashsim {

namespace {

std::string pct(double x) {
    char b[32];
    std::snprintf(b, sizeof b, "%.0f%%", 100 * x);
    return b;
}

const char* resource_words(const std::string& k) {
    if (k == "hbm") return "HBM bandwidth";
    if (k == "l2") return "L2 bandwidth";
    if (k == "sram") return "SRAM bandwidth";
    if (k == "tensor") return "tensor cores";
    if (k == "issue") return "CUDA-core instruction issue";
    if (k == "softmax_issue") return "softmax instruction issue";
    return "FP32 and exp units (softmax)";
}

}  // namespace

void fill_timing_report(RunResult& r, const std::vector<KernelSimStats>& stats, double tensor_flops_per_s,
                        const EngineProps& engine) {
    const GpuSpec& g = r.gpu;
    Timing& tm = r.timing;
    const Counters& c = r.counts;
    const double T = tm.seconds > 0 ? tm.seconds : 1e-30;
    const double hbm_bytes = double(c.total.hbm_read_bytes + c.total.hbm_write_bytes);
    const double l2_bytes = double(c.total.global_read_bytes + c.total.global_write_bytes);
    const double sram_bytes = double(c.sram_read_bytes + c.sram_write_bytes);
    const double sram_peak = g.sram_bytes_per_cycle_per_sm * double(g.sm_count) * g.clock_hz;
    tm.hbm_bytes_per_s = hbm_bytes / T;
    tm.l2_bytes_per_s = l2_bytes / T;
    tm.sram_bytes_per_s = sram_bytes / T;
    tm.tensor_flops_per_s = double(c.matmul_flops) / T;

    // The longest kernel: its occupancy, waves and clock under load stand for the run's.
    size_t longest = 0;
    for (size_t i = 0; i < tm.kernels.size(); ++i)
        if (tm.kernels[i].seconds > tm.kernels[longest].seconds) longest = i;
    // The SM's peak rates (stated at clock_hz) scale with the clock the kernel runs at.
    const double clock = !tm.kernels.empty() && tm.kernels[longest].clock_hz > 0 ? tm.kernels[longest].clock_hz : g.clock_hz;
    const double scale = clock / g.clock_hz;
    tm.peak_tensor_flops_per_s = tensor_flops_per_s * scale;

    // Roofline bounds: each resource at its peak.
    auto& rs = tm.resource_seconds;
    rs["hbm"] = hbm_bytes / g.hbm_stream_bytes_per_s();
    if (!r.paper_mode && g.l2_bytes_per_s > 0) rs["l2"] = l2_bytes / g.l2_bytes_per_s;
    if (sram_peak > 0) rs["sram"] = sram_bytes / (sram_peak * scale);
    rs["tensor"] = double(c.matmul_flops) / tm.peak_tensor_flops_per_s;
    rs["vector"] = std::max(g.vector_flops_per_s > 0 ? double(c.vector_flops) / g.vector_flops_per_s : 0.0,
                            g.exp_per_s > 0 ? double(c.exps) / g.exp_per_s : 0.0) / scale;
    // Instruction issue at one warp-instruction per cycle per sub-partition of each kernel's clock:
    // `issue` where the model counts every instruction of a kernel (those that issue everything on
    // CUDA cores: KernelTiming::warp_instructions); `softmax_issue` for tensor-core kernels, whose
    // counted instructions are their softmax's (KernelIssue: exponentials, row max and sums,
    // rescaling, each iteration's fixed instructions; MMA, ldmatrix and TMA not counted). A
    // kernel's softmax that needs more of the time than its matmuls at the tensor peak is softmax
    // issue-bound (FA3 at d = 64: ping-pong hides the matmuls under the softmax, not the other way).
    double issue_s = 0, softmax_issue_s = 0;
    for (size_t i = 0; i < stats.size() && i < tm.kernels.size() && g.sm_subpartitions > 0; ++i) {
        const KernelTiming& k = tm.kernels[i];
        const double s = stats[i].warp_instructions / (double(g.sm_subpartitions * g.sm_count) * (k.clock_hz > 0 ? k.clock_hz : g.clock_hz));
        (k.warp_instructions > 0 ? issue_s : softmax_issue_s) += s;
    }
    if (issue_s > 0) rs["issue"] = issue_s;
    if (softmax_issue_s > 0) rs["softmax_issue"] = softmax_issue_s;
    std::string bound = "hbm";
    for (const auto& [k, v] : rs)
        if (v > rs[bound]) bound = k;

    auto point = [&](const char* level, double bytes, double peak) {
        RooflinePoint p;
        p.level = level;
        p.bytes = bytes;
        p.intensity_flops_per_byte = bytes > 0 ? double(c.matmul_flops) / bytes : 0;
        p.peak_bytes_per_s = peak;
        p.attainable_flops_per_s = peak > 0 ? std::min(tm.peak_tensor_flops_per_s, p.intensity_flops_per_byte * peak)
                                            : tm.peak_tensor_flops_per_s;
        p.achieved_flops_per_s = tm.tensor_flops_per_s;
        tm.roofline.push_back(p);
    };
    point("HBM", hbm_bytes, g.hbm_bytes_per_s);
    if (!r.paper_mode && g.l2_bytes > 0) point("L2", l2_bytes, g.l2_bytes_per_s);
    point("SRAM", sram_bytes, sram_peak * scale);

    if (!tm.kernels.empty()) {
        tm.ctas_per_sm = tm.kernels[longest].ctas_per_sm;
        tm.waves = tm.kernels[longest].waves;
        tm.occupancy_limited_by = tm.kernels[longest].occupancy_limited_by;
    }

    // Losses, in seconds of the whole GPU (slot sums divided by the slot count).
    double wave = 0, lat = 0, wait = 0, comp = 0, prefetch = 0, sharing = 0, pingpong = 0, launch = 0;
    for (size_t i = 0; i < stats.size(); ++i) {
        const KernelSimStats& s = stats[i];
        const double hz = s.clock_hz > 0 ? s.clock_hz : g.clock_hz;
        const double per_slot = 1.0 / (double(s.slots) * hz);
        wave += s.tail_idle_slot_cycles * per_slot;
        launch += s.cta_launch_cycles * per_slot;
        lat += s.stall_latency_cycles * per_slot;
        wait += s.stall_transfer_cycles * per_slot;
        comp += s.compute_exposed_cycles * per_slot;
        prefetch += s.prefetch_hidden_cycles * per_slot;
        pingpong += std::max(0.0, s.wg_serial_cycles - s.wg_span_cycles) * per_slot;
        if (s.occ.ctas_per_sm > 1)
            sharing += std::max(0.0, s.cta_lifetime_cycles / double(g.sm_count) - s.cycles) / hz;
    }
    const double at_peak = std::min(rs[bound], tm.seconds);
    const double loss = tm.seconds - at_peak;
    auto& b = tm.breakdown_seconds;
    b["peak_" + bound] = at_peak;
    b["wave_quantization"] = std::min(wave, loss);
    if (launch > 0) b["cta_launch"] = std::min(launch, loss - b["wave_quantization"]);
    const double rest = loss - b["wave_quantization"] - (launch > 0 ? b["cta_launch"] : 0.0);
    const double ind = lat + wait + comp;
    if (ind > 0) {
        b["latency"] = rest * lat / ind;
        b["contention"] = rest * wait / ind;
        b["compute_not_overlapped"] = rest * comp / ind;
    } else {
        b["other"] = rest;
    }
    if (r.schedule.stages > 1) tm.hidden_seconds["prefetch"] = prefetch;
    if (sharing > 0) tm.hidden_seconds["ctas_sharing_an_sm"] = sharing;
    if (engine.pingpong()) tm.hidden_seconds["fa3_pingpong_and_intra_warpgroup"] = pingpong;

    // One line: the bound, how close to it, and the largest loss.
    std::string worst;
    double worst_s = 0;
    for (const auto& [k, v] : b)
        if (k.rfind("peak_", 0) != 0 && v > worst_s) {
            worst = k;
            worst_s = v;
        }
    tm.bottleneck = std::string(resource_words(bound)) + " (" + pct(at_peak / T) + " of the time at peak)";
    if (std::abs(scale - 1) > 0.01) {
        char b2[64];
        std::snprintf(b2, sizeof b2, "; clock %.2f GHz under load", clock * 1e-9);
        tm.bottleneck += b2;
    }
    if (worst_s > 0.02 * T) {
        std::string why = worst;
        std::replace(why.begin(), why.end(), '_', ' ');
        tm.bottleneck += "; largest loss: " + why + " (" + pct(worst_s / T) + ")";
        // What the longest kernel's sums say of that loss.
        static const KernelSimStats none;
        const KernelSimStats& s = longest < stats.size() ? stats[longest] : none;
        if (worst == "wave_quantization" && s.idle_sms > 0)  // too few CTAs to fill the GPU (FA1: one a head; FA2 paper 3.2)
            tm.bottleneck += ": " + std::to_string(g.sm_count - s.idle_sms) + " CTA(s) for " + std::to_string(g.sm_count) + " SMs, " +
                             std::to_string(s.idle_sms) + " SMs idle";
        if (worst == "compute_not_overlapped" && s.compute_matmul_cycles > 0) {
            // Without FA3's ping-pong a warp's softmax (max, exp, sums, rescaling) issues between its
            // MMAs, not under them: what the tensor pipe waits for (FA3 paper, section 3.1).
            const double share = s.compute_vector_cycles / s.compute_cycles;
            if (share >= 0.1)
                tm.bottleneck += ": element-wise (softmax) work is " + pct(share) + " of the CTAs' compute, issued between the matmuls";
        }
        if (worst == "latency") {
            // Loads element by element: what the resident CTAs keep in flight (Little's law).
            if (s.bytes_in_flight_per_sm > 0) {
                const double in_flight = s.bytes_in_flight_per_sm;
                char size[32], b3[128];
                if (in_flight < 1000) std::snprintf(size, sizeof size, "%.0f B", in_flight);
                else std::snprintf(size, sizeof size, "%.3g KB", in_flight / 1e3);
                std::snprintf(b3, sizeof b3, ": latency-bound loads, %s in flight per SM from %lld resident CTA(s)", size,
                              static_cast<long long>(s.resident_ctas_per_sm));
                tm.bottleneck += b3;
            }
            tm.bottleneck += ", at most " + std::to_string(tm.ctas_per_sm) + " CTA(s)/SM limited by " + tm.occupancy_limited_by;
        }
    }
}

}  // namespace flashsim
