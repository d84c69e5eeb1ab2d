// fa2_program.h: the CTA program of FlashAttention-2's forward dataflow (fa2.cpp), shared by FA3
// (fa3.cpp), which moves the same tiles; each algorithm passes the names of its own listing's
// lines, so an op highlights the line of the listing the viewer shows.
#pragma once
#include "sim/trace/emit.h"

namespace flashsim {

struct Fa2Shape {
    int64_t N, Nk, d, Br, Bc, Tc, es;
    bool causal, fma;
};

// The listing line each step of the forward names.
struct Fa2Lines {
    LineId load_q, init, load_kv, compute_s, softmax, pv, normalise, lse, write_o, write_lse;
};

CtaProgram fa2_forward_cta(Emitter& e, Fa2Shape k, Fa2Lines lines, int64_t i);

// Adds the forward kernel: one CTA per query block (Tr per head).
void append_fa2_forward_program(Trace& t, const GpuSpec& g, const char* kernel_name, Fa2Lines lines);

}  // namespace flashsim
