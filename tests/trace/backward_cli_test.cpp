// The flashsim command with a backward: `flashsim run --pass bwd` and the demo with --pass bwd
// and fwdbwd work on every preset; fp8 and fa3 backward exit 2 with one line naming the problem.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "sim/gpu/gpu_spec.h"

#include "tests/lessons/run_binary.h"

namespace {

using flashsim_test::Ran;

Ran run(const std::string& args) { return flashsim_test::run_flashsim(args); }

}  // namespace

TEST_CASE("flashsim run --pass bwd and the fwdbwd demo succeed on every preset") {
    for (const std::string& g : flashsim::preset_names()) {
        CAPTURE(g);
        for (const char* algo : {"vanilla", "fa1", "fa2"}) {
            const Ran r = run(std::string("run --no-timing --N 256 --pass bwd --algo ") + algo + " --gpu " + g);
            CHECK(r.status == 0);
            CHECK(r.output.find("simulated = formula") != std::string::npos);
        }
        const Ran demo = run("--no-timing --N 256 --pass fwdbwd --causal --gpu " + g);
        CHECK(demo.status == 0);
        CHECK(demo.output.find("recompute") != std::string::npos);
        CHECK(demo.output.find("!= simulated") == std::string::npos);
    }
}

TEST_CASE("flashsim with a backward and fp8, or with fa3, exits 2 with one clear line") {
    const Ran fp8 = run("run --pass bwd --dtype fp8");
    CHECK(fp8.status == 2);
    CHECK(fp8.output.find("FP8 training backward is not modelled") != std::string::npos);
    const Ran demo_fp8 = run("--pass fwdbwd --dtype fp8");
    CHECK(demo_fp8.status == 2);
    const Ran fa3 = run("run --pass fwdbwd --algo fa3 --gpu h100");
    CHECK(fa3.status == 2);
    CHECK(fa3.output.find("FlashAttention-3 backward is not modelled") != std::string::npos);
    CHECK(std::count(fa3.output.begin(), fa3.output.end(), '\n') == 1);
}
