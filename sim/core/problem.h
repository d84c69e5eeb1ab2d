// problem.h: what is computed. One attention call: B batches, H heads, N queries, N_kv keys,
// head dimension d, an element type, a causal flag and a pass (forward, backward or both).
//
// Contract: validate() throws ConfigError naming the first bad field; sizes are 64-bit so
// N up to 1M (N^2 = 1e12 elements) counts without overflow.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace flashsim {

enum class Dtype : uint8_t { fp32, fp16, bf16, fp8 };
enum class Pass : uint8_t { fwd, bwd, fwdbwd };

int64_t dtype_bytes(Dtype t);
const char* to_string(Dtype t);
const char* to_string(Pass p);
Dtype parse_dtype(const std::string& s);  // throws ConfigError
Pass parse_pass(const std::string& s);    // throws ConfigError
std::string dropout_text(double p);       // "0.1": as a person writes it (shortest form)

struct AttentionProblem {
    int64_t B = 1;          // batch
    int64_t H = 1;          // heads
    int64_t N = 1024;       // query sequence length
    int64_t N_kv = 0;       // key/value length; 0 means N
    int64_t d = 64;         // head dimension
    Dtype dtype = Dtype::fp16;
    bool causal = false;
    Pass pass = Pass::fwd;
    // The dropout probability p applied to P before P V (each element kept with probability 1 - p
    // and scaled by 1/(1 - p)); 0 = no dropout. Unset = the algorithm's default (the algorithm
    // table's default_dropout; dropout_p() in sim/algorithms/algorithm.h resolves it).
    std::optional<double> dropout;

    int64_t Nk() const { return N_kv > 0 ? N_kv : N; }
    int64_t heads() const { return B * H; }
    int64_t es() const { return dtype_bytes(dtype); }  // bytes per element of Q, K, V, O, S, P
    void validate() const;
    std::string describe() const;  // "B=1 H=16 N=1024 d=64 fp16 causal fwd", then " dropout=0.1" when set > 0
};

// Bytes per element of the fp32 row statistics (l, m, LSE, D).
constexpr int64_t kStatBytes = 4;

}  // namespace flashsim
