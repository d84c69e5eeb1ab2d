// l2_coalescer.h: Hopper's L2 request coalescer (LRC), in front of the L2 slices' tags.
//
// kernels/micro/l2_merge.cu (raw output: kernels/measurements/micro-nvidia-h200-2026-12-02-
// l2_merge*.txt) reads one 32 KiB region with k CTAs and counts, with ncu, the read sectors the L2
// tags see (lts__t_sectors_srcunit_tex_op_read) and the LRC's own counter of coalesced sectors
// (lrc__request_sectors_op_read_coalescing_achieved_type_hardware). Loads that bypass L1
// (ld.global.cg, cp.async.cg) from CTAs of one SM, 0 or 250 cycles apart, reach the tags 0.58
// (k = 2) and 0.42-0.54 (k = 4) times; 1000 cycles apart 0.75 and 0.71-0.86; 4000 apart 1.0. From
// SMs far apart in %smid (one CTA each): k = 2 never coalesce; k = 4 and 8 read in step reach the
// tags 0.90 and 0.67-0.69 times, 1000 cycles apart 1.0. Every SM still receives all its sectors
// (l1tex__m_xbar2l1tex_read_sectors = requested): the LRC answers the later requests with the
// first one's data.
//
// Contract:
//   - a read of granule g (the L2 model's granule) by a CTA on SM `side` is coalesced while a
//     request of that SM for g that reached the tags is in flight: from its arrival until its data
//     is back (complete()), and at most `window_cycles` after its arrival; else it reaches the
//     tags and is in flight itself. Only the requests of one SM's CTAs are coalesced: the micro's
//     readers on different SMs coalesce far less than the same readers on one SM (above).
//     kernels/micro/sm_skew finds CTAs that read the same tiles on different SMs within a few
//     hundred ns of each other, tile after tile; which of their reads merge depends on where they
//     sit (the two SMs of a TPC always, SMs of different GPCs in one half of the GPU half the
//     time, SMs of one GPC across TPCs or of the two halves never) and, spread over the GPU, on
//     skew at that scale; the engine does not place CTAs on TPCs and GPCs as the GPU does, and
//     v5 merges less than the micro's sweeps of its shapes. Coalescing all SMs' requests removed
//     40-90% of the FlashAttention kernels' L2 reads against the 15-33% that the GPU's LRC
//     removes (docs/fidelity.md, L2 traffic);
//   - coalesced(addr, bytes, side, t, to_tags) returns the bytes coalesced and calls
//     to_tags(addr, bytes) for every maximal run that reaches the tags; complete(done) gives the
//     requests of the last coalesced() calls their end;
//   - the last request per granule and SM is kept in a direct-mapped table of `entries` per SM (a
//     power of two; kCoalescerEntriesPerSm holds 512 KiB of 128-byte lines, more than an SM has in
//     flight); a granule that lost its entry starts anew (the error is toward no coalescing);
//   - window_cycles = 0: nothing is coalesced.
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

namespace flashsim {

constexpr int64_t kCoalescerEntriesPerSm = 4096;

class L2Coalescer {
public:
    L2Coalescer(int64_t granule_bytes, int64_t sides, double window_cycles, int64_t entries);

    using TagsFn = std::function<void(uint64_t addr, uint64_t bytes)>;
    uint64_t coalesced(uint64_t addr, uint64_t bytes, int64_t side, double t, const TagsFn& to_tags);
    void complete(double done);
    void clear();
    double window_cycles() const { return window_; }
    void set_window_cycles(double w) { window_ = w; }

private:
    struct Entry {
        uint64_t tag = 0;  // granule + 1, 0 = empty
        double t = 0;      // when the last request that reached the tags arrived
        double end = 0;    // when its data is back
    };
    std::vector<size_t> pending_;  // entries of the requests not yet complete()d
    int64_t granule_bytes_, sides_;
    double window_;
    uint64_t mask_;
    std::vector<Entry> table_;  // [side][entry]
};

}  // namespace flashsim
