// app.cpp: application state updates (no drawing): background results, playback, sweeps,
// measurement files.
#include "viz/app.h"

#include <cmath>
#include <cstdio>

#include "sim/core/errors.h"

namespace flashsim::viz {

const char* to_string(View v) {
    switch (v) {
        case View::hierarchy: return "hierarchy";
        case View::compare: return "compare";
        case View::timeline: return "timeline";
        case View::plots: return "plots";
    }
    return "?";
}

View parse_view(const std::string& s) {
    for (View v : {View::hierarchy, View::compare, View::timeline, View::plots})
        if (s == to_string(v)) return v;
    throw ConfigError("--view '" + s + "' is unknown; allowed: hierarchy, compare, timeline, plots");
}

void AppState::start() {
    a.request();
    b.request();
}

namespace {

// Takes a finished simulation, keeping the animation at the same step where it still exists.
void take(Side& s, SimOutcome&& o) {
    const int64_t step = s.playback.step();
    s.outcome = std::move(o);
    s.has_outcome = true;
    if (s.outcome.result) {
        s.playback.reset(s.outcome.trace, s.outcome.plan);
        s.playback.seek(step);
    } else {
        s.playback.reset(nullptr, {});
    }
}

}  // namespace

void AppState::update(double dt) {
    SimOutcome o;
    if (a.job.poll(o)) take(a, std::move(o));
    if (b.job.poll(o)) take(b, std::move(o));
    if (b.has_outcome && b.playback.step() != a.playback.step()) b.playback.seek(a.playback.step());

    if (sweeps_running && sweep_future.wait_for(std::chrono::seconds(0)) == std::future_status::ready) {
        sweeps = sweep_future.get();
        sweeps_running = false;
        has_sweeps = true;
    }

    if (playing && !a.playback.empty()) {
        phase += dt * speed_steps_per_s;
        const int64_t whole = int64_t(std::floor(phase));
        if (whole > 0) {
            phase -= double(whole);
            if (a.playback.step() + whole >= a.playback.total_steps()) playing = false;
            seek(a.playback.step() + whole);
        }
    }
}

void AppState::seek(int64_t step) {
    a.playback.seek(step);
    b.playback.seek(a.playback.step());
}

void AppState::step_by(int64_t delta) {
    phase = 0.5;
    seek(a.playback.step() + delta);
}

void AppState::request_sweeps() {
    if (sweeps_running) return;
    if (has_sweeps && sweeps.config == a.config) return;
    const ViewerConfig c = a.config;
    sweep_future = std::async(std::launch::async, [c] { return run_sweeps(c); });
    sweeps_running = true;
}

const GpuSpec* AppState::preset(const std::string& name) {
    auto it = presets.find(name);
    if (it == presets.end()) {
        std::shared_ptr<const GpuSpec> g;
        try {
            g = std::make_shared<const GpuSpec>(load_gpu(name));
        } catch (const std::exception&) {
        }
        it = presets.emplace(name, std::move(g)).first;
    }
    return it->second.get();
}

void AppState::load_measurement_file(const std::string& path) {
    measurement_path = path;
    if (path != measurement_path_input) std::snprintf(measurement_path_input, sizeof measurement_path_input, "%s", path.c_str());
    try {
        measurements = load_measurements(path);
        has_measurements = true;
        measurement_error.clear();
    } catch (const std::exception& e) {
        has_measurements = false;
        measurement_error = e.what();
    }
}

}  // namespace flashsim::viz
