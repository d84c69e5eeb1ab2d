// measurement.h: measured runs of the CUDA kernels (kernels/measurements/*.json, schema
// "flashsim-measurement/1"), read so the viewer can show measured numbers beside simulated ones.
//
// Contract: load_measurements/parse_measurements throw ConfigError with one line naming the file
// and the bad field for anything malformed (not JSON, wrong schema, a run missing a field or of
// the wrong type); they never crash. find_run picks the run matching a configuration.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "viz/config.h"

namespace flashsim::viz {

struct MeasuredRun {
    std::string version, algo, dtype;
    int64_t B = 0, H = 0, N = 0, d = 0, Br = 0, Bc = 0;
    bool causal = false;
    // The order the kernel launches a head's query blocks in ("index" or "heaviest-first"), as the
    // cross-check takes it (crosscheck::declared_block_order), for the algorithms that have one.
    std::string block_order = "index";
    double time_ms_median = 0;
    bool has_ncu = false;
    double dram_read_bytes = 0, dram_write_bytes = 0, l2_bytes = 0, gpu_time_ns = 0;
};

struct MeasurementFile {
    std::string path;
    std::map<std::string, std::string> provenance;  // values as text
    std::vector<MeasuredRun> runs;
};

MeasurementFile parse_measurements(const std::string& text, const std::string& origin);
MeasurementFile load_measurements(const std::string& path);

// The run of `f` with the configuration's algo, dtype, N, d, causal, heads and batch, and, when
// the configuration sets them, its Br and Bc. nullptr when none matches.
const MeasuredRun* find_run(const MeasurementFile& f, const ViewerConfig& c, int64_t Br, int64_t Bc);

// Sets the configuration to the run's: its algo, dtype, shape, blocks, mask and block order.
void apply_run(ViewerConfig& c, const MeasuredRun& r);

}  // namespace flashsim::viz
