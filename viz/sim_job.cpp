// sim_job.cpp: the background simulation and the sweeps.
#include "viz/sim_job.h"

#include <algorithm>
#include <atomic>
#include <mutex>

#include "sim/core/errors.h"
#include "sim/engine/simulate.h"

namespace flashsim::viz {

SimOutcome run_simulation(const ViewerConfig& c, int shown_sms, bool timeline, bool paper_count_only) {
    SimOutcome out;
    out.config = c;
    out.partial = paper_count_only;
    try {
        const AttentionProblem p = c.to_problem();
        const GpuSpec g = c.to_gpu();
        out.sram_bytes_per_sm = g.sram_bytes_per_sm;
        const Schedule requested = c.to_schedule();
        try {
            SimOptions o = c.to_options(timeline);
            if (paper_count_only) o.paper_mode = true, o.timing = false, o.timeline = false;
            auto r = std::make_shared<RunResult>(simulate(p, requested, g, o));
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
        out.partial = false;  // an error is final
    }
    return out;
}

struct SimJob::Run {
    std::thread worker;
    std::mutex mu;
    std::optional<SimOutcome> partial, full;  // set by the worker
    std::atomic<bool> superseded{false};      // the full phase is not wanted any more
    bool partial_taken = false, full_taken = false;
    bool done() {
        std::lock_guard<std::mutex> lock(mu);
        return full.has_value();
    }
};

SimJob::~SimJob() {
    if (current_) {
        current_->superseded = true;
        if (current_->worker.joinable()) current_->worker.join();
    }
    for (auto& r : superseded_) r->worker.join();
}

void SimJob::launch(const ViewerConfig& c, Clock::time_point requested_at) {
    auto run = std::make_shared<Run>();
    const int sms = shown_sms_;
    Run* r = run.get();
    run->worker = std::thread([r, c, sms, requested_at] {
        auto since = [&] { return std::chrono::duration<double>(Clock::now() - requested_at).count(); };
        SimOutcome first = run_simulation(c, sms, false, true);
        first.latency_seconds = since();
        const bool final_now = !first.partial;  // an error: no second phase
        {
            std::lock_guard<std::mutex> lock(r->mu);
            if (final_now) r->full = std::move(first);
            else r->partial = std::move(first);
        }
        if (final_now) return;
        SimOutcome second;
        if (r->superseded) {
            second.error = "superseded";
        } else {
            second = run_simulation(c, sms, true);
            second.latency_seconds = since();
        }
        std::lock_guard<std::mutex> lock(r->mu);
        r->full = std::move(second);
    });
    current_ = std::move(run);
}

void SimJob::reap() {
    for (size_t i = 0; i < superseded_.size();)
        if (superseded_[i]->done()) {
            superseded_[i]->worker.join();
            superseded_.erase(superseded_.begin() + long(i));
        } else {
            ++i;
        }
}

void SimJob::request(const ViewerConfig& c) {
    reap();
    if (current_ && !current_->done()) {
        if (!superseded_.empty()) {
            // One superseded run already keeps a core busy: wait for it, keep only the latest.
            pending_ = c;
            pending_at_ = Clock::now();
            return;
        }
        current_->superseded = true;
        superseded_.push_back(std::move(current_));
    } else if (current_) {
        current_->worker.join();
    }
    pending_.reset();
    launch(c, Clock::now());
}

bool SimJob::poll(SimOutcome& out) {
    reap();
    if (pending_ && superseded_.empty()) {
        const ViewerConfig c = *pending_;
        const auto at = pending_at_;
        if (current_ && !current_->done()) {
            current_->superseded = true;
            superseded_.push_back(std::move(current_));
        } else if (current_) {
            current_->worker.join();
        }
        pending_.reset();
        launch(c, at);
        return false;
    }
    if (!current_ || pending_) return false;
    std::lock_guard<std::mutex> lock(current_->mu);
    // The partial outcome first even when the full one is ready too (the next poll gives that):
    // the order the header promises, whatever the threads' timing.
    if (current_->partial && !current_->partial_taken) {
        out = *current_->partial;
        current_->partial_taken = true;
        return true;
    }
    if (current_->full && !current_->full_taken) {
        out = *current_->full;
        current_->full_taken = current_->partial_taken = true;
        return true;
    }
    return false;
}

SimOutcome SimJob::wait() {
    SimOutcome out, got;
    while (busy()) {
        if (poll(got)) {
            if (!got.partial) return got;
            continue;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return out;
}

int SimJob::runs_in_flight() {
    int n = current_ && !current_->done() ? 1 : 0;
    for (auto& r : superseded_) n += r->done() ? 0 : 1;
    return n;
}

bool SimJob::busy() const {
    if (pending_) return true;
    if (!current_) return false;
    std::lock_guard<std::mutex> lock(current_->mu);
    return !current_->full_taken;
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
    try {
        const AttentionProblem p = base.to_problem();
        const GpuSpec g = base.to_gpu();
        const Schedule r = resolve_schedule(base.to_schedule(), p, g);
        s.current_Br = r.Br, s.current_Bc = r.Bc;
        if (r.Br == r.Bc) s.current_block = r.Br;
    } catch (const std::exception&) {
    }
    std::vector<int64_t> blocks = {16, 32, 64, 128, 256}, Ns = {256, 512, 1024, 2048, 4096, 8192, 16384};
    if (s.current_block > 0) blocks.push_back(s.current_block);
    Ns.push_back(base.N);
    for (auto* v : {&blocks, &Ns}) {
        std::sort(v->begin(), v->end());
        v->erase(std::unique(v->begin(), v->end()), v->end());
    }
    for (int64_t b : blocks) {
        ViewerConfig c = base;
        c.Br = c.Bc = b;
        if (b > c.N) break;
        s.vs_block.push_back(sweep_point(c, b));
    }
    for (int64_t n : Ns) {
        ViewerConfig c = base;
        c.N = n;
        if (c.Br > n || c.Bc > n) continue;
        s.vs_N.push_back(sweep_point(c, n));
    }
    return s;
}

}  // namespace flashsim::viz
