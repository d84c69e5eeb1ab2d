// headless.cpp: the interactive loop, headless screenshots/recordings and the benchmark. All three
// draw with the same draw_frame() into a real GLFW window's default framebuffer.
#include "viz/headless.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <thread>
#include <vector>

#include "sim/algorithms/algorithm.h"
#include "sim/cli/options.h"
#include "viz/panels.h"
#include "viz/window.h"

namespace flashsim::viz {

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

void frame(Window& w, AppState& app) {
    w.begin_frame(app.projector);
    if (!app.headless) handle_shortcuts(app);
    draw_frame(app);
    w.render();
}

// Waits for the simulations (and, for the plots, the sweeps) before a headless frame.
void settle(AppState& app, bool sweeps = false) {
    app.a.outcome = app.a.job.wait();
    app.a.has_outcome = true;
    app.b.outcome = app.b.job.wait();
    app.b.has_outcome = true;
    for (Side* s : {&app.a, &app.b})
        if (s->outcome.result) s->playback.reset(s->outcome.trace, s->outcome.plan);
    if (app.view == View::plots || sweeps) {
        app.request_sweeps();
        if (app.sweeps_running) {
            app.sweeps = app.sweep_future.get();
            app.sweeps_running = false;
            app.has_sweeps = true;
        }
    }
}

// With `write_image` false only the draw record (png + ".json") is written: the layout tests
// need the frame laid out and drawn, not its pixels.
void capture(Window& w, AppState& app, const std::string& png, bool write_image = true) {
    // Three frames: ImGui sizes its windows on the first, the fonts may change with the size, and
    // scroll limits settle on the next.
    frame(w, app);
    w.swap();
    frame(w, app);
    w.swap();
    frame(w, app);
    if (write_image) {
        int width = 0, height = 0;
        std::vector<uint8_t> px = w.read_pixels(width, height);
        write_png(png, width, height, px);
    }
    w.swap();
    cli::write_output(png + ".json", app.record.to_json() + "\n");
}

}  // namespace

int run_interactive(AppState& app, int width, int height) {
    Window w(width, height, "flashsim viewer");
    app.start();
    auto last = Clock::now();
    while (!w.should_close()) {
        // Sleep between events unless something moves (playback, a background job).
        const bool idle = !app.playing && !app.a.job.busy() && !app.b.job.busy() && !app.sweeps_running;
        w.poll(idle, 0.25);
        const double dt = since(last);
        last = Clock::now();
        app.update(dt);
        frame(w, app);
        w.swap();
    }
    return 0;
}

int run_headless(AppState& app, int width, int height, const std::string& screenshot, const std::string& record_dir,
                 int64_t steps) {
    app.headless = true;
    app.phase = 0.5;  // packets half-way between HBM and SRAM
    Window w(width, height, "flashsim viewer");
    app.start();
    settle(app);
    if (!app.a.outcome.error.empty()) std::cerr << "flashsim-viz: note: " << app.a.outcome.error << "\n";
    if (!record_dir.empty()) {
        std::filesystem::create_directories(record_dir);
        const int64_t last = app.a.playback.empty() ? 0 : std::min(steps, app.a.playback.total_steps() - 1);
        for (int64_t k = 0; k <= last; ++k) {
            app.seek(k);
            char name[32];
            std::snprintf(name, sizeof name, "step_%05lld.png", (long long)k);
            capture(w, app, (std::filesystem::path(record_dir) / name).string());
        }
        std::cout << "wrote " << last + 1 << " frames to " << record_dir << "\n";
    }
    if (!screenshot.empty()) {
        app.seek(steps);
        capture(w, app, screenshot);
        std::cout << "wrote " << screenshot << " (step " << app.a.playback.step() << ")\n";
    }
    return 0;
}

int run_shots(AppState& app, const std::string& dir, const std::vector<std::pair<int, int>>& sizes,
              const std::vector<View>& views, const std::vector<bool>& modes, int64_t steps, bool write_images) {
    app.headless = true;
    app.phase = 0.5;
    Window w(sizes.front().first, sizes.front().second, "flashsim viewer");
    app.start();
    settle(app, std::find(views.begin(), views.end(), View::plots) != views.end());
    if (!app.a.outcome.error.empty()) std::cerr << "flashsim-viz: note: " << app.a.outcome.error << "\n";
    std::filesystem::create_directories(dir);
    app.seek(steps);
    int n = 0;
    for (const auto& [width, height] : sizes) {
        w.resize(width, height);
        for (bool projector : modes)
            for (View v : views) {
                app.view = v;
                app.projector = projector;
                app.timeline_cycles_per_px = 0;  // fit the timeline to this width
                char name[96];
                std::snprintf(name, sizeof name, "%s%s-%dx%d.png", to_string(v), projector ? "-projector" : "", width, height);
                capture(w, app, (std::filesystem::path(dir) / name).string(), write_images);
                ++n;
            }
    }
    std::cout << "wrote " << n << " screenshots to " << dir << " (step " << app.a.playback.step() << ")\n";
    return 0;
}

int run_bench(AppState& app, int width, int height) {
    Window w(width, height, "flashsim viewer (bench)");
    app.a.config.N = 8192;
    app.b.config.N = 8192;
    app.start();
    settle(app);
    if (!app.a.outcome.result) {
        std::cerr << "flashsim-viz: error: " << app.a.outcome.error << "\n";
        return 2;
    }
    // 1) Frames per second with the animation running at N = 8192.
    app.playing = true;
    app.speed_steps_per_s = 120;
    for (View v : {View::hierarchy, View::compare, View::timeline}) {
        app.view = v;
        app.seek(0);
        app.playing = true;
        int frames = 0;
        auto t0 = Clock::now(), last = t0;
        while (since(t0) < 3.0) {
            w.poll(false, 0);
            app.update(since(last));
            last = Clock::now();
            frame(w, app);
            w.swap();
            ++frames;
        }
        const double secs = since(t0);
        std::printf("fps  view=%-9s N=8192 %s: %.1f frames/s (%d frames in %.2f s, animation at step %lld of %lld)\n",
                    to_string(v), app.a.config.algo.c_str(), frames / secs, frames, secs, (long long)app.a.playback.step(),
                    (long long)app.a.playback.total_steps());
    }
    // 2) From a change of the controls to new totals, with the UI loop running meanwhile.
    app.view = View::hierarchy;
    std::printf("latency: from a slider change to new totals (paper-mode count first, then the L2 model and timing; "
                "background threads, UI running)\n");
    struct Change {
        const char* what;
        int64_t N, Br, Bc;
        const char* algo;
    };
    const Change changes[] = {{"N=1024", 1024, 0, 0, "fa2"},   {"N=2048", 2048, 0, 0, "fa2"}, {"N=4096", 4096, 0, 0, "fa2"},
                              {"N=8192", 8192, 0, 0, "fa2"},   {"Br=Bc=64", 8192, 64, 64, "fa2"},
                              {"fa1 N=8192", 8192, 0, 0, "fa1"}, {"vanilla N=8192", 8192, 0, 0, "vanilla"}};
    for (const auto& c : changes) {
        app.a.config.N = c.N;
        app.a.config.Br = c.Br;
        app.a.config.Bc = c.Bc;
        app.a.config.algo = c.algo;
        const auto requested = Clock::now();
        app.a.request();
        double worst_frame = 0, totals_on_screen = -1;
        auto last = Clock::now();
        int frames = 0;
        while (app.a.job.busy()) {
            auto f0 = Clock::now();
            w.poll(false, 0);
            app.update(since(last));
            last = Clock::now();
            frame(w, app);
            w.swap();
            // The first frame drawn with this request's totals (the paper-mode count).
            if (totals_on_screen < 0 && app.a.has_outcome && app.a.outcome.config == app.a.config) totals_on_screen = since(requested);
            worst_frame = std::max(worst_frame, since(f0));
            ++frames;
        }
        frame(w, app);  // the frame that shows the full result
        w.swap();
        const double full_on_screen = since(requested);
        if (totals_on_screen < 0) totals_on_screen = full_on_screen;
        std::printf("  %-16s totals on screen after %6.1f ms; L2 and timing after %7.1f ms (%s); %d frames meanwhile, "
                    "slowest %.1f ms\n",
                    c.what, totals_on_screen * 1e3, full_on_screen * 1e3,
                    app.a.outcome.error.empty() ? "ok" : app.a.outcome.error.c_str(), frames, worst_frame * 1e3);
    }
    // 3) The first phase alone (what a slider change waits for before totals show), up to the
    //    slider's largest N.
    std::printf("paper-mode count (the first phase), %s, heads %lld:\n", app.a.config.gpu.c_str(), (long long)app.a.config.heads);
    for (const AlgorithmInfo* a : all_algorithms())
        for (int64_t N : {1024, 8192, 65536}) {
            const char* algo = a->name;
            ViewerConfig c = app.a.config;
            c.algo = algo, c.N = N, c.Br = c.Bc = 0;
            const auto t0 = Clock::now();
            const SimOutcome o = run_simulation(c, 4, false, true);
            std::printf("  %-8s N=%-6lld %7.1f ms%s%s\n", algo, (long long)N, since(t0) * 1e3, o.error.empty() ? "" : "  ",
                        o.error.c_str());
        }
    return 0;
}

}  // namespace flashsim::viz
