// The flashsim command with a backward: `flashsim run --pass bwd` and the demo with --pass bwd
// and fwdbwd work on every preset; fp8 and fa3 backward exit 2 with one line naming the problem.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <sys/wait.h>

#include "sim/gpu/gpu_spec.h"

namespace {

struct Run {
    int status = -1;
    std::string out;
};

Run run(const std::string& args) {
    Run r;
    FILE* f = popen((std::string(FLASHSIM_BINARY) + " " + args + " 2>&1").c_str(), "r");
    if (!f) return r;
    char buf[4096];
    for (size_t n; (n = fread(buf, 1, sizeof buf, f)) > 0;) r.out.append(buf, n);
    const int st = pclose(f);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return r;
}

}  // namespace

TEST_CASE("flashsim run --pass bwd and the fwdbwd demo succeed on every preset") {
    for (const std::string& g : flashsim::preset_names()) {
        CAPTURE(g);
        for (const char* algo : {"vanilla", "fa1", "fa2"}) {
            const Run r = run(std::string("run --no-timing --N 256 --pass bwd --algo ") + algo + " --gpu " + g);
            CHECK(r.status == 0);
            CHECK(r.out.find("simulated = formula") != std::string::npos);
        }
        const Run demo = run("--no-timing --N 256 --pass fwdbwd --causal --gpu " + g);
        CHECK(demo.status == 0);
        CHECK(demo.out.find("recompute") != std::string::npos);
        CHECK(demo.out.find("!= simulated") == std::string::npos);
    }
}

TEST_CASE("flashsim with a backward and fp8, or with fa3, exits 2 with one clear line") {
    const Run fp8 = run("run --pass bwd --dtype fp8");
    CHECK(fp8.status == 2);
    CHECK(fp8.out.find("FP8 training backward is not modelled") != std::string::npos);
    const Run demo_fp8 = run("--pass fwdbwd --dtype fp8");
    CHECK(demo_fp8.status == 2);
    const Run fa3 = run("run --pass fwdbwd --algo fa3 --gpu h100");
    CHECK(fa3.status == 2);
    CHECK(fa3.out.find("FlashAttention-3 backward is not modelled") != std::string::npos);
    CHECK(std::count(fa3.out.begin(), fa3.out.end(), '\n') == 1);
}
