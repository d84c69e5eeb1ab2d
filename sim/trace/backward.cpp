// backward.cpp: backward-pass dispatch. The backward generators are not modelled yet; asking
// for them is a clear error rather than a silent forward-only result.
#include "sim/core/errors.h"
#include "sim/trace/generators.h"

namespace flashsim {

void append_backward(Trace& t, const GpuSpec&) {
    throw ConfigError(std::string("pass=") + to_string(t.problem.pass) + " for algo=" + to_string(t.schedule.algo) +
                      " is not modelled yet; allowed: --pass fwd");
}

}  // namespace flashsim
