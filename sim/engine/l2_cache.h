// l2_cache.h: the L2 model the timing engine runs global accesses through. A set-associative,
// LRU, write-back cache of *granules* (one line, or a few lines tracked together), each with a
// valid and a dirty mask of sectors, so HBM traffic is counted in sectors as real L2s move it.
//
// Contract:
//   - capacity, line, sector and ways come from the GpuSpec; granule_bytes (a multiple of the line,
//     at most 128 sectors) is the unit of lookup and replacement. granule = line is the real
//     cache, sector for sector (tests check it against tests/engine/l2_reference.h); a larger granule keeps
//     long runs fast at the price of evicting neighbouring lines together (docs/timing.md);
//   - read: sectors not valid are fetched from HBM (misses); write: write-allocate without fetch,
//     full sectors become valid and dirty, a partly written sector that is not valid is fetched
//     first (a simplification: real L2s keep byte masks); atomic: a read-modify-write at L2,
//     fetching the old value on a miss and leaving the sector dirty;
//   - an evicted granule writes back its dirty sectors, charged to the tensor that owns them;
//   - the set of an address is a hash of its granule number (real L2s hash addresses too);
//   - set sampling (Kessler, Hill and Wood): with sample_every = S > 1 (a power of two dividing
//     the number of sets), one set of each S consecutive sets is kept, each exactly as the full
//     cache holds it (same ways, same accesses in the same order); accesses to other sets are
//     skipped, and every byte count returned (hits, misses, write-backs, dirty bytes) is the
//     sampled sets' count times S: an estimate of the full cache's, whose relative error is about
//     1 / sqrt(granules the sampled sets see) (docs/speed.md). Which set of the S is drawn from
//     a well-mixed key of the group (keeps: the same draw for every S, so a sampling of 1 in
//     s < S keeps every set 1 in S keeps). The set index's low bits are the set hash's, which
//     spread a tile's consecutive granules over the sets: consecutive sets see a stream alike, so
//     one of each S estimates it closely, but how many misses a set takes where a working set near
//     the L2's size is read again goes with those bits, and the sets whose low bits are zero (the
//     sample until 2026-12-06) missed less than the others (FA2's causal backward on the
//     a100-40gb: HBM reads 0.6-1.7% low at 1 in 4 sets over eight shapes, 2.8 to 8 of the run's
//     own standard errors; drawn, within 0.34%, 0.2 to 1.5 of them). S = 1 is the exact cache;
//   - runs accessed again (a shortcut, results unchanged): the second access of
//     kMinRememberedGranules granules or more at one address and length is remembered with the
//     ways its sampled granules landed in. A later access of the same run, none of whose granules
//     has left the cache since, finds every sector it needs valid (valid sectors only go with
//     their granule) and, if the run was remembered from a write or an atomic, dirty: a read of
//     it, or a write or atomic of a run remembered so, changes nothing but the LRU stamps. It
//     returns its hits and gives the run's granules the stamps a granule-by-granule lookup
//     would, without looking any granule up: the run's ways refer to the run in place of their
//     LRU stamps, and a way's stamp is the run's stamp plus its place in the run. A granule of
//     the run evicted, or looked up on its own, breaks the run. A key whose run was found broken
//     kRunStrikes times in a row (a thrashing cache) is no longer remembered: it would cost and
//     never pay; nor is any run for a while when few accesses were answered by one lately
//     (kRunEpoch). Tests compare with tests/engine/l2_reference.h access by access.
//   - two partitions (the partition hop): a read from an SM on `side` 0 or 1 of a GPU whose L2 is
//     two partitions (GpuSpec::l2_partitions = 2; MemorySystem gives each SM its side) counts in
//     hop_bytes the sectors it asks of a granule homed in the other partition (home_of: a bit of
//     the granule's hash, half of all granules each) unless that side holds a copy of them: the
//     first such read after the granule came into the cache makes the copy (kept in the way: the
//     copy on the side that is not home), later reads from that side find it. So a granule read from both sides crosses once, one read
//     from one side crosses half the time (kernels/micro/l2_partition: a line warmed by one SM is
//     read by 66 of the 132 SMs at 291 cycles, by the other 66 at 377 the first time, 291 after).
//     The copy takes no room in this model (the data of one kernel already sees l2_bytes / 2,
//     GpuSpec::l2_data_bytes); it is kept per sector where a granule keeps masks, per half
//     granule (a line of four sectors, or the whole granule when shorter) where the masks are
//     inline. The home is the granule's: with line granules (the exact engine) the line's.
//     Writes and atomics cross too (ncu counts their sectors 1.5 times: the cross-check does) but
//     make no copy, drop none and count no hop here. side -1: no hop; kCopiedSide: the read makes
//     the copies and counts nothing (MemorySystem::warm).
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "sim/engine/fast_mod.h"
#include "sim/trace/op.h"

namespace flashsim {

// The model's state (L2 tags, L1 ways, the coalescer's table) above which fetching the entries of
// a tile's rows ahead of their lookups pays: it then outgrows the host's caches.
constexpr size_t kPrefetchAboveBytes = size_t(4) << 20;

// Bytes one access moved between L2 and HBM.
struct L2Access {
    uint64_t hit_bytes = 0;        // sectors found valid in L2
    uint64_t hbm_read_bytes = 0;   // sectors fetched from HBM
    uint64_t hbm_write_bytes = 0;  // dirty sectors written back by evictions this access caused
    uint64_t sampled_bytes = 0;    // sectors accessed in sampled sets (times S, as the others)
    uint64_t hop_bytes = 0;        // sectors read across the two partitions (times S)
    uint64_t granules = 0;         // granules looked up in sampled sets (not times S)
    uint64_t sectors_touched = 0, granules_touched = 0;  // all the access spans, sampled or not
};

// A mask of up to 128 sectors.
struct SectorMask {
    uint64_t w[2] = {0, 0};
    // Sectors [begin, end), 0 <= begin <= end <= 128. Inline: the L2's lookup calls it per granule.
    static SectorMask range(int begin, int end) {
        auto bits = [](int lo, int hi) -> uint64_t {  // bits [lo, hi) of one word, 0 when empty
            if (lo >= hi) return 0;
            return (hi - lo == 64 ? ~uint64_t(0) : (uint64_t(1) << (hi - lo)) - 1) << lo;
        };
        SectorMask m;
        m.w[0] = bits(begin < 0 ? 0 : begin, end < 64 ? end : 64);
        m.w[1] = bits((begin > 64 ? begin : 64) - 64, (end < 128 ? end : 128) - 64);
        return m;
    }
    bool any() const { return (w[0] | w[1]) != 0; }
    int count() const { return __builtin_popcountll(w[0]) + __builtin_popcountll(w[1]); }
    SectorMask operator&(const SectorMask& o) const { return {{w[0] & o.w[0], w[1] & o.w[1]}}; }
    SectorMask operator|(const SectorMask& o) const { return {{w[0] | o.w[0], w[1] | o.w[1]}}; }
    SectorMask operator~() const { return {{~w[0], ~w[1]}}; }
};

class L2Cache {
public:
    // Accesses of this many granules (sampled or not) or more are remembered as runs.
    static constexpr uint64_t kMinRememberedGranules = 8;
    static constexpr uint16_t kRunStrikes = 3;  // broken runs in a row before a key is dropped
    static constexpr int64_t kInlineSectors = 8;  // granules of at most this many sectors keep their masks in the tag
    // Of every kRunEpoch accesses long enough to remember, fewer than 1 in kRunQuietShare answered
    // as runs: the next kRunQuietEpochs x kRunEpoch such accesses are looked up granule by granule
    // without consulting the runs (a thrashing cache gains nothing and pays for the table).
    static constexpr uint64_t kRunEpoch = 4096, kRunQuietShare = 8, kRunQuietEpochs = 16;
    // Host bytes the model keeps per way: tag, state word (LRU stamp or run reference, dirty
    // sectors, owner), valid and dirty masks unless they fit in the tag (for the work estimate;
    // remembered runs add a few bytes per tile).
    static constexpr size_t host_bytes_per_way(int64_t granule_bytes, int64_t sector_bytes) {
        return 2 * sizeof(uint64_t) + (granule_bytes > kInlineSectors * sector_bytes ? 3 * sizeof(SectorMask) : 0);
    }

    // Throws ConfigError when the geometry is inconsistent (sizes not multiples, < 1 set).
    L2Cache(int64_t capacity_bytes, int64_t line_bytes, int64_t sector_bytes, int64_t ways, int64_t granule_bytes,
            int64_t sample_every = 1);

    // side: the reading SM's partition (0 or 1), -1 for none, kCopiedSide (contract above).
    static constexpr int kCopiedSide = 2;
    L2Access read(uint64_t addr, uint64_t bytes, Tensor owner, int side = -1);
    // The partition a granule is homed in (0 or 1): a bit of its hash that the set index (the
    // hash modulo the sets, the sampling's low bits) does not follow.
    static int home_of(uint64_t granule) { return int((set_hash(granule) >> 47) & 1); }
    L2Access write(uint64_t addr, uint64_t bytes, Tensor owner);
    L2Access atomic(uint64_t addr, uint64_t bytes, Tensor owner);

    // Asks the host CPU to fetch the tags of the sets [addr, addr + bytes) maps to (no effect on
    // results): the engine calls it for every row of a tile before the lookups, so the host-memory
    // misses of a tile's rows overlap instead of coming one after another.
    void prefetch(uint64_t addr, uint64_t bytes) const;
    // Whether prefetch() pays: the tags outgrow the host's caches (a sampled L2's seldom do).
    bool worth_prefetching() const { return meta_.size() * sizeof(uint64_t) > kPrefetchAboveBytes; }

    // The sampled estimate's relative standard error so far, of HBM reads and of write-backs (0
    // with every set kept, fewer than 2 kSampleGroups sampled sets, or nothing moved), by random
    // groups (interpenetrating subsamples: Mahalanobis 1946; Wolter, "Introduction to Variance
    // Estimation", ch. 2): the sampled sets dealt into kSampleGroups groups in a pseudo-random
    // order (group_of), each a sample of 1 in kSampleGroups S sets whose total, times
    // kSampleGroups, estimates the sampled one; with group totals of mean t and sample variance
    // s_t^2, the relative error of their sum is sqrt(s_t^2 / kSampleGroups) / t. About 1 / sqrt(the granules the sampled sets see), or
    // less where the hash spreads granules more evenly than chance; larger when whether a set
    // keeps a working set is all or nothing (a working set near the L2's capacity: docs/speed.md).
    static constexpr size_t kSampleGroups = 16;
    struct SamplingError {
        double hbm_read = 0, hbm_write = 0;
    };
    SamplingError sampling_error() const;
    // Whether accesses count towards sampling_error (MemorySystem::warm's do not: they count nowhere).
    bool count_sets = true;

    // Accesses answered as a remembered run (the shortcut above), so far.
    uint64_t remembered_accesses() const { return remembered_accesses_; }

    uint64_t dirty_bytes() const;
    std::array<uint64_t, kTensorCount> dirty_bytes_by_tensor() const;  // the same, by owner
    // Empties the cache (what Nsight Compute's cache control does before a profiled kernel);
    // returns the dirty bytes it dropped. Their write-back is not charged to any kernel.
    uint64_t flush();

    // Dirty bytes written back by evictions so far, per tensor (the engine reads and clears it).
    std::array<uint64_t, kTensorCount> writeback_bytes_by_tensor{};

    int64_t granule_bytes() const { return granule_bytes_; }
    int64_t sets() const { return full_sets_; }  // of the full cache
    int64_t sample_every() const { return sample_; }
    // Sectors touched by [addr, addr + bytes) when it lies in one granule whose set is not sampled,
    // else 0: what an access of it would return (nothing but the sectors and the granule it
    // touches) without the call. Inline: the engine asks it of every row of a tile before looking
    // the row up (at 1 in 4 sets three rows in four of vanilla's S and P tiles).
    uint64_t unsampled_sectors(uint64_t addr, uint64_t bytes) const {
        if (sample_ == 1 || bytes == 0) return 0;
        const uint64_t first = per_sector(addr), end = per_sector(addr + bytes + uint64_t(sector_bytes_) - 1);
        const uint64_t g = per_granule(first);
        if (per_granule(end - 1) != g || g + 1 >= kTagField) return 0;
        return sampled_set(g) == SIZE_MAX ? end - first : 0;
    }
    // Whether the byte at `addr` maps to a sampled set (always when S = 1).
    bool sampled(uint64_t addr) const { return sampled_set(per_granule(per_sector(addr))) != SIZE_MAX; }
    // Whether a sampling of 1 in s (a power of two dividing S; 1: every set) keeps full set `set`
    // (contract above).
    bool keeps(uint64_t set, int64_t s) const {
        if (s == 1) return true;
        if (s == sample_) return kept(set);  // the lookups' own test (an L1 sampled as the L2 is)
        return sample_ > 1 && s < sample_ && int64_t(1) << level_[size_t(set)] >= s;
    }
    // Whether a sampling of 1 in s keeps the set of the byte at `addr`: the L1's sampling
    // (l1_cache.h), which looks up at least the granules the L2 samples.
    bool kept_at(uint64_t addr, int64_t s) const { return keeps(set_of(per_granule(per_sector(addr))), s); }
    // The error's group of sampled set `i` (sampling_error).
    size_t group_of(size_t i) const { return group_[i]; }
    // Whether the L2 holds the sector of the byte at `addr` valid (false when its set is not
    // sampled). Changes nothing: no LRU stamp, no count.
    bool holds_sector(uint64_t addr) const;
    // Shared with the reference model. Folds the high bits into the low ones so power-of-two
    // strides (rows of a tensor, heads) spread over the sets, as the address hashing of real L2s does.
    static uint64_t set_hash(uint64_t block) {
        uint64_t h = block;
        h ^= h >> 11;
        h ^= h >> 23;
        h *= 0x9E3779B97F4A7C15ull;
        return h ^ (h >> 32);
    }
    // The full cache's set of a granule: set_hash(granule) % sets(), computed without a division.
    uint64_t set_of(uint64_t granule) const { return mod_sets(set_hash(granule)); }

private:
    enum class Kind { read, write, atomic };
    L2Access access(uint64_t addr, uint64_t bytes, Tensor owner, Kind kind, int side = -1);
    // A way's state, split so a lookup touches only the tags of one set (a few host cache lines,
    // not the whole set's masks): for way k of the set whose first way is base, meta_[2 base + k]
    // = granule number + 1 (0 = empty; bits 0-47), meta_[2 base + ways + k] its state word (below),
    // masks_[base + k] the valid and dirty sectors; granules of kInlineSectors sectors or fewer
    // (a line) keep those in the tag word instead (valid in bits 48-55, dirty in 56-63) and have
    // no masks_, so a lookup touches the set's tags and states only. Tags and state words share one array, each
    // set's tags followed by its states, so a lookup touches one host page for both, and an
    // eviction finds the victim's dirty sectors and owner there without reading its masks.
    //
    // The state word: bits 0-47 the LRU stamp (larger = more recently used; clock_ stays below
    // 2^48: an hour of lookups is about 2^42) or, with bit 63 (kRunRef), the way's run and place;
    // bits 48-55 the count of dirty sectors; bits 56-60 the owner tensor; with inline masks, bits
    // 61 and 62 (kCopy) the copies of the granule's two halves on the side that is not its home.
    struct Masks {
        SectorMask valid, dirty, copied;  // copied: the sectors the side that is not home holds
    };
    // The valid and dirty sectors of way k of the set whose first way is base (tags: its tags),
    // from the tag word when masks are inline, else from masks_.
    Masks masks_of(const uint64_t* tags, size_t base, size_t k) const {
        if (!inline_masks_) return masks_[base + k];
        return {SectorMask{{(tags[k] >> kValidShift) & kInlineMask, 0}}, SectorMask{{(tags[k] >> kInlineDirtyShift) & kInlineMask, 0}},
                SectorMask{}};
    }
    void reset_way(size_t base, size_t k);  // way k of the set whose first way is base
    // The way of a set whose tag is key (granule + 1), or ways_ (W: the ways, 0 = ways_; the
    // presets' 16 get an unrolled comparison). Results are those of the plain loop.
    template <size_t W>
    size_t find_way(const uint64_t* tags, uint64_t key) const;
    // The way a miss replaces, given the set's state words: the first empty way, else the least
    // recently used.
    template <size_t W>
    size_t victim_way(const uint64_t* lru) const;
    // A remembered run: the address and length accessed, the stamp of its first sampled granule,
    // its sampled bytes, its granules (n) and how many of them its ways still refer to (members;
    // whole when members == n).
    struct Run {
        uint64_t addr = 0, bytes = 0, stamp = 0, sampled_bytes = 0;
        uint32_t n = 0, members = 0;
        bool dirty = false;  // remembered from a write or atomic: every sector it needs is dirty too
        uint8_t copied = 0;  // bit s: side s holds a copy of each of its granules homed in the other
    };
    // Sectors of a whole remembered run read from `side` that cross to it (sampled, not yet times
    // S), making the copies.
    uint64_t run_hop(const Run& run, int side);
    // A way of a whole run holds, in place of its LRU stamp, kRunRef | run index << kRunPlaceBits
    // | its place in the run: its stamp is the run's stamp plus its place.
    static constexpr uint64_t kRunRef = uint64_t(1) << 63, kStampField = (uint64_t(1) << 48) - 1;
    static constexpr int kDirtyShift = 48, kOwnerShift = 56, kRunPlaceBits = 24;
    static constexpr int kCopyShift = 61;
    static constexpr uint64_t kCopy = uint64_t(3) << kCopyShift;
    // The sectors of `need` that a read of granule g from `side` (0, 1 or kCopiedSide) makes cross
    // (sampled, not yet times S): none from its home; else those the way (state word `state`,
    // masks `m`, null when inline) holds no copy of, whose copies it makes (kCopiedSide: makes
    // them, counts none).
    uint64_t hop(uint64_t g, int side, uint64_t& state, Masks* m, const SectorMask& need) {
        if (side != kCopiedSide && home_of(g) == side) return 0;
        uint64_t sectors = 0;
        if (m) {
            sectors = uint64_t((need & ~m->copied).count());
            m->copied = m->copied | need;
        } else {
            const int half = sectors_per_granule_ > 4 ? 4 : int(sectors_per_granule_);
            for (int h = 0; h * half < sectors_per_granule_; ++h) {
                const int n = (need & SectorMask::range(h * half, (h + 1) * half)).count();
                const uint64_t bit = uint64_t(1) << (kCopyShift + h);
                if (n && !(state & bit)) state |= bit, sectors += uint64_t(n);
            }
        }
        return side == kCopiedSide ? 0 : sectors;
    }
    // The sides (bit s: side s) a read from `side` leaves holding copies: none for -1, both for
    // kCopiedSide.
    static uint8_t copy_sides(int side) { return uint8_t(side == kCopiedSide ? 3 : side >= 0 ? 1 << side : 0); }
    static constexpr uint64_t kDirtyField = uint64_t(0xff) << kDirtyShift,
                              kWayState = kDirtyField | uint64_t(0x1f) << kOwnerShift | kCopy;
    static_assert(kTensorCount <= 32, "the owner field holds 5 bits");
    static constexpr uint64_t kTagField = (uint64_t(1) << 48) - 1, kInlineMask = 0xff;
    static constexpr int kValidShift = 48, kInlineDirtyShift = 56;
    static uint64_t dirty_sectors(uint64_t state) { return (state & kDirtyField) >> kDirtyShift; }
    static Tensor owner_of(uint64_t state) { return Tensor((state >> kOwnerShift) & 0x1f); }
    static constexpr size_t kRunPlaces = size_t(1) << kRunPlaceBits, kMaxRuns = size_t(1) << 20,
                            kMaxRunKeys = size_t(1) << 20;
    static size_t run_of(uint64_t state) { return size_t((state & kStampField) >> kRunPlaceBits); }
    uint64_t stamp(uint64_t state) const {
        return state & kRunRef ? runs_[run_of(state)].stamp + (state & (kRunPlaces - 1)) : state & kStampField;
    }
    // Per run_key: the run remembered (runs_ index + 1, 0: none), whether it was accessed before, the
    // times in a row its run was found broken.
    // In an open-addressing table (linear probing, at most half full; key 0: empty slot), so a
    // lookup touches one host cache line, not a node of a standard map.
    struct RunEntry {
        uint64_t key = 0;
        uint32_t run = 0;
        uint16_t seen = 0, strikes = 0;
    };
    static uint64_t run_key(uint64_t addr, uint64_t bytes) { return (addr * 0x9E3779B97F4A7C15ull ^ bytes) | 1; }
    RunEntry& run_entry(uint64_t key);  // found or inserted
    void remember_run(RunEntry& entry, uint64_t addr, uint64_t bytes, uint64_t sampled_bytes, bool dirty, uint8_t copied);
    void forget_runs();  // writes every run's stamps into its ways, then drop_runs()
    void drop_runs();    // an empty index and no runs (the ways must refer to none)
    // h % full_sets_ without a division (fast_mod.h).
    uint64_t mod_sets(uint64_t h) const { return mod_sets_(h); }
    // The sampled set a granule maps to (its set's place among the kept sets), or SIZE_MAX when its
    // set is not sampled.
    size_t sampled_set(uint64_t granule) const {
        const uint64_t set = mod_sets(set_hash(granule));
        if (sample_ == 1) return size_t(set);
        return kept(set) ? size_t(set >> sample_shift_) : SIZE_MAX;
    }
    // Whether 1 in S keeps full set `set` (S > 1): kept_'s bit.
    bool kept(uint64_t set) const { return (kept_[size_t(set >> 6)] >> (set & 63)) & 1; }
    int64_t sector_bytes_, granule_bytes_, ways_, full_sets_, sample_, sets_, sectors_per_granule_;
    int sample_shift_ = 0;  // log2(sample_): sample_ is a power of two
    // With S > 1: per full set, log2 of the largest s up to S at which it is kept (0: only by
    // every set; the kept set of each S consecutive sets is sampled set number set / S); per
    // sampled set, its group in the sampling error's estimate. Empty with S = 1.
    std::vector<uint8_t> level_, group_;
    // With S > 1: per full set, a bit: whether 1 in S keeps it (level_ at least log2 S). What a
    // lookup reads: an eighth of level_'s bytes, which the tags push out of the host's first-level
    // cache less often (a fifth of the row test's samples fell on level_'s load; docs/speed.md).
    std::vector<uint64_t> kept_;
    // log2 of the sector's bytes and of the sectors per granule, or -1 where one is not a power of
    // two: a lookup divides by them with a shift then (four 64-bit divisions were a quarter of a
    // lookup's host time), else with a division. Results are the same.
    int sector_shift_ = -1, spg_shift_ = -1;
    static int log2_exact(int64_t v) { return v > 0 && !(v & (v - 1)) ? __builtin_ctzll(uint64_t(v)) : -1; }
    uint64_t per_sector(uint64_t x) const { return sector_shift_ >= 0 ? x >> sector_shift_ : x / uint64_t(sector_bytes_); }
    uint64_t per_granule(uint64_t sectors) const {
        return spg_shift_ >= 0 ? sectors >> spg_shift_ : sectors / uint64_t(sectors_per_granule_);
    }
    FastMod mod_sets_;  // h % full_sets_
    std::vector<uint64_t> meta_;  // per set: ways_ tags, then ways_ LRU stamps
    std::vector<Masks> masks_;  // empty when inline_masks_
    // Per sampled set, sectors fetched from HBM and written back (sampling_error; empty when S = 1).
    std::vector<uint64_t> set_fetched_, set_written_;
    bool inline_masks_ = false;
    uint64_t clock_ = 0;
    // Dirty sectors in the (sampled) sets, by owner: kept as ways change, so that the skips' marks
    // (each window's) do not walk every way. The sum over the ways' state words, exactly.
    std::array<uint64_t, kTensorCount> dirty_sectors_{};
    uint64_t remembered_accesses_ = 0;
    uint64_t epoch_accesses_ = 0, epoch_remembered_ = 0, quiet_accesses_ = 0;  // the kRunEpoch rule
    std::vector<Run> runs_;
    std::vector<RunEntry> run_table_;
    size_t run_keys_ = 0;  // entries in use
    struct Looked {
        size_t slot;  // meta_ index of the way's LRU stamp
        uint64_t granule;
    };
    std::vector<Looked> looked_up_;  // the granules of the read in progress, for remember_run
};

}  // namespace flashsim
