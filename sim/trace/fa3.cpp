// fa3.cpp: FlashAttention-3's listing. Its dataflow to and from HBM is FA2's (fa2.cpp); the
// asynchrony it adds (TMA producer warps, an s-stage circular SRAM buffer, ping-pong between two
// consumer warpgroups, softmax of block j+1 under the P.V GEMM of block j) is a matter of time,
// modelled by the timing engine.
#include "sim/trace/generators.h"

namespace flashsim {

Listing fa3_listing() {
    return {"FlashAttention-3 forward (FA3 paper, Algorithms 1 and 2, simplified)",
            {"Producer warpgroup: deallocate registers; wait for a free stage of the circular SRAM buffer.",
             "Producer: issue TMA load of Qi from HBM to SRAM (once per CTA).",
             "Producer: for 1 <= j <= Tc: issue TMA loads of Kj, Vj into stage j mod s; signal when landed.",
             "Consumer warpgroups (2, ping-pong): allocate registers; wait for Qi.",
             "  for 1 <= j <= Tc do",
             "    Wait for Kj; Sij = Qi Kj^T (WGMMA, asynchronous).",
             "    Softmax of Sij (rowmax, exp, rowsum) overlaps the other warpgroup's GEMMs.",
             "    Wait for Vj; Oi = diag(e^(mi-mi_new)) Oi + P~ij Vj (WGMMA); release stage j mod s.",
             "  end for",
             "  Oi = diag(li)^-1 Oi; Li = mi + log(li); write Oi, Li to HBM."}};
}

}  // namespace flashsim
