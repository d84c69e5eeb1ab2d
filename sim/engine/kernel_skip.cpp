// kernel_skip.cpp: the skips of the event loop (kernel_run.h): the steady-state skip of whole heads'
// CTAs and the iteration skip of few long CTAs, what they extrapolate and how they leave the L2
// (docs/speed.md).
#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "sim/engine/kernel_run.h"

namespace flashsim::engine {

namespace {

// The sums of KernelSimStats the skip extrapolates (every additive double field).
constexpr auto kSkipSums = std::to_array<double KernelSimStats::*>({
    &KernelSimStats::stall_latency_cycles, &KernelSimStats::stall_transfer_cycles, &KernelSimStats::compute_exposed_cycles,
    &KernelSimStats::prefetch_hidden_cycles, &KernelSimStats::cta_lifetime_cycles, &KernelSimStats::wg_serial_cycles,
    &KernelSimStats::wg_span_cycles, &KernelSimStats::cta_launch_cycles, &KernelSimStats::warp_instructions,
    &KernelSimStats::elementwise_latency_cycles, &KernelSimStats::issue_demand_cycles, &KernelSimStats::issue_own_excess_cycles});

// n (now - before), rounded: what a skip adds for a quantity that only grows during a kernel.
uint64_t scaled_delta(uint64_t now, uint64_t before, double n) { return uint64_t(std::llround(n * double(now - before))); }

// A tile of a tensor (every field of the op that says where its bytes lie), for the L2 warming.
struct TileKey {
    uint64_t a, b, c;
    bool operator==(const TileKey&) const = default;
};
struct TileKeyHash {
    size_t operator()(const TileKey& k) const {
        uint64_t h = k.a * 0x9E3779B97F4A7C15ull;
        h ^= (k.b + 0x632BE59BD9B4E019ull + (h << 6) + (h >> 2)) * 0xBF58476D1CE4E5B9ull;
        h ^= (k.c + (h << 6) + (h >> 2)) * 0x94D049BB133111EBull;
        return size_t(h ^ (h >> 31));
    }
};
TileKey tile_key(const Op& op) {
    return {uint64_t(op.bh) << 32 | op.row0, uint64_t(op.rows) << 32 | op.col0, uint64_t(op.cols) << 8 | uint64_t(op.tensor)};
}

// The most ops the iteration skip keeps of the iterations it drops, for its warming.
constexpr int64_t kWarmTailOps = int64_t(1) << 22;

// The tiles a skip's warming touches (KernelRun::warm_l2, the iteration skip): each distinct tile
// once, at its last use, dirty when any of its accesses wrote; touched in the order of their last
// use, so that LRU holds the most recent. Stops taking tiles once they hold `want` bytes.
class TileWarmer {
public:
    explicit TileWarmer(uint64_t want) : want_(want) {}
    bool full() const { return bytes_ >= want_; }
    void use(const Op& op, double at) {
        if (!op.moves_data()) return;
        // The tile this tensor used last, without a lookup when it is the same: the CTAs of a
        // head use the same tiles one after another (the iteration skip's walk over its tails).
        const TileKey key = tile_key(op);
        Last& l = last_[size_t(op.tensor)];
        if (!l.use || !(l.key == key)) {
            const auto [u, fresh] = tiles_.try_emplace(key, Use{op, at, false});
            if (fresh) bytes_ += op.bytes;
            l = {key, &u->second};  // (a rehash moves no element)
        }
        l.use->last = std::max(l.use->last, at);
        l.use->dirty = l.use->dirty || op.kind != OpKind::load;
    }
    void warm(MemorySystem& mem) const {
        std::vector<const Use*> order;
        order.reserve(tiles_.size());
        for (const auto& [key, u] : tiles_) order.push_back(&u);
        // Ties in the order of the tiles' keys: the same order on every host.
        std::sort(order.begin(), order.end(), [](const Use* x, const Use* y) {
            const TileKey kx = tile_key(x->op), ky = tile_key(y->op);
            return std::tie(x->last, kx.a, kx.b, kx.c) < std::tie(y->last, ky.a, ky.b, ky.c);
        });
        for (const Use* u : order) mem.warm(u->op, u->dirty);
    }

private:
    struct Use {
        Op op;
        double last = 0;
        bool dirty = false;
    };
    struct Last {
        TileKey key{};
        Use* use = nullptr;
    };
    std::unordered_map<TileKey, Use, TileKeyHash> tiles_;
    std::array<Last, kTensorCount> last_{};
    uint64_t want_, bytes_ = 0;
};

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

// At the launch of the first CTA of a window: skip when the last two spans of L windows took the
// same cycles, HBM reads and write-backs per byte moved, or bytes made dirty where the first span
// filled the L2 with dirty lines and the CTAs share tiles (WritebackCheck::or_dirty_fill; the
// first window, which starts the slots together, in neither). L is 1 unless the L2 is
// set-sampled: then the shortest such that the two spans' HBM bytes (each span's, in kernels
// whose CTAs share tiles) are kMinSampledGranules sampled granules or more (times f^2 where CTAs
// share no tile, f the share of the kernel a skip then could extrapolate), so that their sampled
// counts, which the skip extrapolates, leave the kernel's total as close to the full cache's as
// the run's own sampling bound asks (memory_system.h).
SkipMark KernelRun::mark(double t) const {
    SkipMark now{t, moved_, c_, mem_.writebacks_so_far(), mem_.dirty_bytes_by_tensor(), s_, 0, cta_changes_, iterations_, {}, {}};
    for (const SmPipes& p : pipes_) now.tensor_busy += p.tensor.busy_cycles;
    now.coalesced = mem_.coalesced_so_far();
    if (iteration_skip_)
        for (const Cta& c : ctas_) {
            now.done.push_back(c.next_compute);
            now.done_at.push_back(c.ready);
        }
    return now;
}

// The fewest windows, k or more, whose CTAs are whole units of `unit` CTAs to within
// kSkipUnitPhase of them: with grouped launches the skip's unit is whole heads that are whole
// waves (lcm(heads' CTAs, slots)), and the windows (whole heads of a wave or more) need not divide
// it. The L2's misses swing with where the heads fall on the waves, over a period of a unit: FA2's
// forward at N = 15351, d = 64, 9 x 16 heads on the h200 (windows of 3 heads, 360 CTAs, a unit of
// 1320) read 0.0108-0.0168 bytes from HBM per byte moved from one window to the next, and spans
// of 5 windows, 1.36 units, compared and extrapolated, came out 0.98% low in HBM reads against
// --exact; spans of 11 windows, 3 units, 0.05%. A span within kSkipUnitPhase of whole units holds
// the swing's periods but that share (the Figure 2 setting's GEMMs: windows of 1088 CTAs, a unit
// of 2160, spans of two windows 0.7% over one unit).
size_t KernelRun::whole_units(size_t k, int64_t unit) const {
    const size_t most = size_t(std::lcm(unit, window_) / window_);  // whole units exactly
    for (size_t K = k; K < most; ++K) {
        const int64_t span = int64_t(K) * window_, off = span % unit;
        if (double(std::min(off, unit - off)) <= kSkipUnitPhase * double(span)) return K;
    }
    return std::max(k, most);
}

void KernelRun::checkpoint(double t) {
    marks_.push_back(mark(t));
    const bool grouped = launches_grouped(window_launches_, t, s_.slots);
    window_launches_.clear();
    const size_t m = marks_.size() - 1;
    if (m >= 1 && grouped) last_grouped_ = m;
    if (m >= 1 && !grouped && last_grouped_ > 0) spread_ = true;
    // A timeline records every CTA until it is full (timeline_cap events); no skip before.
    if (cfg_.timeline && cfg_.timeline->size() < cfg_.timeline_cap) return;
    // Kernels of kSkipFreeWaves waves or more whose launches came in groups within the last
    // 2 kSkipGroupedSpanWaves waves: each span checked holds kSkipGroupedSpanWaves waves (drift).
    // And once their launches have begun to spread out after coming in groups, they drift while
    // they spread: no skip before mark 2 g, g the last mark whose window launched in groups. Not
    // where a window is kSkipGroupedSpanWaves waves or more: whether such a window's launches come
    // in groups says little of the start's groups (vanilla's softmax at N = 16384, 16 heads on the
    // h200, a head of 41 waves a window, flags windows grouped and not in no order; waiting, it
    // skipped nothing, 1.6 -> 3.1 CPU s).
    const size_t span_windows = size_t(std::ceil(kSkipGroupedSpanWaves * double(s_.slots) / double(window_)));
    // What drifts is the L2's hits on tiles that several CTAs move: not in a kernel whose CTAs
    // share none (the unfused element-wise kernels, each CTA its own rows). Without the L2 model
    // every access waits at HBM's queue and the cycles drift as the launches spread, in kernels of
    // any number of waves (steady_skip.h).
    const bool free_waves = s_.waves >= kSkipFreeWaves, drifts = (free_waves && head_.shares_tiles) || !mem_.models_l2();
    if (drifts && span_windows > 1 && spread_ && m < 2 * last_grouped_) return;
    const size_t drift = drifts && last_grouped_ > 0 && last_grouped_ + 2 * span_windows > m ? span_windows : 0;
    const double sampled_granule = double(mem_.granule_bytes()) * double(mem_.l2_sample_every());
    // The sampled granules asked of a span: kMinSampledGranules in the two spans together, or in
    // each where CTAs share tiles: those kernels' hits drift (above), and the two spans together
    // skipped the FA2 backward at B = 64, N = 10999, d = 64 on the a100-40gb (1 in 4 sets, 816
    // waves) after half the windows, its HBM reads 6.1% high against --exact (1.1% with each).
    const size_t back = head_.shares_tiles ? 1 : 2;
    // Where the CTAs share no tile: times the square of the share of the kernel a skip now could
    // extrapolate at most, f (the CTAs left but the tail's, over all). A span's sampled rate is
    // off by about 1 / sqrt(n) for n granules, the kernel's total by f times that, so
    // n = kMinSampledGranules f^2 keeps the total as close as the run's own sampling does (since
    // 2026-12-06: the row kernels of vanilla and standard attention at N = 1024, 16 x 16 heads on
    // the h200 skip 10-20% more of their CTAs). Not where CTAs share tiles: their hits drift from
    // span to span by more than the sampling's noise (FA2's backward at N = 1895, d = 128, 39 x 16
    // heads on the a100-40gb, 87 waves at 1 in 4 sets, skipped 46% of its CTAs on spans of a fifth
    // of the granules and came out 0.81% high in HBM reads against --exact, -0.003% without).
    const int64_t tail = int64_t(std::ceil(kSkipTailWaves * double(s_.slots)));  // kept exact at the end
    const double left = double(std::max<int64_t>(0, k_.cta_count() - next_cta_ - tail));
    const double share = head_.shares_tiles ? 1.0 : std::min(1.0, left / double(k_.cta_count()));
    const double granules_asked = double(kMinSampledGranules) * share * share;
    // Spans after the L2's dirty fill (WritebackCheck) where CTAs share tiles: the GEMMs of
    // unfused attention at long rows, whose first head-long window fills the L2 with dirty S. Not
    // the row kernels: their dirty bytes rise and fall with their launches' groups, and taking such
    // spans vanilla's softmax at N = 4096, d = 64, 4 x 16 heads on the h200 (the cross-check's v2)
    // skipped sooner, the run 0.32% fast against --no-skip (0.00% with write-backs per byte).
    const WritebackCheck wb = head_.shares_tiles ? WritebackCheck::or_dirty_fill : WritebackCheck::per_byte;
    for (size_t L = 1; m >= 1 + 2 * L; ++L) {
        const SkipMark &b = marks_[m - back * L], &e = marks_[m];
        const double hbm = e.hbm_read_bytes() + e.writeback_bytes() - b.hbm_read_bytes() - b.writeback_bytes();
        if (mem_.l2_sample_every() > 1 && hbm / sampled_granule < granules_asked) continue;
        // Spans that disagree may agree over more windows (a window-to-window pattern: the
        // dropout kernel of standard attention at N = 4096, 4 x 16 heads on the h200, 1 in 4 sets
        // of 128-byte granules, 1-2% apart from one window to the next over about five): try the
        // longer spans before giving up at this mark.
        if (!steady(marks_, m, L, wb)) continue;
        // The last two spans of K windows agree as well, K the fewest windows (L at least) that
        // move kSkipSpanL2Bytes times the L2's data bytes (kSkipRowSpanL2Bytes where the CTAs
        // share no tile) and, with grouped launches, hold the CTAs in which the skip's units fall
        // on waves the same way again (lcm(skip_unit(), slots): whole heads that are whole waves,
        // or whole waves); the skip extrapolates those 2 K windows; drift's spans (above) when
        // longer.
        const double window_moved = double(window_) / double(k_.ctas_per_head) * head_.moved;
        const size_t by_bytes = window_moved > 0 ? size_t(std::ceil(head_.span_l2s() * double(g_.l2_data_bytes()) / window_moved)) : 1;
        // Where every CTA does the same work, kSkipRowSpanWaves waves too (the cycles per byte settle
        // over the first waves: steady_skip.h).
        const size_t by_waves = skip_unit() == 1 ? size_t(std::ceil(kSkipRowSpanWaves * double(s_.slots) / double(window_))) : 1;
        const auto span_of = [&](int64_t u) {
            return whole_units(std::max({L, by_bytes, by_waves, size_t((u + window_ - 1) / window_), drift}), u);
        };
        // Grouped: this window's launches, or, where the kernel has the CTAs for a skip of such
        // units after spans of them, those of any window of the two spans checked. The launches
        // of a kernel whose CTAs drift apart spread window by window, and the test of one window
        // flips at its threshold while the groups still set the kernel's end: FA3's forward at
        // B = 49, N = 1977, d = 64 on the a100-40gb (two CTAs an SM, 58 waves, a short CTA in each
        // head) launched in groups in windows 2-9 and not in window 10, skipped 46 windows of 224
        // CTAs there (not whole waves) and came out 1.36% slow against --exact. Where such units
        // do not fit (FA2's forward at B = 32, N = 2049, d = 64 on the a100-40gb: units of 17
        // waves in 40), the skip stays as it was, by windows once they launch evenly.
        const int64_t grouped_unit = std::lcm(skip_unit(), s_.slots);
        const size_t grouped_span = span_of(grouped_unit);
        const bool fits = int64_t(1 + 2 * grouped_span) * window_ + grouped_unit <= k_.cta_count() - tail;
        const bool in_groups = !free_waves && (grouped || (fits && last_grouped_ > 0 && last_grouped_ + 2 * grouped_span >= m));
        const int64_t unit = in_groups ? grouped_unit : window_;
        const size_t K = in_groups ? grouped_span : span_of(window_);
        if (m < 1 + 2 * K || !steady(marks_, m, K, wb)) return;
        const int64_t j = (k_.cta_count() - next_cta_ - tail) / unit;
        if (j >= 1) skip(j * unit, marks_[stretch(marks_, m, 2 * K)], e);
        return;
    }
}

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
    if (h.cta_changes != e.cta_changes || !same_rates_made(cut_from_, cut_to_, h, e) || !same_l2_reads(cut_from_, cut_to_, h, e)) return false;
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

// Skips `ctas` CTAs, whole units (skip_unit). What they send to the L2 is exact (every head's
// requests are the same, and where the unit is a CTA every CTA's: one unit's, times the units);
// what depends on the L2's state is the span extrapolated (b to m, m now; stretch()): per
// tensor, its misses per byte read and the bytes it made dirty per byte written (per byte moved
// for a tensor the span did not read or write), and its cycles and sums per byte moved.
void KernelRun::skip(int64_t ctas, const SkipMark& b, const SkipMark& m) {
    const bool per_cta = skip_unit() == 1;
    const int64_t units = ctas / skip_unit();
    const auto& unit_requests = per_cta ? head_.cta_requests : head_.requests;
    std::array<Traffic, kTensorCount> requests;
    for (size_t i = 0; i < kTensorCount; ++i) requests[i] = unit_requests[i].scaled(uint64_t(units));
    s_.skipped_ctas = ctas;
    extrapolate(b, m, requests, double(units) * (per_cta ? head_.cta_moved : head_.moved));
    // The CTAs in flight and those about to start go on as the CTAs `ctas` further on.
    for (size_t slot = 0; slot < ctas_.size(); ++slot) {
        pending_[slot] += ctas;
        if (ctas_[slot].stream) ctas_[slot].restream(ctas_[slot].index + ctas, k_.stream(ctas_[slot].index + ctas));
    }
    next_cta_ += ctas;
    // The warming evicts what was dirty without charging its write-back and leaves dirty what the
    // resumed CTAs will write back. In a steady state the L2 holds as many dirty bytes of each
    // tensor after the skip as before: the difference is charged (or refunded) now.
    if (!mem_.models_l2()) return;
    const auto dirty_before = mem_.dirty_bytes_by_tensor();
    warm_l2(next_cta_);
    charge_dirty_change(dirty_before);
}

// After a warming: the difference between the L2's dirty bytes of each tensor before it and now,
// charged as write-backs (or refunded).
void KernelRun::charge_dirty_change(const std::array<uint64_t, kTensorCount>& dirty_before) {
    const auto dirty_after = mem_.dirty_bytes_by_tensor();
    for (size_t i = 0; i < kTensorCount; ++i) {
        uint64_t& w = c_.per_tensor[i].hbm_write_bytes;
        w = dirty_before[i] >= dirty_after[i] ? w + (dirty_before[i] - dirty_after[i]) : w - std::min(w, dirty_after[i] - dirty_before[i]);
    }
}

// Adds what the work not simulated, which sends `requests` to the L2 and moves `moved` trace
// bytes, would have added, as the span from mark b to mark m (m now) did per byte moved: per
// tensor, its misses and partition crossings per byte read and the bytes it made dirty per byte
// written (per byte moved for a tensor the span did not read or write), and the cycles (unless
// given) and sums. Returns the cycles.
double KernelRun::extrapolate(const SkipMark& b, const SkipMark& m, const std::array<Traffic, kTensorCount>& requests, double moved,
                   double cycles) {
    const double n = moved / (m.moved - b.moved);
    for (size_t i = 0; i < kTensorCount; ++i) {
        Traffic& t = c_.per_tensor[i];
        const Traffic &now = m.counts.per_tensor[i], &before = b.counts.per_tensor[i], &r = requests[i];
        const auto per = [&](uint64_t skipped, uint64_t window) { return window > 0 ? double(skipped) / double(window) : n; };
        // The requests counted from the ops reach the L1 first, where the kernel's loads go
        // through it, then the request coalescer: the skipped work's hits and coalesced requests
        // are the span's shares of them.
        const uint64_t span_hits = now.l1_hit_bytes - before.l1_hit_bytes, span_reads = now.global_read_bytes - before.global_read_bytes,
                       span_merged = m.coalesced[i] - b.coalesced[i], span_requests = span_hits + span_reads + span_merged;
        auto share = [&](uint64_t part) {
            return part == 0 ? 0 : uint64_t(std::llround(double(r.global_read_bytes) * double(part) / double(span_requests)));
        };
        const uint64_t hits = share(span_hits), merged = std::min(r.global_read_bytes - hits, share(span_merged));
        const double read = per(r.global_read_bytes, span_requests);
        t.hbm_read_bytes += scaled_delta(now.hbm_read_bytes, before.hbm_read_bytes, read);
        t.l2_hop_bytes += scaled_delta(now.l2_hop_bytes, before.l2_hop_bytes, read);  // crossings per byte read too
        // The bytes the span made dirty, written back or still dirty at its end: what the
        // skipped work writes back in a steady state (the span's own write-backs also follow the
        // ups and downs of the L2's dirty bytes).
        const double made = double(m.writebacks[i]) - double(b.writebacks[i]) + double(m.dirty[i]) - double(b.dirty[i]);
        const double written = per(r.global_write_bytes, now.global_write_bytes - before.global_write_bytes);
        t.hbm_write_bytes += uint64_t(std::max(0.0, std::round(written * made)));
        t.global_read_bytes += r.global_read_bytes - hits - merged;
        t.l1_hit_bytes += hits;
        t.l2_coalesced_bytes += r.l2_coalesced_bytes + merged;  // multicast reads (exact, from the ops) and coalesced ones
        mem_.count_coalesced(i, merged);
        t.global_write_bytes += r.global_write_bytes;
        t.atomic_bytes += r.atomic_bytes;
    }
    for (auto f : kSkipSums) s_.*f += n * (m.sums.*f - b.sums.*f);
    skipped_tensor_busy_ += n * (m.tensor_busy - b.tensor_busy);
    if (cycles < 0) cycles = n * (m.t - b.t);
    skipped_cycles_ += cycles;
    return cycles;
}

KernelRun::Head KernelRun::one_head() const {
    Head h;
    std::vector<Op> buf(256);
    std::unordered_map<TileKey, int64_t, TileKeyHash> mover;  // the CTA that moved a tile, until two did
    // CTA 0's ops but for where their bytes lie (kind, tensor, shape, bytes, work and the L2
    // requests they make), while every CTA's so far are the same.
    const auto work = [](const Op& op) {
        return std::make_tuple(op.kind, op.tensor, op.line, op.flags, op.rows, op.cols, op.bytes, op.flops, op.exps,
                               op.moves_data() ? l2_request_bytes(op) : 0);
    };
    std::vector<decltype(work(Op{}))> first;
    h.identical = true;
    for (int64_t c = 0; c < k_.ctas_per_head; ++c) {
        auto st = k_.stream(c);
        const double before = h.moved;
        size_t at = 0;
        for (size_t n; (n = st->fill(buf.data(), buf.size())) != 0;)
            for (size_t i = 0; i < n; ++i) {
                add_requests(buf[i], h.requests, h.moved);
                if (h.identical && !h.shares_tiles) {
                    if (c == 0) first.push_back(work(buf[i]));
                    else h.identical = at < first.size() && first[at] == work(buf[i]);
                    ++at;
                }
                if (h.shares_tiles || !buf[i].moves_data()) continue;
                const auto [u, fresh] = mover.try_emplace(tile_key(buf[i]), c);
                h.shares_tiles = !fresh && u->second != c;
            }
        if (c > 0 && at != first.size()) h.identical = false;
        if (c == 0) {
            h.cta_requests = h.requests;
            h.cta_moved = h.moved;
        }
        const double own = h.moved - before;
        h.least = c == 0 ? own : std::min(h.least, own);
        h.most = std::max(h.most, own);
    }
    return h;
}

// Gives the L2 the tiles that the CTAs launched before `end` leave in it: their distinct tiles,
// walking back from end - 1 until they hold twice the L2's data bytes, touched in the order of
// their last use (LRU then holds the most recent), dirty when any of their accesses wrote. The
// CTAs of a wave run together: iteration k of K of CTA c is taken to run at c + slots k / K
// (a CTA lives as long as `slots` CTAs take to start), its stores at the iteration's end. A CTA
// in flight gives what it has issued (the loads of the iterations before next_issue, the
// stores of those before next_compute); one not started yet gives nothing.
void KernelRun::warm_l2(int64_t end) {
    std::unordered_map<int64_t, const Cta*> in_flight;
    for (size_t slot = 0; slot < ctas_.size(); ++slot) {
        const Cta& c = ctas_[slot];
        if (c.stream) in_flight[c.index] = &c;
        if (!c.stream || pending_[slot] != c.index) in_flight[pending_[slot]] = nullptr;
    }
    TileWarmer tiles(2 * uint64_t(g_.l2_data_bytes()));
    std::vector<Iteration> its;
    for (int64_t c = end - 1; c >= 0 && !tiles.full(); --c) {
        const auto f = in_flight.find(c);
        if (f != in_flight.end() && !f->second) continue;
        const int64_t loads_issued = f != in_flight.end() ? f->second->next_issue : INT64_MAX;
        const int64_t stores_issued = f != in_flight.end() ? f->second->next_compute : INT64_MAX;
        Cta cut = Cta::of(k_.stream(c));
        its.clear();
        for (int64_t k = 0; cut.have(k); ++k) its.push_back(cut.it(k));
        const double K = double(its.size()), span = double(s_.slots);
        for (size_t k = 0; k < its.size(); ++k) {
            if (int64_t(k) < loads_issued)
                for (const Op& op : its[k].loads) tiles.use(op, double(c) + span * double(k) / K);
            if (int64_t(k) < stores_issued)
                for (const Op& op : its[k].stores) tiles.use(op, double(c) + span * double(k + 1) / K);
        }
    }
    tiles.warm(mem_);
}

}  // namespace flashsim::engine

namespace flashsim {

uint64_t l1_tensors(const KernelTrace& k, const GpuSpec& g) {
    if (!k.issue.elementwise_loads() || g.l1_sram_bytes_per_sm <= 0) return 0;
    std::vector<Op> buf(256);
    std::unordered_set<engine::TileKey, engine::TileKeyHash> loaded;
    uint64_t twice = 0;
    for (int64_t c = 0; c < std::max<int64_t>(1, k.ctas_per_head); ++c)
        for (auto st = k.stream(c); const size_t n = st->fill(buf.data(), buf.size());)
            for (size_t i = 0; i < n; ++i)
                if (buf[i].kind == OpKind::load && buf[i].moves_data() && !loaded.insert(engine::tile_key(buf[i])).second)
                    twice |= uint64_t(1) << size_t(buf[i].tensor);
    return twice;
}

}  // namespace flashsim
