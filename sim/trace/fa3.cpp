// fa3.cpp: FlashAttention-3 forward. Its dataflow to and from HBM is FA2's (the shared CTA
// program of fa2_program.h); the asynchrony it adds (TMA producer warps, an s-stage circular
// SRAM buffer, ping-pong between two consumer warpgroups, softmax of block j+1 under the P.V
// GEMM of block j) is a matter of time, modelled by the timing engine from the algorithm
// table's properties. Its ops name the lines of FA3's own listing.
#include "sim/trace/fa2_program.h"
#include "sim/trace/generators.h"

namespace flashsim {

namespace {

enum class Line : uint8_t {
    producer_setup = 1, load_q, load_kv, consumer_setup, for_j, compute_s, softmax, pv, end_for_j, epilogue
};

// The steps of FA2's CTA program name these lines of FA3's listing.
struct Fa3ListingLines {
    static constexpr Line load_q = Line::load_q, init = Line::consumer_setup, load_kv = Line::load_kv,
                          compute_s = Line::compute_s, softmax = Line::softmax, pv = Line::pv, normalise = Line::epilogue,
                          lse = Line::epilogue, write_o = Line::epilogue, write_lse = Line::epilogue;
};

}  // namespace

Listing fa3_listing() {
    return make_listing<Line>(
        "FlashAttention-3 forward (FA3 paper, Algorithms 1 and 2, simplified)",
        {{Line::producer_setup, "Producer warpgroup: deallocate registers; wait for a free stage of the circular SRAM buffer."},
         {Line::load_q, "Producer: issue TMA load of Qi from HBM to SRAM (once per CTA).", moves(Tensor::Q)},
         {Line::load_kv, "Producer: for 1 <= j <= Tc: issue TMA loads of Kj, Vj into stage j mod s; signal when landed.",
          moves(Tensor::K, Tensor::V)},
         {Line::consumer_setup, "Consumer warpgroups (2, ping-pong): allocate registers; wait for Qi.", on_chip()},
         {Line::for_j, "  for 1 <= j <= Tc do"},
         {Line::compute_s, "    Wait for Kj; Sij = Qi Kj^T (WGMMA, asynchronous).", on_chip()},
         {Line::softmax,
          "    Softmax of Sij (rowmax, exp, rowsum; dropout p > 0: P~ij o Zij / (1 - p), Zij drawn on chip) overlaps the "
          "other warpgroup's GEMMs.",
          on_chip()},
         {Line::pv, "    Wait for Vj; Oi = diag(e^(mi-mi_new)) Oi + P~ij Vj (WGMMA); release stage j mod s.", on_chip()},
         {Line::end_for_j, "  end for"},
         {Line::epilogue, "  Oi = diag(li)^-1 Oi; Li = mi + log(li); write Oi, Li to HBM.",
          moves(Tensor::O, Tensor::LSE) | on_chip()}});
}

void append_fa3_forward(Trace& t, const GpuSpec& g) { append_fa2_forward_program<Fa3ListingLines>(t, g, "fa3_fwd"); }

}  // namespace flashsim
