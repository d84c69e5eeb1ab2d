// homework_model.h: what the homework questions share (internal to sim/lessons): deterministic
// draws, one simulation described by its flags, the question builders, and the time under the
// classroom model.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "sim/core/seeded_inputs.h"
#include "sim/lessons/homework.h"
#include "sim/result/run_result.h"

namespace flashsim {

// Deterministic draws: the same (seed, student) give the same sequence on every platform
// (SplitMix64 over the seed and an FNV-1a hash of the id; no std:: distributions).
class Draw {
public:
    Draw(uint64_t seed, const std::string& student) {
        uint64_t h = 1469598103934665603ull;
        for (unsigned char c : student) h = (h ^ c) * 1099511628211ull;
        state_ = splitmix64(seed ^ splitmix64(h));
    }
    uint64_t next() { return state_ = splitmix64(state_); }
    template <class T>
    T pick(std::initializer_list<T> v) { return *(v.begin() + next() % v.size()); }

private:
    uint64_t state_;
};

// One simulation a question asks about, as a student would type it.
struct HwRun {
    Algorithm algo = Algorithm::fa2;
    int64_t N = 1024, d = 64, heads = 1;
    int64_t Br = 0, Bc = 0;  // 0: the algorithm's default
    Dtype dtype = Dtype::fp16;
    std::string gpu = "teaching";
    std::vector<std::string> set;  // "KEY=VALUE"

    std::string flags() const;  // "--algo fa2 --N 1024 ... --gpu teaching"
    nlohmann::json params() const;  // {"algo": "fa2", "N": 1024, ...}
};
inline HwRun run_of(Algorithm algo, int64_t N, int64_t d, int64_t heads) {
    HwRun h;
    h.algo = algo;
    h.N = N;
    h.d = d;
    h.heads = heads;
    return h;
}

RunResult hw_simulate(const HwRun& h, bool paper, bool timing);
bool hw_timing_available();  // the timing layer reports a time for the teaching GPU
bool hw_l2_available();      // the L2 model changes the counts on a GPU with an L2
// Seconds under the classroom model: the simulator's timing layer when it is there; otherwise
// the lecture's formula for one unit doing every transfer in turn,
//   cycles = transfers x latency + HBM bytes / (bytes per cycle).
double classroom_seconds(const RunResult& r);

std::string num(double v);
std::string num(int64_t v);
AnswerField make_field(const std::string& key, AnswerKind kind, const std::string& unit, double rel_tolerance,
                       nlohmann::json answer, double points = 1);

Question q_naive_memory(Draw& r);
Question q_sram_footprint(Draw& r);
Question q_tiles(Draw& r);
Question q_hbm_bytes(Draw& r);
Question q_classroom_time(Draw& r);
Question q_best_blocks(Draw& r);
Question q_io_ratio(Draw& r);
Question q_l2(Draw& r);

}  // namespace flashsim
