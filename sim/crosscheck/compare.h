// compare.h: measured vs simulated, metric by metric, with signed relative errors and summaries.
//
// Contract: the simulator runs each measured configuration with the L2 model and the timing
// layer on (SimOptions{paper_mode=false, timing=true}) unless the caller asks otherwise. Every
// metric pairs a measured and a simulated value; either may be missing (a run not profiled, a
// model without timing), and then the relative error is missing too. A configuration the
// simulator refuses (e.g. it does not fit the preset's SRAM) is recorded with its error, not
// thrown, so one bad run does not hide the others.
//
//   metric        measured                                simulated
//   hbm_read      dram__bytes_read.sum                    counts.total.hbm_read_bytes
//   hbm_write     dram__bytes_write.sum                   counts.total.hbm_write_bytes (dirty
//                                                         lines left in L2 shown beside it)
//   l2_traffic    lts__t_bytes.sum                        global read bytes + l2_hop_bytes + write
//                                                         bytes as ncu counts them (fill_simulated)
//   l2_requests   (lts__t_sectors_op_{read,write,atom,red}) x 32   the same
//   time_ncu      gpu__time_duration.sum                  timing.seconds
//   time_events   CUDA-event median (L2 flushed)          timing.seconds
//   cycles        sm__cycles_elapsed.max (schema 2)       timing.cycles (the preset's clock)
//   l2_reads      l1tex__m_xbar2l1tex_read_sectors x 32   global read bytes + coalesced bytes
//                 (the read sectors the SMs receive from the L2; every SM receives all it asks
//                 for after its L1, what the request coalescer answers included)
#pragma once
#include <array>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/crosscheck/mapping.h"
#include "sim/crosscheck/measurement.h"
#include "sim/engine/simulate.h"
#include "sim/gpu/gpu_spec.h"

namespace flashsim::crosscheck {

enum class Metric : uint8_t { hbm_read, hbm_write, l2_traffic, l2_requests, time_ncu, time_events, cycles, l2_reads };
inline constexpr size_t kMetricCount = 8;
const char* metric_key(Metric m);   // "hbm_read"
const char* metric_name(Metric m);  // "HBM read"
bool metric_is_time(Metric m);      // values in seconds
const char* metric_unit(Metric m);  // "bytes", "seconds" or "cycles"

struct MetricPair {
    std::optional<double> measured, simulated;
    // (simulated - measured) / measured; missing when either is, or measured is 0.
    std::optional<double> rel_err() const;
};

struct Comparison {
    std::string label;        // "v5 N=1024 d=64 causal"
    MeasuredRun run;
    SimConfig config;
    std::string sim_error;    // the simulator refused the configuration ("" when it ran)
    std::string sim_schedule; // the resolved schedule, "fa2 Br=128 Bc=64 warps=4 stages=2"
    bool sim_paper_mode = true;
    bool sim_timing = false;  // the simulator reported a time
    std::string sim_bottleneck;
    std::string sim_engine;   // engine_mark: "fast: 1 in 4 L2 sets, ..." where the fast engine estimated; "" when exact
    std::array<MetricPair, kMetricCount> metrics{};
    std::optional<double> sim_dirty_bytes;  // l2_dirty_bytes_at_end (L2 model only)
    // The simulated read bytes that reach the L2's tags (global_read_bytes: l2_reads less what the
    // model's request coalescer answers) and the write bytes as ncu counts them (l2_traffic's
    // write part: see fill_simulated); with l2_reads, the parts of l2_traffic (report.cpp).
    std::optional<double> sim_reads_to_tags, sim_writes_seen;
    // The simulated read bytes that cross between the two L2 partitions (Traffic::l2_hop_bytes).
    std::optional<double> sim_hop;
    std::optional<double> sim_tflops;       // the papers' FLOPs over the simulated time
    // Warp-instructions the issue model counted, when it counts all of every kernel's (kernels
    // that issue everything on CUDA cores: v1-v4); beside ncu's smsp__inst_executed.sum.
    std::optional<double> sim_instructions;
    // Warp-instructions of two pipes that follow from the counts, for kernels that issue
    // mma.sync on fp16 or bf16 (the FA1 and FA2 schedules on tensor cores): the tensor pipe's
    // HMMA.16816 (matmul FLOPs / 4096, recomputation included) and the MUFU's exponentials
    // (exps / 32); beside ncu's smsp__inst_executed_pipe_tensor_op_hmma and _xu.
    std::optional<double> sim_tensor_instructions, sim_xu_instructions;
    // Each simulated kernel's name and seconds, in launch order.
    std::vector<std::pair<std::string, double>> sim_kernel_seconds;

    const MetricPair& at(Metric m) const { return metrics[size_t(m)]; }
};

SimOptions crosscheck_sim_options();  // L2 model on, timing on

// Maps the run with sim_config_for(), or takes `config` as given (an ncu CSV export, whose
// configuration comes from the command line).
Comparison compare_run(const std::string& label, const MeasuredRun& run, const GpuSpec& g, const SimOptions& o);
Comparison compare_run(const std::string& label, const MeasuredRun& run, const SimConfig& config, const GpuSpec& g,
                       const SimOptions& o);
// Every run of a file, on `jobs` threads (0 = every core); the result is in the file's order and
// the same whatever the number of threads. The second form takes several files, each with its
// GPU (gpus[i] for files[i]), in one pool of threads. Runs whose simulated inputs are identical
// (simulation_key: the mapped problem, schedule and pipeline flag, every field of the GPU and of
// the options) are simulated once and share the result: the simulator is deterministic, so each
// comparison is the same as compare_run() gives it alone. `simulations`, when given, receives the
// number of simulations run.
std::vector<Comparison> compare_runs(const MeasurementFile& f, const GpuSpec& g, const SimOptions& o, unsigned jobs = 0);
std::vector<std::vector<Comparison>> compare_runs(const std::vector<const MeasurementFile*>& files,
                                                  const std::vector<GpuSpec>& gpus, const SimOptions& o, unsigned jobs = 0,
                                                  size_t* simulations = nullptr);

// The pieces compare_run() is made of, for callers that share one simulation among several runs.
struct SimOutcome {
    std::optional<RunResult> result;
    std::string error;  // the simulator refused the configuration (ConfigError), when no result
};
void fill_measured(Comparison& c, const MeasuredRun& run);
SimOutcome simulate_config(const SimConfig& config, const GpuSpec& g, const SimOptions& o);
void fill_simulated(Comparison& c, const SimOutcome& s, const GpuSpec& g);
// Every input simulate_config() passes to the simulator, as text: equal keys, equal results.
std::string simulation_key(const SimConfig& config, const GpuSpec& g, const SimOptions& o);

// Absolute relative errors |sim - meas| / meas of one metric over a group of runs.
struct MetricSummary {
    Metric metric{};
    std::string group;   // "v5", or "all"
    int64_t runs = 0;    // runs with both values
    double median_abs_rel_err = 0, worst_abs_rel_err = 0;
    std::string worst_label;
};
// Per metric: one row per kernel version present, then "all". Metrics with no pair are left out.
std::vector<MetricSummary> summarize(const std::vector<Comparison>& cs);

// The median of a non-empty vector sorted ascending by key(element): its middle element, or the
// mean of the middle two.
template <class T, class Key>
double sorted_median(const std::vector<T>& v, Key key) {
    const size_t n = v.size();
    return n % 2 ? key(v[n / 2]) : 0.5 * (key(v[n / 2 - 1]) + key(v[n / 2]));
}

// The file's own numbers per shape and pass: each version's median time, torch's, the v5/torch
// throughput ratio (torch ms / v5 ms), for a backward shape the ratio of PyTorch's flash backward to
// the fastest fused backward version (torch ms / version ms), and the flash-vs-vanilla speedup
// (fastest vanilla ms over fastest flash ms).
struct ShapeThroughput {
    int64_t B = 1, H = 1, N = 0, d = 0;
    bool causal = false;
    std::string dtype;
    std::string pass = "fwd";              // fwd | bwd
    std::map<int64_t, double> version_ms;  // version -> time_ms_median
    std::optional<double> torch_ms, v5_over_torch, bwd_over_torch, flash_over_vanilla;
    // PyTorch's flash kernel as a held-out check of the timing: the simulated time (ms) of the
    // version that runs its tiles (kTorchTilesForward, kTorchTilesBackward) at this shape, against
    // torch_ms; set by add_torch_check().
    std::optional<double> sim_torch_tiles_ms;
    std::optional<double> torch_rel_err() const;  // (sim - torch) / torch
    std::string label() const;  // "B16 H16 N1024 d64 c", " bwd" appended for the backward
};
std::vector<ShapeThroughput> throughput_by_shape(const MeasurementFile& f);

// The versions of kernels/ that run the tiles of PyTorch's flash kernels (kernels/README.md): v5,
// PyTorch's FA2 forward's 128 x 128 (d = 64) and 128 x 64 (d = 128), 4 warps; v7, its flash
// backward's kBlockM x kBlockN. PyTorch's times are never used to choose a parameter: they are
// held out, and the simulator's time of these versions' configurations is reported against them.
inline constexpr int64_t kTorchTilesForward = 5, kTorchTilesBackward = 7;
// Sets each shape's sim_torch_tiles_ms from the comparison of that version at the shape.
void add_torch_check(std::vector<ShapeThroughput>& ts, const std::vector<Comparison>& cs);
// The held-out rows of the summary: metric time_events, group "torch" (forward shapes) and
// "torch bwd", each over the shapes of every set with both times (the worst one's label prefixed
// with its set's prefix: a file's name); a row only where there are such shapes.
std::vector<MetricSummary> summarize_torch(const std::vector<std::pair<std::string, const std::vector<ShapeThroughput>*>>& sets);

// The kernels' dumped O against the simulator's functional output for the same shape and seed.
struct OutputCheck {
    int64_t version = 0;
    std::string shape;
    std::optional<double> max_abs_err;  // over the written elements
    int64_t unwritten = 0;              // elements the kernel left unwritten (null in the file)
    std::string note;                   // why there is no error ("" when there is one)
};
struct OutputsReport {
    bool functional_available = false;
    std::vector<OutputCheck> checks;
};
OutputsReport check_outputs(const MeasurementFile& f, const GpuSpec& g);

// Notes on how far a comparison can be trusted: preset vs provenance (SMs, L2 size), ncu cache
// and clock settings, a simulator without L2 model or timing, and what the compared simulated
// counts hold beyond the kernels' own traffic (background_note).
std::vector<std::string> caveats(const MeasurementFile* f, const GpuSpec& g, const std::vector<Comparison>& cs);

// The GPU a measurement file's runs are compared on: g, with the background write rates the file
// measured itself (Provenance::background_*) in place of the preset's where it has them. The
// simulations do not depend on them; only the compared counts do (fill_simulated).
GpuSpec gpu_for_file(const GpuSpec& g, const MeasurementFile& f);

// "" or one sentence: the simulated HBM writes and L2 traffic compared include the GPU's background
// writes (GpuSpec::background_hbm_write_bytes_per_s, background_l2_write_bytes_per_s) over each
// kernel's simulated time, at the rates of g or, where f measured them, of f.
std::string background_note(const GpuSpec& g, const MeasurementFile* f = nullptr);

}  // namespace flashsim::crosscheck
