// sim_job.cpp: the background simulation and the sweeps.
#include "viz/sim_job.h"

#include "sim/core/errors.h"
#include "sim/engine/simulate.h"

namespace flashsim::viz {

SimOutcome run_simulation(const ViewerConfig& c, int shown_sms, bool timeline) {
    SimOutcome out;
    out.config = c;
    try {
        const AttentionProblem p = c.to_problem();
        const GpuSpec g = c.to_gpu();
        out.sram_bytes_per_sm = g.sram_bytes_per_sm;
        const Schedule requested = c.to_schedule();
        try {
            auto r = std::make_shared<RunResult>(simulate(p, requested, g, c.to_options(timeline)));
            auto t = std::make_shared<Trace>(make_trace(p, r->schedule, g));
            const int sms = int(std::min<int64_t>(shown_sms, g.sm_count));
            out.plan = make_plan(*t, sms);
            out.result = std::move(r);
            out.trace = std::move(t);
        } catch (const ConfigError&) {
            // Keep the footprint of the blocks asked for, so the SRAM bar can show the overflow.
            if (requested.Br > 0 && requested.Bc > 0) {
                out.footprint = footprint(requested, p, g);
                out.has_footprint = true;
            }
            throw;
        }
    } catch (const std::exception& e) {
        out.error = e.what();
        out.result.reset();
        out.trace.reset();
    }
    return out;
}

SimJob::~SimJob() {
    if (fut_.valid()) fut_.wait();
}

void SimJob::launch(const ViewerConfig& c, Clock::time_point requested_at) {
    running_ = true;
    const int sms = shown_sms_;
    fut_ = std::async(std::launch::async, [c, sms, requested_at] {
        SimOutcome o = run_simulation(c, sms, true);
        o.latency_seconds = std::chrono::duration<double>(Clock::now() - requested_at).count();
        return o;
    });
}

void SimJob::request(const ViewerConfig& c) {
    if (running_) {
        pending_ = c;
        pending_at_ = Clock::now();
    } else {
        launch(c, Clock::now());
    }
}

bool SimJob::poll(SimOutcome& out) {
    if (!running_ || fut_.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return false;
    out = fut_.get();
    running_ = false;
    if (pending_) {
        // A newer configuration arrived meanwhile: this outcome is stale, run the newer one.
        launch(*pending_, pending_at_);
        pending_.reset();
        return false;
    }
    return true;
}

SimOutcome SimJob::wait() {
    SimOutcome out;
    while (busy()) {
        if (fut_.valid()) fut_.wait();
        if (poll(out)) return out;
    }
    return out;
}

namespace {

SweepPoint sweep_point(const ViewerConfig& c, int64_t x) {
    SweepPoint pt;
    pt.x = x;
    try {
        const RunResult r = simulate(c.to_problem(), c.to_schedule(), c.to_gpu(), c.to_options(false));
        pt.ok = true;
        pt.hbm_bytes = double(r.counts.total.hbm_read_bytes + r.counts.total.hbm_write_bytes);
        pt.seconds = r.timing.valid ? r.timing.seconds : 0.0;
    } catch (const std::exception& e) {
        pt.error = e.what();
    }
    return pt;
}

}  // namespace

Sweeps run_sweeps(const ViewerConfig& base) {
    Sweeps s;
    s.config = base;
    for (int64_t b : {16, 32, 64, 128, 256}) {
        ViewerConfig c = base;
        c.Br = c.Bc = b;
        if (b > c.N) break;
        s.vs_block.push_back(sweep_point(c, b));
    }
    for (int64_t n : {256, 512, 1024, 2048, 4096, 8192, 16384}) {
        ViewerConfig c = base;
        c.N = n;
        if (c.Br > n || c.Bc > n) continue;
        s.vs_N.push_back(sweep_point(c, n));
    }
    return s;
}

}  // namespace flashsim::viz
