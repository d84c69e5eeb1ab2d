// byte_runs.h: joins byte ranges met in increasing address order into maximal contiguous runs,
// each handed once to a callback (the L1's misses to the L2, the coalescer's requests to the tags).
#pragma once
#include <cstdint>

namespace flashsim {

template <class Emit>
class ByteRuns {
public:
    explicit ByteRuns(const Emit& emit) : emit_(emit) {}
    // [lo, hi) joins the run it continues, else the run so far is handed on and a new one starts.
    void add(uint64_t lo, uint64_t hi) {
        if (end_ == lo && end_ > begin_) {
            end_ = hi;
            return;
        }
        flush();
        begin_ = lo;
        end_ = hi;
    }
    // Hands on the run so far (a gap: the next add() starts a new one).
    void flush() {
        if (end_ > begin_) emit_(begin_, end_ - begin_);
        begin_ = end_ = 0;
    }

private:
    const Emit& emit_;
    uint64_t begin_ = 0, end_ = 0;
};

}  // namespace flashsim
