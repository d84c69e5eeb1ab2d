// queueing.h: mean value analysis of a closed queueing network (Lazowska, Zahorjan, Graham and
// Sevcik, "Quantitative System Performance", 1984, chapter 6), for the CTAs resident on one SM.
//
// n customers (CTAs) cycle between a delay station, where each spends Z cycles (its loads' round
// trips in flight: no queueing, every CTA waits its own latency), and one queueing station with
// service demand D cycles per visit (a sub-partition issuing the CTA's warp-instructions). The
// exact recursion for n = 1, 2, ...:
//     R(n) = D (1 + Q(n - 1)),   X(n) = n / (Z + R(n)),   Q(n) = X(n) R(n),   Q(0) = 0.
// A CTA's cycle takes Z + R(n). The limits: n = 1 gives Z + D (nothing overlaps); Z = 0 gives n D
// (issue-bound); for large n the throughput tends to 1 / D. Between them it is smoother than
// max(n D, Z + D), the bound a deterministic event loop reaches, because issue and latency vary
// from trip to trip on a GPU (DRAM latency, warp scheduling): the loss where neither limit
// dominates.
#pragma once
#include <cstdint>

namespace flashsim {

// Z + R(n): the cycles one customer's cycle takes with n in the network.
inline double mva_cycle_cycles(double delay_cycles, double demand_cycles, int64_t customers) {
    double queue = 0, response = 0;
    for (int64_t n = 1; n <= customers; ++n) {
        response = demand_cycles * (1 + queue);
        queue = double(n) / (delay_cycles + response) * response;
    }
    return delay_cycles + response;
}

}  // namespace flashsim
