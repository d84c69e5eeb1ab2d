// Every op of every algorithm's trace names a line of its own pass's listing, and the line fits the
// op: a load, store or atomic names a line that moves its tensor; matmul and vector ops a line
// that computes on chip; a barrier a line that computes or moves nothing (a loop line). Every line
// that moves a tensor is named by some op (FA3's listing once had lines no op reached).
#include <doctest/doctest.h>

#include <map>
#include <set>
#include <stdexcept>

#include "sim/algorithms/algorithm.h"
#include "sim/trace/emit.h"
#include "tests/trace/backward_helpers.h"

namespace flashsim::test {

namespace {

struct LineCheck {
    std::set<std::string> violations;
    std::map<std::string, std::set<size_t>> used;  // listing title -> lines named by data ops

    void walk(const Trace& t) {
        std::vector<Op> buf(256);
        for (const auto& k : t.kernels) {
            REQUIRE(k->listing < t.listings.size());
            const Listing& l = t.listings[k->listing];
            for (int64_t c = 0; c < k->cta_count(); ++c) {
                auto s = k->stream(c);
                for (size_t n; (n = s->fill(buf.data(), buf.size())) != 0;)
                    for (size_t i = 0; i < n; ++i) check(l, k->name, buf[i]);
            }
        }
    }
    void check(const Listing& l, const std::string& kernel, const Op& op) {
        const std::string where = kernel + " " + to_string(op.kind) + " line " + std::to_string(op.line);
        if (op.line < 1 || op.line > l.lines.size()) {
            violations.insert(where + ": not a line of '" + l.title + "'");
            return;
        }
        const LineUse use = l.lines[op.line - 1].use;
        if (op.moves_data()) {
            if (!use.moves_tensor(op.tensor))
                violations.insert(where + " moves " + to_string(op.tensor) + " but the line says '" + l.lines[op.line - 1].text + "'");
            used[l.title].insert(op.line);
        } else if (op.kind == OpKind::barrier) {
            if (!use.on_chip && use.moves != 0)
                violations.insert(where + ": a barrier on a line that only moves tensors ('" + l.lines[op.line - 1].text + "')");
        } else if (!use.on_chip) {
            violations.insert(where + ": on-chip work on the line '" + l.lines[op.line - 1].text + "'");
        }
    }
};

}  // namespace

TEST_CASE("every op of every algorithm names a line of its listing that fits it") {
    const GpuSpec g = roomy_gpu();
    LineCheck check;
    std::set<std::string> listings_walked;
    for (const AlgorithmInfo* a : all_algorithms()) {
        for (Pass pass : {Pass::fwd, Pass::bwd, Pass::fwdbwd}) {
            if (pass != Pass::fwd && !a->backward.modelled()) continue;
            for (bool causal : {false, true})
                for (MatmulUnit unit : {MatmulUnit::tensor, MatmulUnit::fma})
                    for (const BwdShape& sh : {kBwdShapes[1], kBwdShapes[4]}) {
                        const AttentionProblem p = bwd_problem(sh, causal, pass, 2);
                        Schedule s = bwd_schedule(a->id, sh);
                        s.matmul_unit = unit;
                        const Trace t = make_trace(p, resolve_schedule(s, p, g), g);
                        for (const Listing& l : t.listings) listings_walked.insert(l.title);
                        check.walk(t);
                    }
        }
    }
    int shown = 0;
    for (const std::string& v : check.violations)
        if (shown++ < 5) MESSAGE(v);
    CHECK(check.violations.empty());

    // Every line that moves a tensor is reached by some data op.
    for (const AlgorithmInfo* a : all_algorithms())
        for (const PassEntry* pass : {&a->forward, &a->backward}) {
            if (!pass->modelled()) continue;
            const Listing l = pass->listing();
            REQUIRE(listings_walked.count(l.title) == 1);
            for (size_t k = 1; k <= l.lines.size(); ++k)
                if (l.lines[k - 1].use.moves != 0) {
                    INFO(l.title << ", line " << k << ": " << l.lines[k - 1].text);
                    CHECK(check.used[l.title].count(k) == 1);
                }
        }
}

TEST_CASE("FA3's ops name FA3's lines: Kj, Vj loads highlight the producer's TMA line") {
    const GpuSpec g = roomy_gpu();
    AttentionProblem p = bwd_problem(kBwdShapes[0], false, Pass::fwd);
    Schedule s;
    s.algo = Algorithm::fa3;
    const Trace t = make_trace(p, resolve_schedule(s, p, g), g);
    REQUIRE(t.listings.size() == 1);
    const Listing& l = t.listings[0];
    std::vector<Op> buf(256);
    auto st = t.kernels[0]->stream(0);
    int kv_loads = 0;
    for (size_t n; (n = st->fill(buf.data(), buf.size())) != 0;)
        for (size_t i = 0; i < n; ++i)
            if (buf[i].kind == OpKind::load && buf[i].tensor == Tensor::K) {
                ++kv_loads;
                CHECK(l.lines[buf[i].line - 1].text.find("TMA loads of Kj, Vj") != std::string::npos);
            }
    CHECK(kv_loads == t.schedule.Tc(p));
}

TEST_CASE("a listing whose line names are out of order is refused") {
    enum class Bad : uint8_t { first = 1, third = 3 };
    CHECK_THROWS_AS(make_listing<Bad>("bad", {{Bad::first, "one"}, {Bad::third, "three"}}), std::logic_error);
}

}  // namespace flashsim::test
