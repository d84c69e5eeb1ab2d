// cta_ops.h: the ops one CTA of a kernel issues, in order, for the tests that look at a trace op
// by op (the trace, engine and viewer tests share it).
#pragma once
#include <cstdint>
#include <vector>

#include "sim/trace/trace.h"

namespace flashsim::test {

inline std::vector<Op> cta_ops(const KernelTrace& k, int64_t cta) {
    std::vector<Op> ops, buf(256);
    auto s = k.stream(cta);
    for (size_t n; (n = s->fill(buf.data(), buf.size())) > 0;) ops.insert(ops.end(), buf.begin(), buf.begin() + long(n));
    return ops;
}

}  // namespace flashsim::test
