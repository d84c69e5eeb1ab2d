// steady_skip.cpp: the steady-state skip's decisions (steady_skip.h).
#include "sim/engine/steady_skip.h"

#include <algorithm>
#include <cmath>

namespace flashsim {

namespace {

// Cycles, HBM reads, write-backs, bytes made dirty (the write-backs plus the growth of the L2's
// dirty bytes) and bytes read from the L2 per byte moved from mark a to mark b; `moved` the bytes.
struct SpanRates {
    double moved, cycles, hbm_reads, writebacks, made, l2_reads;
};
SpanRates rates(const SkipMark& a, const SkipMark& b) {
    const double moved = b.moved - a.moved, writebacks = (b.writeback_bytes() - a.writeback_bytes()) / moved;
    return {moved,      (b.t - a.t) / moved, (b.hbm_read_bytes() - a.hbm_read_bytes()) / moved, writebacks,
            writebacks + (b.dirty_bytes() - a.dirty_bytes()) / moved, (b.l2_read_bytes() - a.l2_read_bytes()) / moved};
}
// same_rates of two spans' rates.
bool same_cycles_and_reads(const SpanRates& x, const SpanRates& y, double share) {
    return x.moved > 0 && y.moved > 0 && within_share(x.cycles, y.cycles, share) && within_share(x.hbm_reads, y.hbm_reads, share);
}
bool similar(const SpanRates& x, const SpanRates& y, double share) {
    return within_share(x.cycles, y.cycles, share) && within_share(x.hbm_reads, y.hbm_reads, share) &&
           within_share(x.writebacks, y.writebacks, share);
}

}  // namespace

double SkipMark::hbm_read_bytes() const {
    double b = 0;
    for (const Traffic& t : counts.per_tensor) b += double(t.hbm_read_bytes);
    return b;
}

double SkipMark::l2_read_bytes() const {
    double b = 0;
    for (const Traffic& t : counts.per_tensor) b += double(t.global_read_bytes);
    return b;
}

double SkipMark::dirty_bytes() const {
    double b = 0;
    for (uint64_t d : dirty) b += double(d);
    return b;
}

double SkipMark::writeback_bytes() const {
    double b = 0;
    for (uint64_t w : writebacks) b += double(w);
    return b;
}

bool same_rates(const SkipMark& a0, const SkipMark& a1, const SkipMark& b0, const SkipMark& b1, double share) {
    return same_cycles_and_reads(rates(a0, a1), rates(b0, b1), share);
}

bool same_rates_made(const SkipMark& a0, const SkipMark& a1, const SkipMark& b0, const SkipMark& b1, bool l2_reads) {
    const SpanRates x = rates(a0, a1), y = rates(b0, b1);
    return (b1.t - b0.t) > 0 && same_cycles_and_reads(x, y, kSkipTolerance) && within_share(x.made, y.made, kSkipTolerance) &&
           (!l2_reads || within_share(x.l2_reads, y.l2_reads, kSkipTolerance));
}

bool steady(const std::vector<SkipMark>& marks, size_t m, size_t L, WritebackCheck wb) {
    const SkipMark &a = marks[m - 2 * L], &b = marks[m - L], &e = marks[m];
    if (wb == WritebackCheck::made) return same_rates_made(a, b, b, e);
    const SpanRates before = rates(a, b), last = rates(b, e);
    if (!((e.t - b.t) > 0) || !same_cycles_and_reads(before, last, kSkipTolerance)) return false;
    if (within_share(before.writebacks, last.writebacks, kSkipTolerance)) return true;
    if (wb != WritebackCheck::or_dirty_fill) return false;
    // A fill: the dirty bytes rose through the first span, window by window.
    for (size_t i = m - 2 * L + 1; i <= m - L; ++i)
        if (marks[i].dirty_bytes() < marks[i - 1].dirty_bytes()) return false;
    return std::abs(e.dirty_bytes() - b.dirty_bytes()) <= kSkipTolerance * (e.writeback_bytes() - b.writeback_bytes()) &&
           within_share(before.made, last.made, kSkipTolerance);
}

size_t stretch(const std::vector<SkipMark>& marks, size_t m, size_t verified) {
    const SpanRates v = rates(marks[m - verified], marks[m]);
    size_t from = m - verified;
    for (; from >= 3; --from) {
        const SpanRates w = rates(marks[from - 1], marks[from]);
        if (!(w.moved > 0) || !similar(w, v, kSkipStretch)) break;
    }
    // Together the windows extrapolated keep the verified ones' rates (steady_skip.h).
    while (from < m - verified && !similar(rates(marks[from], marks[m]), v, kSkipTolerance)) ++from;
    return from;
}

bool grouping_holds(const std::vector<SkipMark>& marks, size_t m, size_t L, double skipped) {
    // The mean grouping of the L windows that end at marks from..from + L - 1.
    const auto mean = [&](size_t from) {
        double g = 0;
        for (size_t i = from; i < from + L; ++i) g += marks[i].grouping;
        return g / double(L);
    };
    const double first = mean(2), before = mean(m - 2 * L + 1), last = mean(m - L + 1);
    // The windows from the first span's middle to the last's: m - L - 1 (at least L).
    const double pace = (last - first) / double(m - L - 1);
    return std::abs(last - before) <= kSkipGroupingDrift && std::abs(pace) * skipped <= kSkipGroupingTrend;
}

double launch_grouping(const std::vector<double>& launches, double end, int64_t slots) {
    const std::vector<double>& l = launches;
    if (l.empty()) return 0;
    const double span = end - l.front(), n = double(l.size());
    if (!(span > 0)) return 1;
    const double wave = span * double(slots) / n;
    double worst = 0;
    for (size_t i = 0; i < l.size(); ++i) worst = std::max(worst, std::abs(l[i] - (l.front() + span * double(i) / n)));
    return worst / wave;
}

bool launches_grouped(double grouping) { return grouping > kSkipGroupedWaves; }

}  // namespace flashsim
