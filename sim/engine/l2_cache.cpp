// l2_cache.cpp: the granule/sector-mask L2 model (see l2_cache.h).
#include "sim/engine/l2_cache.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <string>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "sim/core/errors.h"

namespace flashsim {

L2Cache::L2Cache(int64_t capacity_bytes, int64_t line_bytes, int64_t sector_bytes, int64_t ways, int64_t granule_bytes,
                 int64_t sample_every)
    : sector_bytes_(sector_bytes), granule_bytes_(granule_bytes), ways_(ways), sample_(sample_every) {
    auto bad = [](const std::string& what) { throw ConfigError("L2 geometry: " + what); };
    if (sector_bytes <= 0 || line_bytes <= 0 || line_bytes % sector_bytes != 0)
        bad("l2_line_bytes=" + std::to_string(line_bytes) + " must be a positive multiple of l2_sector_bytes=" +
            std::to_string(sector_bytes));
    if (granule_bytes < line_bytes || granule_bytes % line_bytes != 0 || granule_bytes / sector_bytes > 128)
        bad("granule=" + std::to_string(granule_bytes) + " B must be a multiple of the " + std::to_string(line_bytes) +
            " B line holding at most 128 sectors");
    if (ways <= 0) bad("l2_ways=" + std::to_string(ways) + " must be at least 1");
    full_sets_ = capacity_bytes / (granule_bytes * ways);
    if (full_sets_ < 1)
        bad("l2_bytes=" + std::to_string(capacity_bytes) + " holds less than one set of " + std::to_string(ways) +
            " ways of " + std::to_string(granule_bytes) + " B");
    if (sample_ < 1 || (sample_ & (sample_ - 1)) != 0 || full_sets_ % sample_ != 0)
        bad("set sampling 1/" + std::to_string(sample_) + " must be a power of two dividing the " + std::to_string(full_sets_) +
            " sets");
    if (full_sets_ >= (int64_t(1) << 32)) bad("l2_bytes=" + std::to_string(capacity_bytes) + " has 2^32 sets or more");
    sets_ = full_sets_ / sample_;
    while ((int64_t(1) << sample_shift_) < sample_) ++sample_shift_;
    mod_sets_ = FastMod(uint64_t(full_sets_));
    if (sample_ > 1) {
        // One set of each S consecutive sets kept, at an offset drawn from a well-mixed key of the
        // group (MurmurHash3's 64-bit finalizer): exactly sets / S of them (l2_cache.h, set
        // sampling). Level by level down to 2, each group of s sets keeps the set its group of 2s
        // keeps when it holds it, else one drawn the same way: a sampling of 1 in s keeps every
        // set one of 1 in S > s keeps.
        auto key = [](uint64_t x) {
            x ^= x >> 33;
            x *= 0xff51afd7ed558ccdull;
            x ^= x >> 33;
            x *= 0xc4ceb9fe1a85ec53ull;
            return x ^ (x >> 33);
        };
        level_.assign(size_t(full_sets_), 0);
        for (int shift = sample_shift_; shift >= 1; --shift) {
            const int64_t s = int64_t(1) << shift;
            for (int64_t g = 0; g < full_sets_ / s; ++g) {
                bool held = false;
                for (int64_t i = g * s; i < (g + 1) * s; ++i) held = held || level_[size_t(i)] > shift;
                if (!held) level_[size_t(g * s + int64_t(key(uint64_t(g) * 64 + uint64_t(s)) % uint64_t(s)))] = uint8_t(shift);
            }
        }
        kept_.assign(size_t((full_sets_ + 63) / 64), 0);
        for (int64_t i = 0; i < full_sets_; ++i)
            if (level_[size_t(i)] >= sample_shift_) kept_[size_t(i / 64)] |= uint64_t(1) << (i % 64);
        // The sampled sets dealt into the error's groups (sampling_error) in a pseudo-random order,
        // kSampleGroups apart.
        std::vector<uint32_t> order(static_cast<size_t>(sets_));
        std::iota(order.begin(), order.end(), 0u);
        std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return key(a) < key(b) || (key(a) == key(b) && a < b); });
        group_.resize(order.size());
        for (size_t r = 0; r < order.size(); ++r) group_[order[r]] = uint8_t(r % kSampleGroups);
    }
    sectors_per_granule_ = granule_bytes / sector_bytes;
    sector_shift_ = log2_exact(sector_bytes);
    spg_shift_ = log2_exact(sectors_per_granule_);
    const size_t n = size_t(sets_ * ways_);
    meta_.assign(2 * n, 0);
    inline_masks_ = sectors_per_granule_ <= kInlineSectors;
    if (!inline_masks_) masks_.assign(n, Masks{});
    if (sample_ > 1) {
        set_fetched_.assign(size_t(sets_), 0);
        set_written_.assign(size_t(sets_), 0);
    }
    drop_runs();
}

L2Cache::SamplingError L2Cache::sampling_error() const {
    // Each group's total times kSampleGroups S estimates the full cache's; their spread, that of
    // the total of all groups.
    auto relative = [this](const std::vector<uint64_t>& per_set) {
        if (per_set.size() < 2 * kSampleGroups) return 0.0;
        std::array<double, kSampleGroups> group{};
        for (size_t i = 0; i < per_set.size(); ++i) group[group_[i]] += double(per_set[i]);
        double mean = 0, sq = 0;
        for (const double t : group) mean += t / double(kSampleGroups);
        if (!(mean > 0)) return 0.0;
        for (const double t : group) sq += (t - mean) * (t - mean);
        return std::sqrt(sq / double(kSampleGroups - 1) / double(kSampleGroups)) / mean;
    };
    return {relative(set_fetched_), relative(set_written_)};
}

void L2Cache::reset_way(size_t base, size_t k) {
    uint64_t* tags = &meta_[2 * base];
    const uint64_t state = tags[ways_ + int64_t(k)];
    dirty_sectors_[size_t(owner_of(state))] -= dirty_sectors(state);  // an empty way's state is 0
    if (state & kRunRef) --runs_[run_of(state)].members;
    tags[k] = 0;
    tags[ways_ + int64_t(k)] = 0;
    if (!inline_masks_) masks_[base + k] = Masks{};
}

void L2Cache::forget_runs() {
    for (size_t i = 0; i < meta_.size(); i += 2 * size_t(ways_))
        for (size_t k = 0; k < size_t(ways_); ++k) {
            uint64_t& lru = meta_[i + size_t(ways_) + k];
            lru = (lru & kWayState) | stamp(lru);
        }
    drop_runs();
}

void L2Cache::drop_runs() {
    runs_.clear();
    run_table_.assign(1024, RunEntry{});
    run_keys_ = 0;
}

L2Cache::RunEntry& L2Cache::run_entry(uint64_t key) {
    for (;;) {
        const size_t mask = run_table_.size() - 1;
        for (size_t i = size_t((key * 0xD6E8FEB86659FD93ull) >> 32) & mask;; i = (i + 1) & mask) {
            RunEntry& e = run_table_[i];
            if (e.key == key) return e;
            if (e.key != 0) continue;
            if (2 * (run_keys_ + 1) <= run_table_.size()) {
                ++run_keys_;
                e.key = key;
                return e;
            }
            break;
        }
        // Half full: twice the slots, every entry placed again.
        std::vector<RunEntry> old(2 * run_table_.size());
        old.swap(run_table_);
        const size_t grown = run_table_.size() - 1;
        for (const RunEntry& e : old)
            if (e.key) {
                size_t i = size_t((e.key * 0xD6E8FEB86659FD93ull) >> 32) & grown;
                while (run_table_[i].key) i = (i + 1) & grown;
                run_table_[i] = e;
            }
    }
}

void L2Cache::remember_run(RunEntry& entry, uint64_t addr, uint64_t bytes, uint64_t sampled_bytes, bool dirty, uint8_t copied) {
    // A later granule of the run may have evicted an earlier one (a set holding more of the
    // run's granules than ways): such a run is not remembered; nor one too long for a reference.
    for (const Looked& l : looked_up_)
        if ((meta_[l.slot - size_t(ways_)] & kTagField) != l.granule + 1) return;
    if (looked_up_.size() >= kRunPlaces) return;
    if (runs_.size() >= kMaxRuns) {
        forget_runs();  // entry is gone with the index: this access starts over
        return;
    }
    Run run;
    run.addr = addr;
    run.bytes = bytes;
    run.stamp = clock_ + 1 - looked_up_.size();  // the ways' stamps were run.stamp + place
    run.sampled_bytes = sampled_bytes;
    run.dirty = dirty;
    run.copied = copied;
    run.n = run.members = uint32_t(looked_up_.size());
    const uint64_t id = runs_.size();
    for (uint64_t k = 0; k < run.n; ++k) {
        uint64_t& lru = meta_[looked_up_[k].slot];
        lru = (lru & kWayState) | kRunRef | id << kRunPlaceBits | k;
    }
    runs_.push_back(run);
    entry.run = uint32_t(id) + 1;
}

template <size_t W>
size_t L2Cache::find_way(const uint64_t* tags, uint64_t key) const {
    const size_t ways = W ? W : size_t(ways_);
    // Every way compared, without an early exit: straight-line code with no mispredicted branch
    // (16 ways: two tags per SSE2 comparison), cheaper than the loop that stops at the match.
#if defined(__SSE2__)
    if constexpr (W > 0 && W % 2 == 0) {
        const __m128i field = _mm_set1_epi64x(int64_t(kTagField)), want = _mm_set1_epi64x(int64_t(key));
        unsigned found = 0;
        for (size_t j = 0; j < W; j += 2) {
            const __m128i t = _mm_and_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(tags + j)), field);
            __m128i eq = _mm_cmpeq_epi32(t, want);                       // per 32-bit half
            eq = _mm_and_si128(eq, _mm_shuffle_epi32(eq, _MM_SHUFFLE(2, 3, 0, 1)));  // both halves
            found |= unsigned(_mm_movemask_pd(_mm_castsi128_pd(eq))) << j;
        }
        return found ? size_t(__builtin_ctz(found)) : W;
    }
#endif
    size_t k = ways;
    for (size_t j = 0; j < ways; ++j) k = (tags[j] & kTagField) == key ? j : k;
    return k;
}

template <size_t W>
size_t L2Cache::victim_way(const uint64_t* lru) const {
    // An empty way's state is 0 (reset_way), so its stamp is 0; a granule's is at least 1 and no
    // two are equal: the first way of the smallest stamp is the first empty way, else the least
    // recently used. Without run references the stamps are the state words' low bits.
    const size_t ways = W ? W : size_t(ways_);
    uint64_t refs = 0;
    for (size_t j = 0; j < ways; ++j) refs |= lru[j];
    size_t v = 0;
    uint64_t oldest = ~uint64_t(0);
    if (!(refs & kRunRef)) {
        for (size_t j = 0; j < ways; ++j) {
            const uint64_t sj = lru[j] & kStampField;
            v = sj < oldest ? j : v;
            oldest = sj < oldest ? sj : oldest;
        }
        return v;
    }
    // Some ways refer to runs: every way's stamp first, each run's read with no branch on the
    // kind of way (way j reads runs_[0] when it has its own stamp), so the host fetches the
    // runs' stamps together rather than one mispredicted branch after another.
    for (size_t j = 0; j < ways; ++j) {
        const uint64_t s = lru[j];
        const bool ref = (s & kRunRef) != 0;
        const uint64_t base = runs_[ref ? run_of(s) : 0].stamp;
        const uint64_t sj = ref ? base + (s & (kRunPlaces - 1)) : s & kStampField;
        v = sj < oldest ? j : v;
        oldest = sj < oldest ? sj : oldest;
    }
    return v;
}

L2Access L2Cache::read(uint64_t addr, uint64_t bytes, Tensor owner, int side) { return access(addr, bytes, owner, Kind::read, side); }
L2Access L2Cache::write(uint64_t addr, uint64_t bytes, Tensor owner) { return access(addr, bytes, owner, Kind::write); }
L2Access L2Cache::atomic(uint64_t addr, uint64_t bytes, Tensor owner) { return access(addr, bytes, owner, Kind::atomic); }

uint64_t L2Cache::run_hop(const Run& run, int side) {
    const uint64_t spg = uint64_t(sectors_per_granule_), sb = uint64_t(sector_bytes_);
    const uint64_t first_sector = per_sector(run.addr), end_sector = per_sector(run.addr + run.bytes + sb - 1);
    const uint64_t end_granule = per_granule(end_sector + spg - 1);
    uint64_t sectors = 0;
    for (uint64_t g = per_granule(first_sector); g < end_granule; ++g) {
        const size_t set = sampled_set(g);
        if (set == SIZE_MAX) continue;
        const size_t base = set * size_t(ways_);
        uint64_t* tags = &meta_[2 * base];
        const size_t k = ways_ == 16 ? find_way<16>(tags, g + 1) : find_way<0>(tags, g + 1);
        const uint64_t g0 = g * spg;
        sectors += hop(g, side, tags[ways_ + int64_t(k)], inline_masks_ ? nullptr : &masks_[base + k],  // the run is whole: g is in
                       SectorMask::range(int(std::max(first_sector, g0) - g0), int(std::min(end_sector, g0 + spg) - g0)));
    }
    return sectors;
}

L2Access L2Cache::access(uint64_t addr, uint64_t bytes, Tensor owner, Kind kind, int side) {
    L2Access r;
    if (bytes == 0) return r;
    const uint64_t sb = uint64_t(sector_bytes_), spg = uint64_t(sectors_per_granule_);
    const uint64_t first_sector = per_sector(addr), end_sector = per_sector(addr + bytes + sb - 1);
    const bool first_partial = first_sector * sb != addr, last_partial = per_sector(addr + bytes) * sb != addr + bytes;
    const uint64_t first_granule = per_granule(first_sector), end_granule = per_granule(end_sector + spg - 1);
    if (end_granule >= kTagField)
        throw ConfigError("L2 model: address " + std::to_string(addr + bytes) + " beyond the 2^48 granules it tracks");
    r.sectors_touched = end_sector - first_sector;
    r.granules_touched = end_granule - first_granule;
    const uint8_t reading_sides = kind == Kind::read ? copy_sides(side) : 0;  // whose copies the access makes
    bool remember = end_granule - first_granule >= kMinRememberedGranules;
    if (remember && quiet_accesses_ > 0) {
        --quiet_accesses_;
        remember = false;
    } else if (remember && ++epoch_accesses_ == kRunEpoch) {
        if (epoch_remembered_ * kRunQuietShare < epoch_accesses_) quiet_accesses_ = kRunQuietEpochs * kRunEpoch;
        epoch_accesses_ = epoch_remembered_ = 0;
    }
    RunEntry* entry = nullptr;
    bool record = false;
    if (remember) {
        if (run_keys_ >= kMaxRunKeys) forget_runs();
        entry = &run_entry(run_key(addr, bytes));
        if (entry->run) {
            Run& run = runs_[entry->run - 1];
            if (run.addr == addr && run.bytes == bytes && run.members == run.n && (kind == Kind::read || run.dirty)) {
                run.stamp = clock_ + 1;
                clock_ += run.n;
                r.hit_bytes = r.sampled_bytes = run.sampled_bytes;
                r.granules = run.n;
                if ((run.copied & reading_sides) != reading_sides) {
                    r.hop_bytes = run_hop(run, side) * sb * uint64_t(sample_);
                    run.copied |= reading_sides;
                }
                entry->strikes = 0;
                ++remembered_accesses_;
                ++epoch_remembered_;
                return r;
            }
            entry->run = 0;
            ++entry->strikes;
        }
        record = entry->seen > 0 && entry->strikes < kRunStrikes;
        entry->seen = 1;
        looked_up_.clear();
    }
    for (uint64_t g = first_granule; g < end_granule; ++g) {
        const size_t set = sampled_set(g);
        if (set == SIZE_MAX) continue;
        const size_t base = set * size_t(ways_);
        const uint64_t g0 = g * spg;
        const int s0 = int(std::max(first_sector, g0) - g0), s1 = int(std::min(end_sector, g0 + spg) - g0);
        const SectorMask need = SectorMask::range(s0, s1);

        uint64_t* tags = &meta_[2 * base];
        uint64_t* lru = tags + ways_;
        const size_t ways = size_t(ways_);
        size_t k = ways == 16 ? find_way<16>(tags, g + 1) : find_way<0>(tags, g + 1);
        bool missed = false;
        if (k == ways) {
            // Victim: the first empty way, else the least recently used; its dirty sectors are
            // written back.
            const size_t v = ways == 16 ? victim_way<16>(lru) : victim_way<0>(lru);
            const uint64_t wb = dirty_sectors(lru[v]) * sb * uint64_t(sample_);
            if (tags[v] != 0 && wb) {
                if (!set_written_.empty() && count_sets) set_written_[set] += dirty_sectors(lru[v]);
                r.hbm_write_bytes += wb;
                writeback_bytes_by_tensor[size_t(owner_of(lru[v]))] += wb;
                dirty_sectors_[size_t(owner_of(lru[v]))] -= dirty_sectors(lru[v]);
            }
            if (lru[v] & kRunRef) --runs_[run_of(lru[v])].members;
            tags[v] = g + 1;
            lru[v] = uint64_t(owner) << kOwnerShift;
            missed = true;
            k = v;
        } else if (lru[k] & kRunRef) {
            // A granule of a run looked up on its own: the run no longer stamps it, so it is
            // no longer whole.
            --runs_[run_of(lru[k])].members;
        }
        lru[k] = (lru[k] & kWayState) | ++clock_;
        // A granule just placed has no valid or dirty sector: its masks are written, not read
        // (the victim's masks would be a host-memory miss: its dirty sectors are in lru[k]).
        // Masks of up to kInlineSectors sectors live in the tag word.
        Masks* m = inline_masks_ ? nullptr : &masks_[base + k];
        SectorMask valid, dirty;
        if (!missed) {
            const Masks w = masks_of(tags, base, k);
            valid = w.valid;
            dirty = w.dirty;
        } else if (m) {
            m->copied = SectorMask{};
        }
        // The partition hop: what a read from the side that is not the granule's home asks and
        // that side holds no copy of crosses (a granule just placed has no copies).
        if (reading_sides) r.hop_bytes += hop(g, side, lru[k], m, need) * sb * uint64_t(sample_);
        const SectorMask present = need & valid;
        r.hit_bytes += uint64_t(present.count()) * sb * uint64_t(sample_);
        r.sampled_bytes += uint64_t(s1 - s0) * sb * uint64_t(sample_);
        SectorMask fetch = need & ~valid;
        if (kind == Kind::write) {
            // Full sectors are written without reading HBM; a partly written sector that is not
            // in L2 is fetched so the sector stays whole.
            SectorMask partial;
            if (first_partial && first_sector >= g0 && first_sector < g0 + spg)
                partial = partial | SectorMask::range(int(first_sector - g0), int(first_sector - g0) + 1);
            if (last_partial && end_sector - 1 >= g0 && end_sector - 1 < g0 + spg)
                partial = partial | SectorMask::range(int(end_sector - 1 - g0), int(end_sector - g0));
            fetch = fetch & partial;
        }
        r.hbm_read_bytes += uint64_t(fetch.count()) * sb * uint64_t(sample_);
        ++r.granules;
        if (!set_fetched_.empty() && count_sets) set_fetched_[set] += uint64_t(fetch.count());
        if (kind != Kind::read) {
            dirty = dirty | need;
            dirty_sectors_[size_t(owner_of(lru[k]))] += uint64_t(dirty.count()) - dirty_sectors(lru[k]);
            lru[k] = (lru[k] & ~kDirtyField) | uint64_t(dirty.count()) << kDirtyShift;
        }
        if (m) {
            m->valid = valid | need;
            m->dirty = dirty;
        } else {
            tags[k] = (g + 1) | ((valid | need).w[0] << kValidShift) | (dirty.w[0] << kInlineDirtyShift);
        }
        if (record) looked_up_.push_back({size_t(lru + k - meta_.data()), g});
    }
    if (record) remember_run(*entry, addr, bytes, r.sampled_bytes, kind != Kind::read, reading_sides);
    return r;
}

bool L2Cache::holds_sector(uint64_t addr) const {
    const uint64_t spg = uint64_t(sectors_per_granule_), sector = per_sector(addr), g = per_granule(sector);
    const size_t set = sampled_set(g);
    if (set == SIZE_MAX) return false;
    const size_t base = set * size_t(ways_), ways = size_t(ways_);
    const uint64_t* tags = &meta_[2 * base];
    const size_t k = ways == 16 ? find_way<16>(tags, g + 1) : find_way<0>(tags, g + 1);
    if (k == ways) return false;
    const int s = int(sector - g * spg);
    return (masks_of(tags, base, k).valid & SectorMask::range(s, s + 1)).any();
}

void L2Cache::prefetch(uint64_t addr, uint64_t bytes) const {
    const uint64_t gb = uint64_t(granule_bytes_);
    for (uint64_t g = per_granule(per_sector(addr)); g * gb < addr + bytes; ++g) {
        const size_t set = sampled_set(g);
        if (set == SIZE_MAX) continue;
        const char* p = reinterpret_cast<const char*>(&meta_[2 * set * size_t(ways_)]);
        for (size_t off = 0; off < 2 * size_t(ways_) * sizeof(uint64_t); off += 64) __builtin_prefetch(p + off);
    }
}

uint64_t L2Cache::dirty_bytes() const {
    uint64_t n = 0;
    for (uint64_t b : dirty_bytes_by_tensor()) n += b;
    return n;
}

std::array<uint64_t, kTensorCount> L2Cache::dirty_bytes_by_tensor() const {
    std::array<uint64_t, kTensorCount> n{};
    for (size_t i = 0; i < kTensorCount; ++i) n[i] = dirty_sectors_[i] * uint64_t(sector_bytes_) * uint64_t(sample_);
    return n;
}

uint64_t L2Cache::flush() {
    const uint64_t d = dirty_bytes();
    for (size_t base = 0; base < meta_.size() / 2; base += size_t(ways_))
        for (size_t k = 0; k < size_t(ways_); ++k) reset_way(base, k);
    drop_runs();
    return d;
}

}  // namespace flashsim
