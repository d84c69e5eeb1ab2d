// kernel_skip.cpp: the steady-state skip of the event loop (kernel_run.h), which skips whole
// heads' CTAs, and what both skips share: the marks, what they extrapolate and how they leave the
// L2 (docs/speed.md). The iteration skip of few long CTAs: iteration_skip.cpp.
#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "sim/engine/kernel_run.h"
#include "sim/engine/tile_warmer.h"

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
    marks_.back().grouping = launch_grouping(window_launches_, t, s_.slots);
    const bool grouped = launches_grouped(marks_.back().grouping);
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
        // And where the CTAs share tiles, in kernels long enough for their drift and of windows
        // shorter than it (above), their launches' grouping (steady_skip.h).
        const bool drift_steps = head_.shares_tiles && s_.waves >= kSkipGroupingWaves && span_windows > 1;
        if (j < 1 || (drift_steps && !grouping_holds(marks_, m, K, double(j * unit) / double(window_)))) return;
        skip(j * unit, marks_[stretch(marks_, m, 2 * K)], e);
        return;
    }
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
