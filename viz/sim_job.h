// sim_job.h: simulations run in the background so the UI never freezes. Each request runs in two
// phases: the paper-mode count first (milliseconds, even at large N), delivered at once as a
// partial outcome, then the full simulation (L2 model and timing). A newer request does not wait
// for an older full simulation: it starts at once, and the older one's result is dropped (at most
// one such run keeps going in the background; beyond that, requests are coalesced and only the
// latest configuration counts). Also the sweeps the plots draw.
#pragma once
#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "sim/result/run_result.h"
#include "viz/config.h"
#include "viz/playback.h"

namespace flashsim::viz {

struct SimOutcome {
    ViewerConfig config;
    std::shared_ptr<const RunResult> result;  // null on error
    std::shared_ptr<const Trace> trace;
    PlaybackPlan plan;
    std::string error;                        // one line, as ConfigError says it
    // When the schedule does not fit, the footprint of the requested blocks (for the red bar).
    bool has_footprint = false;
    Footprint footprint;
    int64_t sram_bytes_per_sm = 0;
    double latency_seconds = 0;               // from the request to the result
    bool partial = false;                     // paper-mode counts only; the full result follows
};

// Runs one configuration now (the worker's body; headless runs call it directly). With
// `paper_count_only`, the paper-mode count without timing (the first phase).
SimOutcome run_simulation(const ViewerConfig& c, int shown_sms, bool timeline, bool paper_count_only = false);

class SimJob {
public:
    explicit SimJob(int shown_sms = 4) : shown_sms_(shown_sms) {}
    ~SimJob();  // waits for the runs still going
    SimJob(const SimJob&) = delete;
    SimJob& operator=(const SimJob&) = delete;
    void request(const ViewerConfig& c);
    // True when a new outcome of the latest request is ready (non-blocking): first the partial
    // one (paper-mode counts), then the full one.
    bool poll(SimOutcome& out);
    SimOutcome wait();  // blocks until the latest request's full outcome
    bool busy() const;  // the latest request's full outcome is not delivered yet
    int runs_in_flight();  // workers still running, the superseded ones included

private:
    using Clock = std::chrono::steady_clock;
    struct Run;  // one request's worker and its outcomes
    void launch(const ViewerConfig& c, Clock::time_point requested_at);
    void reap();  // joins finished, superseded runs
    int shown_sms_;
    std::shared_ptr<Run> current_;
    std::vector<std::shared_ptr<Run>> superseded_;
    std::optional<ViewerConfig> pending_;
    Clock::time_point pending_at_{};
};

// One point of a sweep.
struct SweepPoint {
    int64_t x = 0;  // block size (Br = Bc) or N
    bool ok = false;
    double hbm_bytes = 0, seconds = 0;  // seconds: 0 when timing is not available
    std::string error;
};
// The sweeps include the configuration's own point (its N; its block size when Br = Bc), so the
// plots mark the current configuration on the curve.
struct Sweeps {
    ViewerConfig config;
    std::vector<SweepPoint> vs_block, vs_N;
    int64_t current_block = 0;  // the resolved Br = Bc, 0 when Br != Bc or it does not resolve
    int64_t current_Br = 0, current_Bc = 0;
};
Sweeps run_sweeps(const ViewerConfig& c);

}  // namespace flashsim::viz
