#include "versions.h"
namespace v5_fa2_tc {
std::string plan(const AttnProblem&, AttnConfig&, const cudaDeviceProp&) { return "not yet"; }
size_t workspace_bytes(const AttnProblem&, const AttnConfig&) { return 0; }
void launch(const AttnProblem&, const AttnConfig&, const AttnBuffers&, cudaStream_t) {}
}
