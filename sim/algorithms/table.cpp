// table.cpp: the rows of the algorithm table, in Algorithm's order.
#include <stdexcept>

#include "sim/algorithms/algorithm.h"

#include "sim/core/errors.h"

namespace flashsim {

// The entries, one file each.
const AlgorithmInfo& vanilla_algorithm();
const AlgorithmInfo& fa1_algorithm();
const AlgorithmInfo& fa2_algorithm();
const AlgorithmInfo& fa3_algorithm();
const AlgorithmInfo& standard_algorithm();

const std::vector<const AlgorithmInfo*>& all_algorithms() {
    static const std::vector<const AlgorithmInfo*> table = [] {
        std::vector<const AlgorithmInfo*> t = {&vanilla_algorithm(), &fa1_algorithm(), &fa2_algorithm(), &fa3_algorithm(),
                                                  &standard_algorithm()};
        for (size_t i = 0; i < t.size(); ++i)
            if (size_t(t[i]->id) != i) throw std::logic_error(std::string("algorithm table: ") + t[i]->name + " out of order");
        return t;
    }();
    return table;
}

const AlgorithmInfo& algorithm_info(Algorithm a) {
    const auto& t = all_algorithms();
    if (size_t(a) >= t.size()) throw std::logic_error("algorithm " + std::to_string(int(a)) + " has no table entry");
    return *t[size_t(a)];
}

std::string algorithm_names(const char* separator) {
    std::string s;
    for (const AlgorithmInfo* a : all_algorithms()) s += (s.empty() ? "" : separator) + std::string(a->name);
    return s;
}

double dropout_p(const AttentionProblem& p, Algorithm a) {
    const AlgorithmInfo& info = algorithm_info(a);
    const double drop = p.dropout.value_or(info.default_dropout);
    if (drop > 0 && info.dropout_mask == DropoutMask::none) {
        std::string with;
        for (const AlgorithmInfo* x : all_algorithms())
            if (x->dropout_mask != DropoutMask::none) with += (with.empty() ? "" : ", ") + std::string(x->name);
        throw ConfigError("dropout=" + dropout_text(drop) + " with algo=" + info.name + ": " + info.name +
                          " models no dropout; allowed: dropout 0, or an algorithm with dropout (" + with + ")");
    }
    return drop;
}

}  // namespace flashsim
