// slot_queue.h: the event queue of one kernel's event loop (kernel_run.h), which holds at most one
// pending event per CTA slot: each event's handler schedules at most the slot's next event.
//
// Contract:
//   - push(t, slot, kind) schedules the slot's event; the slot must have none pending (else
//     std::logic_error: the loop's invariant broke);
//   - pop() returns the pending event of least (t, seq), seq the order of the pushes: the order
//     a binary heap of (t, seq) pops them in (tests/engine/slot_queue_test.cpp compares the two on
//     random pushes and pops), so the loop's results are the same bit for bit;
//   - a loser tree over the slots (Knuth, TAOCP vol. 3, 5.4.1): each internal node keeps the
//     loser of the match played there, so after the winner's key changes its path is played again
//     with one comparison a level against the keys the nodes keep. The event loop changes only the
//     winner's key (pop() takes it, its handler pushes the slot's next event); a push for another
//     slot, or the pushes before the first pop(), build the tree anew (all slots' matches).
//     A binary heap sifts each event down and the next one up, twice the comparisons, moving
//     whole events.
#pragma once
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <vector>

namespace flashsim::engine {

template <typename Kind>
class SlotQueue {
public:
    struct Event {
        double t;
        uint64_t seq;
        uint32_t slot;
        Kind kind;
    };

    explicit SlotQueue(size_t slots = 0) { reset(slots); }

    void reset(size_t slots) {
        leaves_ = 1;
        while (leaves_ < slots) leaves_ *= 2;
        key_.assign(leaves_, Key{});
        kind_.assign(leaves_, Kind{});
        loser_.assign(leaves_, 0);
        built_ = false;
        winner_ = 0;
        last_ = kNone;
        pending_ = 0;
        seq_ = 0;
    }

    bool empty() const { return pending_ == 0; }

    void push(double t, uint32_t slot, Kind kind) {
        if (slot >= leaves_ || key_[slot].t != kEmpty) throw std::logic_error("event queue: a second pending event for one slot");
        key_[slot] = Key{t, seq_++};
        kind_[slot] = kind;
        ++pending_;
        if (!built_) return;
        if (slot == last_) {
            last_ = kNone;
            replay(slot);
        } else {
            built_ = false;  // not the winner's path: the next pop() builds the tree anew
        }
    }

    Event pop() {
        if (!built_) {
            build();
        } else if (last_ != kNone) {
            replay(uint32_t(last_));  // the slot popped last, left empty
        }
        const uint32_t slot = winner_;
        const Event e{key_[slot].t, key_[slot].seq, slot, kind_[slot]};
        key_[slot] = Key{};
        --pending_;
        last_ = slot;
        return e;
    }

private:
    static constexpr double kEmpty = HUGE_VAL;
    static constexpr size_t kNone = SIZE_MAX;
    struct Key {
        double t = kEmpty;
        uint64_t seq = UINT64_MAX;
    };
    bool before(uint32_t a, uint32_t b) const {
        const Key &x = key_[a], &y = key_[b];
        return x.t < y.t || (x.t == y.t && x.seq < y.seq);
    }
    // The winner's path played again: at each node the slot meets the loser kept there; the
    // one that goes first goes up, the other stays.
    void replay(uint32_t slot) {
        uint32_t w = slot;
        for (size_t i = (leaves_ + slot) / 2; i >= 1; i /= 2) {
            const uint32_t l = loser_[i];
            const bool swap = before(l, w);
            loser_[i] = swap ? w : l;
            w = swap ? l : w;
        }
        winner_ = w;
    }
    void build() {
        std::vector<uint32_t> win(2 * leaves_);
        for (size_t s = 0; s < leaves_; ++s) win[leaves_ + s] = uint32_t(s);
        for (size_t i = leaves_ - 1; i >= 1; --i) {
            const uint32_t a = win[2 * i], b = win[2 * i + 1];
            const bool b_first = before(b, a);
            win[i] = b_first ? b : a;
            loser_[i] = b_first ? a : b;
        }
        winner_ = leaves_ > 1 ? win[1] : 0;
        built_ = true;
        last_ = kNone;
    }
    size_t leaves_ = 1, last_ = kNone, pending_ = 0;
    uint32_t winner_ = 0;
    bool built_ = false;
    uint64_t seq_ = 0;
    std::vector<Key> key_;
    std::vector<Kind> kind_;
    std::vector<uint32_t> loser_;  // loser_[i] for internal node i (1 .. leaves_ - 1); leaves at leaves_ + slot
};

}  // namespace flashsim::engine
