#include "sim/core/problem.h"

#include <cmath>
#include <cstdint>
#include <sstream>

#include "sim/core/errors.h"

namespace flashsim {

int64_t dtype_bytes(Dtype t) {
    switch (t) {
        case Dtype::fp32: return 4;
        case Dtype::fp16: return 2;
        case Dtype::bf16: return 2;
        case Dtype::fp8: return 1;
    }
    return 0;
}

const char* to_string(Dtype t) {
    switch (t) {
        case Dtype::fp32: return "fp32";
        case Dtype::fp16: return "fp16";
        case Dtype::bf16: return "bf16";
        case Dtype::fp8: return "fp8";
    }
    return "?";
}

const char* to_string(Pass p) {
    switch (p) {
        case Pass::fwd: return "fwd";
        case Pass::bwd: return "bwd";
        case Pass::fwdbwd: return "fwdbwd";
    }
    return "?";
}

Dtype parse_dtype(const std::string& s) {
    if (s == "fp32") return Dtype::fp32;
    if (s == "fp16") return Dtype::fp16;
    if (s == "bf16") return Dtype::bf16;
    if (s == "fp8") return Dtype::fp8;
    throw ConfigError("dtype='" + s + "' is unknown; allowed: fp32, fp16, bf16, fp8");
}

Pass parse_pass(const std::string& s) {
    if (s == "fwd") return Pass::fwd;
    if (s == "bwd") return Pass::bwd;
    if (s == "fwdbwd") return Pass::fwdbwd;
    throw ConfigError("pass='" + s + "' is unknown; allowed: fwd, bwd, fwdbwd");
}

std::string dropout_text(double p) {
    std::ostringstream s;
    s << p;
    return s.str();
}

static void require_range(const char* key, int64_t v, int64_t lo, int64_t hi) {
    if (v < lo || v > hi)
        throw ConfigError(std::string(key) + "=" + std::to_string(v) + " is out of range; allowed: " +
                          std::to_string(lo) + " to " + std::to_string(hi));
}

void AttentionProblem::validate() const {
    require_range("B", B, 1, 1 << 20);
    require_range("H", H, 1, 1 << 16);
    require_range("N", N, 1, int64_t(1) << 24);
    if (N_kv != 0) require_range("N_kv", N_kv, 1, int64_t(1) << 24);
    require_range("d", d, 1, 1024);
    if (pass != Pass::fwd && dtype == Dtype::fp8)
        throw ConfigError(std::string("pass=") + to_string(pass) +
                          " with dtype=fp8 is not modelled: FP8 training backward is not modelled (FA3 runs fp8 "
                          "forward only); allowed: --pass fwd with fp8, or bwd/fwdbwd with fp32, fp16, bf16");
    // Trace ops name their head in 32 bits, and every count must fit in 64 bits: the largest,
    // matmul FLOPs 4*B*H*N*N_kv*d (7/2 of that for fwd+bwd), stays below 2^63 under this bound.
    if (B * H > int64_t(UINT32_MAX))
        throw ConfigError("B*H=" + std::to_string(B * H) + " heads is too many; allowed: at most 2^32 - 1");
    const double work = double(B) * double(H) * double(N) * double(Nk()) * double(d + 16);
    if (work > double(int64_t(1) << 56))
        throw ConfigError("B*H*N*N_kv*(d+16)=" + std::to_string(work) +
                          " is too large: byte and FLOP counts would overflow 64 bits; allowed: at most 2^56");
    if (dropout && !(std::isfinite(*dropout) && *dropout >= 0 && *dropout < 1))
        throw ConfigError("dropout=" + dropout_text(*dropout) + " is out of range; allowed: 0 <= dropout < 1");
    if (causal && Nk() != N)
        throw ConfigError("causal with N_kv=" + std::to_string(N_kv) + " != N=" + std::to_string(N) +
                          " is not supported; causal needs N_kv = N");
}

std::string AttentionProblem::describe() const {
    std::string s = "B=" + std::to_string(B) + " H=" + std::to_string(H) + " N=" + std::to_string(N);
    if (N_kv) s += " N_kv=" + std::to_string(N_kv);
    s += " d=" + std::to_string(d) + " " + to_string(dtype);
    if (causal) s += " causal";
    s += std::string(" ") + to_string(pass);
    if (dropout && *dropout > 0) s += " dropout=" + dropout_text(*dropout);
    return s;
}

}  // namespace flashsim
