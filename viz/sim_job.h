// sim_job.h: simulations run in the background (std::async) so the UI never freezes; a change
// that arrives while one runs is coalesced into the next run (only the latest configuration
// counts). Also the sweeps the plots draw (HBM bytes and time vs block size and vs N).
#pragma once
#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <string>
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
};

// Runs one configuration now (the worker's body; headless runs call it directly).
SimOutcome run_simulation(const ViewerConfig& c, int shown_sms, bool timeline);

class SimJob {
public:
    explicit SimJob(int shown_sms = 4) : shown_sms_(shown_sms) {}
    ~SimJob();
    void request(const ViewerConfig& c);  // starts now, or after the run in flight
    bool poll(SimOutcome& out);           // true when a new outcome is ready (non-blocking)
    SimOutcome wait();                    // blocks until the latest request is done
    bool busy() const { return running_ || pending_.has_value(); }

private:
    using Clock = std::chrono::steady_clock;
    void launch(const ViewerConfig& c, Clock::time_point requested_at);
    int shown_sms_;
    std::future<SimOutcome> fut_;
    bool running_ = false;
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
struct Sweeps {
    ViewerConfig config;
    std::vector<SweepPoint> vs_block, vs_N;
};
Sweeps run_sweeps(const ViewerConfig& c);

}  // namespace flashsim::viz
