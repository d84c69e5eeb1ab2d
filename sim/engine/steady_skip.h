// steady_skip.h: the steady-state skip's decisions (kernel_sim.h's contract, docs/speed.md): which
// kernels it applies to, the marks the event loop takes at each window's start, whether the
// windows before a mark repeat, which of them a skip extrapolates, and whether a window launched
// its CTAs in groups. The skip itself (what it adds, how it resumes, the L2's warming) is the
// event loop's, in kernel_skip.cpp and iteration_skip.cpp.
#pragma once
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "sim/engine/counters.h"
#include "sim/engine/kernel_sim.h"

namespace flashsim {

// Windows of at least this many waves and of moving at least this many times the L2's data bytes
// (the L2's contents turn over: a shorter window sees one phase of it), compared within this
// relative tolerance (cycles and HBM bytes).
inline constexpr double kSkipWindowWaves = 1;
inline constexpr double kSkipWindowL2Bytes = 4;
inline constexpr double kSkipTolerance = 0.01;
// The waves at the end that a skip leaves to simulate besides the CTAs in flight: none. The CTAs in
// flight at the skip (every slot's) go on as the kernel's last CTAs, exactly, with whatever CTAs
// remain after the skip's whole units, so the kernel's last wave is simulated. Two waves until
// 2026-12-06 (a margin, not a measured need): the Figure 2 setting's four GEMMs of 15.2 waves,
// skipped in units of two waves, kept 7.2 waves exact, now 5.2; `bench-fast --waves` seeds 1-18
// stay within the bounds they were within, the worst bytes of a seed up to 0.11 points higher
// (FA3's forward at N = 1241, 45 x 16 heads on the a100-40gb: 0.183 -> 0.289%; docs/speed.md).
inline constexpr double kSkipTailWaves = 0;
// The two spans checked before a skip move at least this many times the L2's data bytes each: over
// windows of kSkipWindowL2Bytes the misses and cycles per byte differ by 1-3% from one window to the
// next (FA3 at N = 1555, B = 55 on the h100: HBM reads per byte 0.1060-0.1092 a window, 0.1073 over
// 40 windows; extrapolating one window made the run 0.84% low in HBM reads).
inline constexpr double kSkipSpanL2Bytes = 8;
// Kernels whose CTAs move no tile another CTA moves (the unfused element-wise row kernels: scale,
// softmax, dropout and their backward, each CTA its own rows once; KernelRun::Head::shares_tiles)
// carry no hits from one window into the next: what turns over in the L2 is the dirty rows
// awaiting their write-back, the same every L2 of bytes moved once the rows the kernel before
// left are out. Their windows move kSkipRowWindowL2Bytes L2s and their spans kSkipRowSpanL2Bytes
// (whole heads still): at the validation shapes (N = 1024, 4096; h200) and the Figure 2 setting
// (a100-40gb) their kernels skip 59-68% of their CTAs instead of 35-47%, within 0.48% of
// --no-skip's time and 0.05% of its HBM bytes, kernel by kernel (docs/speed.md).
inline constexpr double kSkipRowWindowL2Bytes = 1;
inline constexpr double kSkipRowSpanL2Bytes = 2;
// Where every CTA of such a kernel also does the same work (KernelRun::skip_unit: rows of one
// length, any row length), windows hold whole waves, not whole heads, and a skip may come within a
// head; each span checked then holds kSkipRowSpanWaves waves too. A kernel's cycles per byte settle
// over its first waves: standard attention's scale kernel at N = 16384, 16 heads on the h200 took
// 0.000504 cycles per byte in its third one-wave window, 0.000487 from about the fifteenth on (a
// drift of 0.2% a window, which two spans of 4 windows compared within kSkipTolerance pass): it came
// out 1.35% slow against --no-skip with spans of 2 L2s alone, 0.82% with spans of 8 waves.
inline constexpr double kSkipRowSpanWaves = 8;
// The spans the steady-state skip compares and extrapolates hold whole units of its skip (whole
// heads that are whole waves, with grouped launches) to within this share of their CTAs
// (KernelRun::whole_units).
inline constexpr double kSkipUnitPhase = 0.02;
// The windows before those checked that the skip extrapolates too: each within this share of them
// in cycles, HBM reads and write-backs per byte (stretch below).
inline constexpr double kSkipStretch = 0.1;

// Kernels of fewer waves than this (at 8, the FA2 backward at N = 4096, 64 heads, came out 2.8% off
// in time, before whole waves below, and v4 0.6% in HBM reads; 12 lets the Figure 2 setting's GEMMs
// of 15.2 waves skip, fewer was not studied), of fewer heads than kSkipMinHeads (a head's compulsory misses
// come when its first CTAs start: with few heads a window holds few such lumps, and FA3 and v4 at
// N = 16384, 16 heads, came out 1.1-1.3% off in HBM reads), or whose CTAs do unequal work (causal
// masking: the CTA moving the fewest bytes moves less than kSkipUniformShare of the most; the last
// waves' packing of long and short CTAs moved FA2 causal at N = 4096 by 3.7%) run whole.
inline constexpr double kSkipMinWaves = 12;
// Whole waves. CTAs of equal work started together end together: their launches stay grouped in
// waves, and the time the kernel takes is its number of waves, rounded up, times a wave's time. A
// skip of CTAs that are not whole waves shifts the groups against the kernel's end and moves that
// rounding (the FA2 backward at N = 4096, B = 5, H = 16, one CTA per SM on the h200: 19.4 waves,
// 1120 CTAs = 8.5 waves skipped, 2.7% fast). So when the last window's launches are grouped (a
// launch lies further than kSkipGroupedWaves of a wave's time from the straight line through the
// window's first and last launches), or those of any window of the two spans checked where the
// kernel has the CTAs for such units (KernelRun::checkpoint), a kernel of fewer than
// kSkipFreeWaves waves skips whole heads that are also whole waves (multiples of
// lcm(ctas_per_head, slots)) or nothing. Launches spread
// evenly over time (CTAs of an SM out of step) move the end by the CTAs skipped, whatever their
// number; at kSkipFreeWaves waves or more the rounding is under 1 / kSkipFreeWaves of the time.
inline constexpr double kSkipGroupedWaves = 0.25;
inline constexpr double kSkipFreeWaves = 128;
// CTAs of a kernel of kSkipFreeWaves waves or more that started together drift apart over tens of
// waves, and the L2's hits change as they do: the FA2 backward at N = 7345, 64 x 16 heads on the
// a100-40gb (one CTA per SM) missed 0.035 bytes per byte moved a window while its launches stayed
// grouped (49 windows of a wave each), then 0.025 once they had spread out (after some 120), and
// two windows of the first agreed: the skip came out 34% high in the kernel's HBM reads. So when
// any window of the last 2 kSkipGroupedSpanWaves waves launched in groups, each span checked
// holds kSkipGroupedSpanWaves waves (a drift shows as spans that disagree). And once a window has
// launched evenly after grouped ones, the drift goes on while the launches spread (0.0267 over
// windows 60-90 there, 0.0256 over the last 30: under 1% from one span of 30 windows to the next,
// which the check does not see): the kernel waits as long again as its launches came in groups,
// no skip before mark 2 g, g the last mark whose window launched in groups. Both only for kernels
// whose CTAs share tiles (KernelRun::Head::shares_tiles): what drifts is the hits on tiles that
// several CTAs read; the unfused element-wise kernels (each CTA its own rows) have none, and
// waiting cost them 4 more heads of 16 at N = 16384. Every kernel, of any number of waves, without
// the L2 model (paper mode), where each access waits at HBM's queue: there the cycles drift as
// the launches spread (vanilla's softmax backward at B = 13, N = 1927, d = 64 on the h100, 380
// waves: 823 cycles a MB over its first 40 windows of three waves, 800 after; skipped at window 11
// it came out 2.4% slow, the run 1.1%, against --paper --exact; FA3's forward at B = 50,
// N = 1149, d = 128 on the h200, 55 waves: 450 cycles a MB falling to 420 over eight windows,
// skipped at the eighth, 1.26% slow).
inline constexpr double kSkipGroupedSpanWaves = 32;
// Where CTAs share tiles, the launches' grouping (launch_grouping, in waves: how far the window's
// farthest launch lies from even) must hold for a skip (grouping_holds). What the L2 hits of tiles
// several CTAs read depends on how far apart those CTAs run, which the grouping follows: a kernel
// whose CTAs are still drifting apart has spans whose rates agree now and a step later.
//   - Averaged over each of the two spans checked, within kSkipGroupingDrift. The FA2 backward at
//     B = 6, N = 16055, d = 128 on the a100-80gb (112 waves of one CTA an SM, grouped) read 0.0233
//     bytes from HBM per byte moved over its first 23 windows of a head, 0.025 to the 83rd, then
//     0.029, while its grouping fell from 0.78 to 0.42 of a wave: spans of 31 windows agreed in
//     rates at the 67th (grouping 0.631 and 0.526), and the skip after them came out 2.3% low in
//     HBM reads against the run without skips at the same sampling (1 in 4 sets), 0.000% with
//     this check.
//   - Its change from the span after the first window to the last span checked, at that pace over
//     the windows a skip extrapolates, within kSkipGroupingTrend: a drift too slow for two spans to
//     show. The FA2 backward at B = 17 of the same shape (317 waves): its grouping fell by about
//     0.02 a span of 28 windows, with a jump back up every 55-65 windows, and its HBM reads per
//     byte moved stepped up at windows 24, 84 and 168 (0.023, 0.025, 0.029, 0.038); spans at the
//     130th agreed in rates and grouping, and the skip after them came out 10.6% low in HBM reads
//     (18.2% without either check), 0.000% with this one (no skip; 6.8 CPU s rather than 3.1).
// Kernels whose grouping held moved it by at most 0.026 between spans and 0.05 at the trend's pace
// (FA1, FA2, FA3 and the unfused GEMMs, every preset). Kernels whose grouping still fell as their
// launches spread, but whose rates did not follow, skipped within the bounds all the same and lose
// all or part of their skip: FA2's forward at B = 29, N = 10052, d = 64 on the rtx4090 (0.13
// between spans, 0.74 at the trend's pace: no skip, 1.5 -> 2.5 CPU s), FA2's backward at B = 64,
// N = 7345, d = 64 on the a100-40gb (31320 -> 22968 CTAs skipped). The row kernels, whose CTAs
// share no tile, swing by up to 0.22 from span to span and are not checked.
// Nor are kernels of fewer than kSkipGroupingWaves waves (two spans of a drift's
// kSkipGroupedSpanWaves): their grouping falls from wave to wave as their first groups spread,
// and where that made a step in their rates the spans checked show it. The Figure 2 setting's
// P V and backward GEMMs (15 waves, grouping 0.88 to 0.33 of a wave over 13 windows, a span
// 0.12 apart from the one before) skip as before, within the fast path's bounds; checked, they
// ran whole, and the setting took 3.9 CPU s rather than 1.6. Nor are windows of
// kSkipGroupedSpanWaves waves or more, whose grouping says little of the CTAs' (as for the drift's
// spans: KernelRun::checkpoint): vanilla's Q K^T GEMM at N = 16384, 16 heads on the h200 (windows
// of a head, 496 waves) checked, skipped three heads fewer, within the same 0.02% of its bytes.
inline constexpr double kSkipGroupingDrift = 0.05;
inline constexpr double kSkipGroupingTrend = kSkipGroupedWaves;  // as far as grouped lies from even
inline constexpr double kSkipGroupingWaves = 2 * kSkipGroupedSpanWaves;
inline constexpr int64_t kSkipMinHeads = 64;
// Fewer heads skip when each head spans at least this many waves: the lump of a head's compulsory
// misses is then a small part of its window (the runs above had one wave per head). Any number of
// heads where the skip's unit is a CTA (KernelRun::skip_unit: the row kernels, no such lump).
inline constexpr double kSkipMinHeadWaves = 8;
inline constexpr double kSkipUniformShare = 0.75;  // the CTA moving the fewest bytes moves at least this share of the most

// The iteration skip, for kernels the skip above leaves whole, without a causal mask (a fused
// kernel's sweeps then shorten or lengthen as it goes: FA1's causal forward and backward at
// N = 13037, 16 heads on the h200, came out 1.5% and 2.2% low in HBM reads and writes) or whose
// loops ignore it (KernelTrace::dense_loops: the unfused GEMMs, the same ops either way): CTAs
// of at least this many iterations (FA1's one CTA per head loops over every pair of blocks:
// 262144 iterations at N = 16384 with Br = Bc = 32; vanilla's P V GEMM reads 256 tiles of P per
// CTA there). Once the windows of kSkipWindowL2Bytes (marked by iterations ended:
// KernelRun::iteration_window) repeat with no CTA launched or retired in the last two spans (in
// a wave after a cut, where the span before the last holds its launches, the last span repeats
// the cut's: KernelRun::like_last_cut), every CTA in flight drops the iterations it has not yet
// cut from its stream that it would run in one time at its own pace, all but the last span's
// worth at its end (two spans' in the last wave) (KernelRun::iteration_checkpoint,
// docs/speed.md).
inline constexpr int64_t kSkipMinIterations = 64;

// Whether x and y differ by at most `share` of the larger (false when either is nan).
inline bool within_share(double x, double y, double share) { return std::abs(x - y) <= share * std::max(std::abs(x), std::abs(y)); }

// What the event loop has done by a window's start; `moved` the trace bytes of the transfers
// issued so far, the measure of work done (a window of W launches spans a whole number of waves'
// work, not W CTAs', when CTAs start in bursts).
struct SkipMark {
    double t = 0, moved = 0;
    Counters counts;
    std::array<uint64_t, kTensorCount> writebacks{}, dirty{};
    KernelSimStats sums;
    double tensor_busy = 0;
    // The iteration skip's (kernels of few CTAs of many iterations): CTAs launched, started and
    // retired so far, iterations ended, and those the CTA in each slot has ended, the last when.
    int64_t cta_changes = 0, iterations = 0;
    std::vector<int64_t> done;
    std::vector<double> done_at;
    std::array<uint64_t, kTensorCount> coalesced{};  // MemorySystem::coalesced_so_far
    double grouping = 0;  // launch_grouping of the window that ended at the mark
    double hbm_read_bytes() const;
    double l2_read_bytes() const;  // the reads that reached the L2 (past the L1 and the request coalescer)
    double writeback_bytes() const;
    double dirty_bytes() const;  // the L2's, summed over tensors
};

// How two spans' write-backs must agree. `per_byte`: per byte moved, within kSkipTolerance.
// `or_dirty_fill`: that, or the first span's fall short by what the L2's dirty bytes grew in it
// (its writes filling the L2 with dirty lines), where
//   - the dirty bytes rose at every mark of the first span (a fill, not dirty lines that come and
//     go window by window: with every kernel taking this rule, standard attention's softmax
//     backward at N = 4223, 2 x 16 heads on the h100 swung 2-3 MB a window, skipped a window
//     sooner and came out 0.97% fast against --exact, 0.28% with this check);
//   - the bytes made dirty (written back plus the growth) per byte moved agree within
//     kSkipTolerance;
//   - over the last span the L2's dirty bytes move by at most kSkipTolerance of its write-backs:
//     the L2 holds its dirty level, so what that span made dirty is what it wrote back (where they
//     fall, dirty lines of an earlier phase are leaving and the turnover is not steady).
// The steady-state skip's, for kernels whose CTAs share tiles: vanilla's Q K^T GEMM at N = 16384,
// 16 heads on the h200 (windows of a head) fills the L2 with dirty S over its second window, whose
// write-backs fell 1.47% short of the third's while its dirty bytes rose 7.6 MB (17.4 to 25.0 MB),
// and the skip came a head later.
// `made`: the bytes made dirty (written back plus the growth of the L2's dirty bytes) per byte
// moved, within kSkipTolerance, whatever the write-backs: what the iteration skip extrapolates
// (KernelRun::extrapolate). Its spans lie within a wave, where the write-backs are the dirty lines
// of the wave before leaving the L2 as the misses evict them, a drain no span repeats (FA2's
// forward at N = 16384, 16 heads on the h100: O of 264 CTAs, 8.25 MiB, written back over the next
// wave, 0.0014 -> 0.0050 -> 0.0025 bytes a byte moved from span to span), and a cut's warming
// evicts, and charges, what the drain would have. With marks by bytes moved it let a drift of the
// hits through a wave pass (FA2 at N = 33919, 2 x 14 heads on the a100-80gb 0.485% low in HBM
// reads), which the write-backs' drift had caught; with marks by iterations (iteration_window)
// the reads themselves show it: 0.144% there (docs/speed.md).
enum class WritebackCheck { per_byte, or_dirty_fill, made };

// Whether the span from mark a0 to a1 and the span from b0 to b1 took the same cycles and HBM
// reads per byte moved, within `share` (false where either moved nothing).
bool same_rates(const SkipMark& a0, const SkipMark& a1, const SkipMark& b0, const SkipMark& b1, double share = kSkipTolerance);

// same_rates, and the same bytes made dirty (write-backs plus the growth of the L2's dirty
// bytes) per byte moved within kSkipTolerance: WritebackCheck::made's check of two spans. With
// `l2_reads`, also as many bytes read from the L2 per byte moved, within kSkipTolerance: as many
// of their requests hit in the L1 or were coalesced.
bool same_rates_made(const SkipMark& a0, const SkipMark& a1, const SkipMark& b0, const SkipMark& b1, bool l2_reads = false);

// Whether the span of L windows before mark m and the span before it took the same cycles, HBM
// reads and write-backs (as `wb` asks) per byte moved, within kSkipTolerance (m >= 2 L).
bool steady(const std::vector<SkipMark>& marks, size_t m, size_t L, WritebackCheck wb = WritebackCheck::per_byte);

// The first mark of the windows a skip extrapolates: the `verified` windows before mark m, and
// the windows before them as long as each one's cycles, HBM reads and write-backs per byte moved
// are within kSkipStretch of those verified windows' (never the first two: the slots start
// together, then the L2 fills; the second window of vanilla's Q K^T GEMM in the Figure 2 setting
// ran 9% faster per byte). Now and then a window misses a few per cent more than those about it,
// and a stretch of few windows that holds none of them is low. Taken together, the windows
// from the first mark to m keep the verified windows' rates within kSkipTolerance (the first mark
// moves up until they do): one window near kSkipStretch off moves a short stretch by more than
// the skip's bound (FA3's forward at B = 14, N = 1495, d = 128 on the a100-80gb, 25 waves of one
// CTA an SM: a window 8.5% faster per byte than the four verified after it, in a stretch of
// five, skipped 17 waves 1.02% fast against --exact, 0.11% without it).
size_t stretch(const std::vector<SkipMark>& marks, size_t m, size_t verified);

// Whether the grouping of the launches (SkipMark::grouping) holds for a skip of `skipped`
// windows after mark m (m >= 1 + 2 L; the reasons: kSkipGroupingDrift): averaged over the span
// of L windows before m and over the span before it, within kSkipGroupingDrift; and its change
// from windows 2 to L + 1 to the last span, at that pace over the `skipped` windows, within
// kSkipGroupingTrend.
bool grouping_holds(const std::vector<SkipMark>& marks, size_t m, size_t L, double skipped);

// How far from even the launches of a window (their times, in launch order) that ended at `end`
// lie: the farthest launch from the straight line from the window's first launch to `end`, in
// waves' time (the window's time over its waves of `slots` CTAs); 1 where all launch at one
// instant (one group), 0 where the window launched none.
double launch_grouping(const std::vector<double>& launches, double end, int64_t slots);
// Whether a window of that grouping launched in groups (kSkipGroupedWaves): one launch lies
// further than that share of a wave's time from the line.
bool launches_grouped(double grouping);

}  // namespace flashsim
