// iteration_skip.cpp: the iteration skip of the event loop (kernel_run.h): kernels of few long
// CTAs, whose CTAs in flight are cut by one time once their windows repeat (docs/speed.md). The
// steady-state skip of whole heads, the marks and the extrapolation: kernel_skip.cpp.
#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <unordered_map>
#include <vector>

#include "sim/engine/kernel_run.h"
#include "sim/engine/tile_warmer.h"

namespace flashsim::engine {

namespace {

// The most ops the iteration skip keeps of the iterations it drops, for its warming.
constexpr int64_t kWarmTailOps = int64_t(1) << 22;

// The pace (iterations per cycle) of the CTA in `slot` from mark x to mark y: between the ends of
// the iterations it last ended before each (iterations of a few thousand cycles, counted whole
// over windows of tens of them, would differ by one in twenty between CTAs of one pace).
double pace_between(const SkipMark& x, const SkipMark& y, size_t slot) {
    return double(y.done[slot] - x.done[slot]) / (y.done_at[slot] - x.done_at[slot]);
}

// Whether some tensor's dirty bytes in the L2 grew from mark a to mark b by more than
// kSkipTolerance of its bytes written back: the L2 then still has room for what the CTAs write
// once (FA1's backward: dK_j and dV_j every outer loop), the exact run keeps it dirty to the end,
// and the iteration skip's extrapolation, per tensor, would charge it as written back (FA1's
// forward + backward at N = 6917, 11 heads on the rtx4090: 16% high in HBM writes). Per tensor,
// not the whole L2's (which the per-tensor bound implies): FA2's backward at N = 11683, 7 heads
// on the h100 grew its dQ accumulator's dirty bytes by 2.0 MB a span, about what it wrote back,
// while dK and dV shrank by more, and with the whole L2's bound alone skipped 5681 iterations
// 0.99% high in HBM writes.
bool dirty_grows(const SkipMark& a, const SkipMark& b) {
    for (size_t i = 0; i < kTensorCount; ++i)
        if (double(b.dirty[i]) - double(a.dirty[i]) > kSkipTolerance * (double(b.writebacks[i]) - double(a.writebacks[i]))) return true;
    return false;
}

// The whole loop periods of `iterations`.
int64_t whole_periods(int64_t iterations, int64_t period) { return iterations - iterations % period; }

}  // namespace

// The iteration skip's window, in iterations ended: W whole loop periods for each slot, the
// fewest that move kSkipWindowL2Bytes times the L2's data bytes. Counted in iterations, not
// bytes: a mark then falls at the same point of the CTAs' rounds every window, and two spans hold
// the same rounds. The first CTA of a head to reach a tile misses on it, the others hit, so a
// span's misses come in lumps of a round's (FA2's forward at N = 16384, 16 heads on the h100:
// three heads' K_j and V_j, 96 KiB); marked by bytes moved, a span of 8 L2s held 72 or 73 of
// them and its HBM reads per byte moved by 1.4% from span to span, past kSkipTolerance, where
// marked by iterations they agree within 0.4%.
// Each slot the kernel uses (ctas_), whether or not a CTA holds it at the mark: counting only
// the CTAs running, a window taken as one retired came a round short, and FA3's forward at
// N = 31831, 10 heads on the a100-40gb, 23 waves, came out 0.64% high in HBM reads (0.12% so); in
// the last wave too (FA2's forward at N = 39773, 2 x 10 heads on the h100, cut in its last wave
// with CTAs of two paces: 0.48% low in HBM reads counting the CTAs left, 0.003% so).
int64_t KernelRun::iteration_window() const {
    const int64_t slots = std::max<int64_t>(1, int64_t(ctas_.size()));
    const double per_iteration = period_bytes_ / double(loop_period_);
    const double want = kSkipWindowL2Bytes * double(g_.l2_data_bytes()) / (per_iteration * double(slots));
    const int64_t periods = per_iteration > 0 ? std::max<int64_t>(1, int64_t(std::ceil(want / double(loop_period_)))) : 1;
    return periods * loop_period_ * slots;
}

// The iteration skip (kSkipMinIterations), at the end of an iteration once the iterations ended
// reach the next window's mark: when the last two spans of K windows (K as above, without
// grouped launches) took the same cycles, HBM reads and bytes made dirty per byte moved
// (WritebackCheck::made) and no CTA launched or retired in them (or, where the span before the
// last holds the wave's launches, the last span took the rates of the span the last cut verified:
// like_last_cut), and, where the marks hold the end of the wave before, the last span took the
// rates that end did (ends_alike), every CTA in flight is cut by the same time (below). The
// kernel's timeline goes on as if the cut had not been, and the skipped work is extrapolated
// from the span (extrapolate): valid as far as each CTA keeps its pace, which the windows
// without launches and retirements check. The marks start again after a skip (the first
// window after it is not compared either).
void KernelRun::iteration_checkpoint(double t) {
    next_iteration_mark_ = iterations_ + iteration_window();
    if (cfg_.timeline && cfg_.timeline->size() < cfg_.timeline_cap) return;
    marks_.push_back(mark(t));
    const size_t m = marks_.size() - 1;
    const size_t K = size_t(std::ceil(kSkipSpanL2Bytes / kSkipWindowL2Bytes));
    if (m < 1 + K) return;
    const SkipMark& e = marks_[m];
    // The last span against the span before it in this wave or, where that one holds the wave's
    // launches, against the span the last cut verified (like_last_cut).
    const bool two_spans = m >= 1 + 2 * K && marks_[m - 2 * K].cta_changes == e.cta_changes;
    if (two_spans ? !iteration_spans_steady(m, K) : !like_last_cut(m, K)) return;
    // The windows extrapolated: those two spans and the windows before them within kSkipStretch
    // (stretch) since the last CTA launched or retired. A CTA's loop has periods of a few
    // windows (FA1 at N = 1024, 256 heads on the h200: HBM reads per byte 0.6656 a window, 0.6712
    // every fifth or sixth, when the outer loop loads Kj and Vj); extrapolating the two spans
    // alone, which held none of them, came out 0.4% low in HBM reads.
    size_t from = stretch(marks_, m, two_spans ? 2 * K : K);
    while (marks_[from].cta_changes != e.cta_changes) ++from;
    const SkipMark& b = marks_[from];
    IterationCut plan;
    if (!plan_iteration_cut(b, m, K, two_spans, plan)) return;
    std::array<Traffic, kTensorCount> requests{};
    double moved = 0, cycles = 0;
    // The L2 as the dropped iterations leave it: their last tiles, twice the L2's data bytes of
    // them, touched as the CTAs would have (all CTAs' last dropped iterations at the cut's end).
    // Left as it was, the L2 held tiles from before the cut that the iterations dropped would have
    // evicted: FA3 at N = 65536, d = 128, 2 heads on the h100, whose CTAs sweep K and V (64 MiB)
    // in step, kept the sweep's first tiles, which the next wave's CTAs then found, 3.1% low in
    // HBM reads.
    // Only where CTAs read tiles other CTAs read (several CTAs a head: K and V of FA2 and FA3, a
    // GEMM's shared operand); FA1's one CTA a head reads nothing another reads, and whole loop
    // periods leave the L2 as its CTAs will use it (warmed, the v3 runs of the stored files moved
    // up to 0.07% from --no-skip's HBM bytes, against 0.008% without). In the last wave too (until
    // 2026-12-06 only while later CTAs were to come): the dropped iterations' misses would have
    // evicted the dirty bytes of earlier work (the O of the wave before), which the extrapolation
    // (the bytes the spans made dirty) does not charge; left in the L2, they stay dirty to the end
    // (FA2's forward at N = 33743, d = 128, 2 x 14 heads on the h100, cut in its last wave: 1.22%
    // low in HBM writes against --exact unwarmed, 0.000% warmed). Never without the L2 model
    // (paper mode): nothing to warm.
    const bool warm = k_.ctas_per_head > 1 && mem_.models_l2();
    // Each CTA keeps the ops of as many of its last dropped iterations as move twice the L2's
    // data bytes by themselves (CTAs that read the same tiles add nothing new: FA3's of one head),
    // about kWarmTailOps ops in all at 8 data ops an iteration; the warming takes them newest
    // first, iteration by iteration over the CTAs, until their distinct tiles hold twice the L2's
    // data bytes.
    const double want = 2 * double(g_.l2_data_bytes()), per_cta_iteration = period_bytes_ / double(loop_period_);
    const int64_t keep = warm && per_cta_iteration > 0 ? std::min<int64_t>(int64_t(std::ceil(want / per_cta_iteration)) + loop_period_,
                                                                  kWarmTailOps / int64_t(8 * plan.drops.size()) + 1)
                                               : 0;
    std::vector<std::vector<Cta::DroppedOp>> tails(keep > 0 ? plan.drops.size() : 0);
    std::vector<int64_t> dropped(plan.drops.size());
    for (size_t i = 0; i < plan.drops.size(); ++i) {
        const IterationCut::Drop& d = plan.drops[i];
        int64_t n;
        if (plan.held) {
            n = std::min(int64_t(std::ceil(plan.cut * d.pace / double(loop_period_) - 1e-9)) * loop_period_,
                         whole_periods(d.room, loop_period_));
            d.c->hold = std::max(0.0, double(n) / d.pace - plan.cut);
        } else {
            const int64_t room = plan.one_pace ? plan.least_room : std::min(d.room, int64_t(std::floor(plan.cut * d.pace)));
            n = whole_periods(room, loop_period_);
        }
        d.c->drop(n, requests, moved, keep > 0 ? &tails[i] : nullptr, keep);
        dropped[i] = n;
        s_.skipped_iterations += n;
        cycles += double(n) / d.pace / double(plan.drops.size());
    }
    if (plan.held) cycles = plan.cut;
    if (!(moved > 0)) return;
    if (keep > 0) warm_after_cut(tails, dropped, keep, want);
    // The cycles are the cut's: what the CTAs dropped over their paces, on average over them.
    // The CTAs in flight live as much longer; no CTA retired in the spans, so their sums hold
    // no lifetime.
    s_.cta_lifetime_cycles += double(plan.drops.size()) * extrapolate(b, e, requests, moved, cycles);
    moved_ += moved;
    cut_from_ = marks_[m - K];
    cut_to_ = e;
    cut_before_ = true;
    marks_.clear();
}

// The checks of the iteration skip's spans (iteration_checkpoint) at mark m, spans of K windows.
bool KernelRun::iteration_spans_steady(size_t m, size_t K) {
    const SkipMark &e = marks_[m], &v = marks_[m - 2 * K];
    // The two spans alone, not also the last two windows: a window holds about five iterations of
    // each CTA, and its marks, taken at iteration ends, quantize its cycles by 1-4% (vanilla's dV
    // GEMM at N = 4096 on the h200: 5120 iterations a window, 2.30-2.40e-4 cycles per byte from
    // one to the next), so that check held in few windows and put the skip off by several
    // windows a wave (each CTA's pace over both spans is checked below).
    if (v.cta_changes != e.cta_changes || !steady(marks_, m, K, WritebackCheck::made)) return false;
    return ends_alike(m, K) && !dirty_grows(v, e);
}

// The checks of the iteration skip at mark m where the span before the last (K windows before
// mark m) holds the launches of the wave in flight: the last span against the span the last cut
// verified, the same checks iteration_spans_steady makes of two spans of one wave, with each
// CTA's pace against the pace of the CTA its slot held then (plan_iteration_cut), and the bytes
// that reached the L2 per byte moved (within kSkipTolerance: as many of the requests hit in the
// L1 or were coalesced; which CTAs share an SM's L1 changes from wave to wave where CTAs of one
// head share tiles through it, and a cut that puts them out of step loses the hits for the
// waves after it: FA2's forward with CUDA-core GEMMs at N = 16384, d = 64, 16 heads on the h100
// read 12.8% more from the L2 than --exact, checked without them; the first wave's coalesced
// requests, which later waves have not, leave its span to the two-span check). Waves that
// repeat take at the same point of their lives the same rates; where the rates drift through a
// wave's life, this wave's span, earlier in it than the span the last cut verified (K windows
// after the launches, the cut's 2 K), differs from it as the two spans of one wave would. Only
// while later CTAs are to launch and the last cut's wave ended as its span went (ends_alike:
// their cuts keep one span, whose windows the next wave's check of its launches reaches), and
// never the first window after a cut. A wave's first span then verifies it, 2 K windows after
// its launches, not 3 K: FA2's forward at N = 16384, d = 128, 16 heads on the h100 (7.8 waves)
// cuts each CTA 25 iterations sooner (docs/speed.md).
bool KernelRun::like_last_cut(size_t m, size_t K) {
    if (!cut_before_ || long_tail_ || next_cta_ >= k_.cta_count()) return false;
    const SkipMark &h = marks_[m - K], &e = marks_[m];
    if (h.cta_changes != e.cta_changes || !same_rates_made(cut_from_, cut_to_, h, e, true)) return false;
    return ends_alike(m, K) && !dirty_grows(h, e);
}

// The cut of the CTAs in flight (iteration_checkpoint), the windows extrapolated starting at
// mark b: false where a CTA's pace does not hold or the cut would be too short.
bool KernelRun::plan_iteration_cut(const SkipMark& b, size_t m, size_t K, bool two_spans, IterationCut& plan) {
    // The spans checked: the one before the last, or the last cut's (like_last_cut), and the last.
    const SkipMark &e = marks_[m], &h = marks_[m - K], &v = two_spans ? marks_[m - 2 * K] : cut_from_, &w = two_spans ? h : cut_to_;
    // Before the last CTA has launched, when the last wave is partial and an SM holds several
    // CTAs, which SMs the last wave's CTAs land on, and how many on one, follows the order in
    // which the slots free: a cut there must keep that order (held below). Cut by whole
    // iterations, the CTAs' ends moved by up to an iteration's time each and the order went
    // (vanilla's P V GEMM at N = 16384, 16 heads on the h200, 14 CTAs an SM then: the last wave's
    // 400 CTAs spread over 93 SMs, where the exact run stacks them on 58, the kernel 12.1% fast,
    // the run 1.19%). With one CTA an SM each late CTA has an SM of its own (FA1 at N = 8192, 8 x 16
    // heads, d = 128 on the a100-40gb, 1.19 waves of one CTA an SM: cut in its first wave, its time
    // within 0.003% of the time it has when the cut waits for the last launch, at a fifth of the
    // CPU time).
    plan.held = s_.occ.ctas_per_sm > 1 && next_cta_ < k_.cta_count() && k_.cta_count() % s_.slots != 0;
    // The skip is a cut of `cut` cycles from every CTA in flight: each drops the iterations it
    // runs in that time at its own pace over the span (CTAs sharing an SM with more or fewer
    // others go at other paces: vanilla's P V GEMM at N = 15433 on the a100-40gb, 5 CTAs per SM,
    // ended over a window's time; dropping as many iterations from each made it 2.7% fast),
    // in whole loop periods, keeping at its end what it ran in the last span checked while later
    // CTAs are still to launch, in the two spans checked in the last wave. (Two spans everywhere
    // until 2026-12-07. One: FA3's forward at B = 2, N = 39091, 10 heads on the a100-40gb came out
    // 0.55% high in HBM reads before ends_alike, 0.004% since; FA2 at N = 16384 on the h100 and
    // vanilla's backward at B = 4, N = 4096 on the h200 take 11-13% fewer host instructions. In
    // the last wave the CTAs' ends are the kernel's, and what stays dirty in the L2 there is not
    // extrapolated: FA1's forward at N = 12453, d = 64, 16 heads on the rtx4090, one wave, went
    // from 0.23% to 0.35% high in HBM writes with one span; docs/speed.md.)
    std::vector<IterationCut::Drop>& drops = plan.drops;
    double& cut = plan.cut;
    double slowest = INFINITY, fastest = 0;
    for (size_t slot = 0; slot < ctas_.size(); ++slot) {
        Cta& c = ctas_[slot];
        if (!c.stream) continue;
        const auto pace_over = [slot](const SkipMark& x, const SkipMark& y) { return pace_between(x, y, slot); };
        const double pace = pace_over(b, e);
        // Its pace holds: the same within kSkipTolerance over each of the two spans checked.
        // (FA1 with 40 x 16 heads at N = 6655 on the h200: in its third wave one CTA went at a
        // fifth of the others' pace over the span, not after it; it dropped too few iterations
        // for the time cut and ended late, 9.9% slow.) A CTA that prefetches `stages` iterations
        // ends them in bunches of up to that many, so a span of n iterations measures its pace to
        // within stages / n besides: cuBLAS's GEMM kernels on their own tiles (Schedule::
        // gemm_tiles: one CTA an SM, 2-4 stages, 25 iterations a span) measured 2-4% apart
        // from one span to the next at one pace, and never skipped.
        const double first = double(w.done[slot] - v.done[slot]), second = double(e.done[slot] - h.done[slot]);
        const double bunching = cfg_.stages > 1 && first > 0 && second > 0 ? double(cfg_.stages) / std::min(first, second) : 0;
        if (!within_share(pace_over(v, w), pace_over(h, e), kSkipTolerance + bunching)) return false;
        // (A CTA cut before goes on with the numbers of the iterations it dropped. Two spans
        // kept are both of this wave: like_last_cut keeps one.)
        const int64_t kept = next_cta_ < k_.cta_count() && !long_tail_ ? e.done[slot] - h.done[slot] : e.done[slot] - v.done[slot];
        const int64_t room = iterations_of(c.index) - c.dropped - c.parsed - kept;
        if (!(pace > 0) || !std::isfinite(pace) || room <= 0) return false;
        drops.push_back({&c, pace, room});
        cut = std::min(cut, double(room) / pace);
        slowest = std::min(slowest, pace);
        fastest = std::max(fastest, pace);
        plan.least_room = std::min(plan.least_room, room);
    }
    // CTAs of one pace (within kSkipTolerance) drop the same number of iterations: whole
    // iterations from a time cut would shift each by up to an iteration's time and reorder
    // CTAs that end within it, and a next wave's CTAs take the slots of the first to end
    // (vanilla's P V GEMM at N = 16384 on the h100, 7 CTAs per SM ending within 18k cycles:
    // the last wave's 400 CTAs came to other SMs, 3.2% slow).
    plan.one_pace = fastest <= (1 + kSkipTolerance) * slowest;
    // A held cut (later CTAs still to place) is the same time for every CTA, to the cycle: each
    // drops the whole periods it runs in that time, rounded up, and waits out the difference
    // (Cta::hold), so that every end moves by the cut. Only where the order of the ends survives
    // the cut's error (ends_keep_order).
    if (plan.held) {
        cut = INFINITY;
        for (const IterationCut::Drop& d : drops) cut = std::min(cut, double(whole_periods(d.room, loop_period_)) / d.pace);
    }
    // At least a window's time (a shorter skip saves less than the marks cost).
    if (drops.empty() || cut < (two_spans ? (e.t - v.t) / double(2 * K) : (e.t - h.t) / double(K))) return false;
    return !plan.held || ends_keep_order(b, two_spans ? b : v, two_spans ? h : w, h, cut);
}

// The L2 as the iterations a cut dropped leave it (iteration_checkpoint): the distinct tiles of
// the ops each CTA kept of its last `keep` dropped iterations (`dropped` of them), up to `want`
// bytes, touched in the order of their last use.
void KernelRun::warm_after_cut(const std::vector<std::vector<Cta::DroppedOp>>& tails, const std::vector<int64_t>& dropped, int64_t keep,
                               double want) {
    TileWarmer tiles{uint64_t(want)};
    const auto at = [&](const Cta::DroppedOp& d, size_t i) {  // before the cut's end: - back, stores half later
        return double(d.k - dropped[i]) + (d.op.kind == OpKind::load ? 0.0 : 0.5);
    };
    uint64_t kept_bytes = 0;
    for (const auto& tail : tails)
        for (const Cta::DroppedOp& d : tail) kept_bytes += d.op.bytes;
    if (kept_bytes < uint64_t(want)) {
        // The tiles cannot fill the warmer: each use counts whatever its order (the latest
        // time, dirty if any wrote), so each CTA's tail is taken as it lies in memory (the
        // walk below, across the CTAs, missed the host's cache on most ops: FA2's forward at
        // N = 16384 on the h100 keeps about 300 k ops a cut).
        for (size_t i = 0; i < tails.size(); ++i)
            for (const Cta::DroppedOp& d : tails[i]) tiles.use(d.op, at(d, i));
    } else {
        std::vector<size_t> next(tails.size());
        for (size_t i = 0; i < tails.size(); ++i) next[i] = tails[i].size();
        // (No CTA keeps more iterations than it dropped: the walk ends with the longest tail.)
        const int64_t longest = std::min(keep, *std::max_element(dropped.begin(), dropped.end()));
        for (int64_t back = 1; back <= longest && !tiles.full(); ++back)  // the back-th last dropped iteration of each CTA
            for (size_t i = 0; i < tails.size(); ++i)
                for (; next[i] > 0 && tails[i][next[i] - 1].k == dropped[i] - back; --next[i]) {
                    const Cta::DroppedOp& d = tails[i][next[i] - 1];
                    tiles.use(d.op, at(d, i));
                }
    }
    const auto dirty_before = mem_.dirty_bytes_by_tensor();
    tiles.warm(mem_);
    charge_dirty_change(dirty_before);
}

// Whether the last span (K windows before mark m) took the cycles and HBM reads per byte moved
// that the K windows before the last launch or retirement did (kSkipTolerance), where the marks
// hold them: the end of the CTAs the wave before ran, iteration by iteration, which a cut now
// would extrapolate the middle of these CTAs' lives toward. Spans that agree say the rates hold
// over two spans, not over a CTA's life: FA2's forward at N = 28541, d = 128, 2 x 14 heads on the
// a100-80gb (one CTA an SM, 58 waves of 446 iterations a CTA) read 0.00911-0.00914 bytes from HBM
// per byte moved in the first four windows of a wave, and less and less after them, 0.0059 in the
// last before the next wave; cut after those four windows, each wave extrapolated the first
// rate, 0.94% high in HBM reads against --exact. Its waves' ends read 0.0059-0.0065 a byte,
// refused; FA2's at N = 16384 on the h100 0.01127-0.01134, as at their starts.
bool KernelRun::ends_alike(size_t m, size_t K) {
    const SkipMark& e = marks_[m];
    size_t since = m;
    while (since > 0 && marks_[since - 1].cta_changes == e.cta_changes) --since;
    if (since == 0) return true;  // no launch or retirement since the marks began
    // The windows of the change (a wave's ends and the next wave's launches may take two), and
    // the K windows before them, not the first after a cut or the kernel's start. Where those
    // hold launches or retirements too, or the marks do not reach back so far, the CTAs ended one
    // by one, not as a wave: nothing to compare (FA1's forward at B = 64, N = 7901, d = 128 on
    // the a100-40gb, whose launches spread, drops 5.24 M iterations, 5.49 M before, within 0.08%
    // of --exact either way).
    size_t end = since - 1;
    while (end > 0 && marks_[end - 1].cta_changes != marks_[end].cta_changes) --end;
    if (end >= 1 + K && marks_[end - K].cta_changes == marks_[end].cta_changes)
        return same_rates(marks_[end - K], marks_[end], marks_[m - K], e);
    // Fewer windows (after a cut whose CTAs kept one span at their end, plan_iteration_cut, the
    // marks hold that span's windows, the first of them the cut's own; or the launches spread over
    // the windows before the change): the last clean window must take the rates of the span the
    // last cut verified, within kSkipStretch (a window's own rates scatter by a few per cent).
    // Where it does not, the wave's end drifted from that span (FA2's forward at N = 33919,
    // d = 128, 2 x 14 heads on the a100-80gb: 0.32% high in HBM reads with one span kept and no
    // such check, 0.014% with it), and the kernel's later cuts keep two spans, which give the
    // check above its K windows.
    // (end >= 1: the window from end - 1 to end is clean, by the loop above.)
    if (cut_before_ && !long_tail_ && end >= 1 && !same_rates(cut_from_, cut_to_, marks_[end - 1], marks_[end], kSkipStretch)) {
        long_tail_ = true;
        return false;
    }
    return true;
}

// Whether the order in which the CTAs in flight will free their slots survives a held cut of
// `cut` cycles (iteration_checkpoint): a CTA's end, projected at its pace since mark b, moves by
// the cut to within cut times the change of its pace from the span checked before the last (mark
// x0 to x1: b to h, or the last cut's span, KernelRun::like_last_cut) to the last (h to now);
// the later CTAs go to the slots in the order they free, and how many land on an SM changes only
// when an SM's k-th end passes another's (k+1)-th. So the k-th ends of all SMs must lie apart
// from the (k+1)-th by more than that error. Vanilla's backward at N = 4725, d = 128, 16 heads on
// the a100-80gb (5 CTAs an SM, 2.19 waves): an SM's ends 2.8k cycles apart, the SMs' k-th ends
// over 2.1k, 0.8-0.9k from one k to the next; cut in its first wave, the last wave's 104 CTAs took
// other SMs (4 on one where the exact run has 3), the dQ GEMM 19% fast, the run 1.10% off.
// Vanilla at N = 16384, d = 128, 16 heads on the h200 (7 CTAs an SM, 4.43 waves): the SMs' k-th
// ends within 192 cycles, 576-960 from one k to the next, the paces the same over both spans;
// cut in every wave, within 0.01% of the run without the skip.
bool KernelRun::ends_keep_order(const SkipMark& b, const SkipMark& x0, const SkipMark& x1, const SkipMark& h, double cut) {
    const SkipMark& e = marks_.back();
    double error = 0;
    std::vector<std::vector<double>> ends(size_t(g_.sm_count));
    for (size_t slot = 0; slot < ctas_.size(); ++slot) {
        const Cta& c = ctas_[slot];
        if (!c.stream) continue;
        const auto pace = [slot](const SkipMark& x, const SkipMark& y) { return pace_between(x, y, slot); };
        const double before = pace(x0, x1), after = pace(h, e);
        error = std::max(error, cut * std::abs(before - after) / std::max(before, after));
        const double left = double(iterations_of(c.index) - c.dropped - c.next_compute);
        ends[size_t(c.sm)].push_back(e.done_at[slot] + left / pace(b, e));
    }
    std::vector<double> lo(size_t(s_.occ.ctas_per_sm), INFINITY), hi(lo.size(), -INFINITY);
    for (std::vector<double>& v : ends) {
        std::sort(v.begin(), v.end());
        for (size_t k = 0; k < v.size() && k < lo.size(); ++k) {
            lo[k] = std::min(lo[k], v[k]);
            hi[k] = std::max(hi[k], v[k]);
        }
    }
    for (size_t k = 0; k + 1 < lo.size(); ++k)
        if (std::isfinite(lo[k + 1]) && !(hi[k] + error < lo[k + 1])) return false;
    return std::isfinite(error);
}

// The iterations after which CTA `cta` uses its tiles again: the least common multiple of the
// distances between two uses of one tile (FA1: the inner loop's Tr iterations, when the CTA
// reads its Q_i and O_i again), 1 when it uses none twice, 0 when that is more than a quarter
// of its iterations, which it counts for iterations_of on the way, with a period's bytes on
// average for period_bytes_ (one walk of the stream at the start). A skip of a multiple of it
// leaves the L2 with the tiles the CTA would have used last when it goes on (a skip of another
// count, FA1 at N = 1024 on the h200: the CTAs went on 15 iterations into their sweep of Q and
// O, whose last 17 iterations' tiles the L2 held, and hit where they would have missed: 0.4% low
// in HBM reads).
int64_t KernelRun::loop_period(int64_t cta) {
    Cta cut = Cta::of(k_.stream(cta));
    std::unordered_map<TileKey, int64_t, TileKeyHash> last;
    int64_t period = 1, k = 0;
    double bytes = 0;
    for (; cut.have(k); ++k)
        for (const auto* ops : {&cut.it(k).loads, &cut.it(k).stores})
            for (const Op& op : *ops) {
                if (!op.moves_data()) continue;
                bytes += double(op.bytes);
                const auto [u, fresh] = last.try_emplace(tile_key(op), k);
                if (!fresh && u->second != k) period = std::min(std::lcm(period, k - u->second), int64_t(1) << 40);
                u->second = k;
            }
    iteration_counts_.try_emplace(block_of(cta), k);
    period_bytes_ = k > 0 ? bytes * double(period) / double(k) : 0;
    return period <= k / 4 ? period : 0;
}

// The iterations of CTA `cta` (its stream cut as the event loop cuts it), counted once per
// block (walked in the stream's buffer, as Cta::drop walks, without copying the ops).
int64_t KernelRun::iterations_of(int64_t cta) {
    const auto [it, fresh] = iteration_counts_.try_emplace(block_of(cta), 0);
    if (fresh) {
        Cta cut = Cta::of(k_.stream(cta));
        while (cut.walk_iteration([](const Op&) {})) ++it->second;
    }
    return it->second;
}

}  // namespace flashsim::engine
