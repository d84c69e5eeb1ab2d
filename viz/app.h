// app.h: the viewer's application state, kept outside the drawing code. Panels read it and
// record the user's edits into it; update() polls the background simulations and advances the
// animation once a frame.
#pragma once
#include <future>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "viz/config.h"
#include "viz/draw_record.h"
#include "viz/measurement.h"
#include "viz/playback.h"
#include "viz/sim_job.h"

namespace flashsim::viz {

enum class View { hierarchy, compare, timeline, plots };
const char* to_string(View v);
View parse_view(const std::string& s);  // throws ConfigError

// One configuration, its latest simulation and its animation (A; B is the compare side).
struct Side {
    ViewerConfig config;      // as the controls edit it
    SimJob job;
    SimOutcome outcome;       // the latest finished simulation
    bool has_outcome = false;
    Playback playback;
    void request() { job.request(config); }
};

struct AppState {
    Side a, b;
    View view = View::hierarchy;
    bool playing = false;
    double speed_steps_per_s = 4.0;
    double phase = 0.5;          // progress of the current op's transfer (0..1), for the packets
    bool projector = false;
    // The left panel's tab when the window is narrow for its font (listing and counters move there).
    enum class LeftTab { controls, algorithm, counters } left_tab = LeftTab::controls;
    bool left_tab_requested = false;  // select left_tab on the next frame (headless, --tab)
    bool show_help = false;
    bool hide_panels = false;  // C: the view fills the window (controls, listing and counters hidden)
    bool headless = false;
    std::string headless_error;  // set when a headless run must stop with exit code 2

    // Plots: sweeps computed in the background for the configuration of `sweeps.config`.
    std::future<Sweeps> sweep_future;
    bool sweeps_running = false, has_sweeps = false;
    Sweeps sweeps;

    // Measured overlay.
    MeasurementFile measurements;
    bool has_measurements = false;
    std::string measurement_error;
    std::string measurement_path;
    char measurement_path_input[512] = "";  // the path box of the measured panel, as typed

    // GPU presets as loaded for the controls' field list (a name maps to null when it fails).
    std::map<std::string, std::shared_ptr<const GpuSpec>> presets;
    const GpuSpec* preset(const std::string& name);

    // Timeline view: cycles at the left edge and cycles per pixel (0: fit on the next frame).
    double timeline_t0_cycles = 0, timeline_cycles_per_px = 0;

    DrawRecord record;  // what the last frame drew (screen rectangles), for headless checks

    void start();                  // first simulations
    void update(double dt_seconds);  // poll jobs, advance playback
    void step_by(int64_t delta);   // keeps B in step with A
    void seek(int64_t step);
    void request_sweeps();
    void load_measurement_file(const std::string& path);  // errors go to measurement_error
};

}  // namespace flashsim::viz
