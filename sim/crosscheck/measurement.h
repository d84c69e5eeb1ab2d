// measurement.h: a stored measurement of the real CUDA kernels ("flashsim-measurement/1" and "/2",
// written by kernels/profile.py) and the Nsight Compute metrics the cross-check compares.
//
// Contract: parse_measurement() is strict about what is there and lenient about what is not. A
// file that is not JSON, has the wrong schema, lacks a required field (provenance.gpu; a run's
// version, B, H, N, d, causal) or has a field of the wrong type throws ConfigError naming the
// file and the field ("runs[3].N: expected an integer, got string"). Schema 2 also requires, of a
// run that did not fail, its kernel version's declared pass and matmul_unit (kernels/versions.cu);
// schema 1 files have none (kernel_properties.h gives them). An optional field that is
// absent or null (a run profiled without ncu, an unchecked output) is simply left empty, and
// the reports show it as "-". Unknown keys are ignored, so newer writers stay readable.
#pragma once
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sim/crosscheck/ncu_metrics.h"

namespace flashsim::crosscheck {

struct Provenance {
    std::string gpu;  // "NVIDIA H100 80GB HBM3" (required)
    std::optional<int64_t> sm_count, l2_bytes;
    std::string driver, cuda_runtime, nvcc, ncu_version, ncu_settings, torch, date, command, notes;
    // What ncu counted of kernels that only wait, on this machine (provenance.background, written by
    // profile.py's background phase): the GPU's own HBM and L2 write bytes per second. Absent in
    // files from before 2026-12-04 or where that phase failed.
    std::optional<double> background_hbm_write_bytes_per_s, background_l2_write_bytes_per_s;
};

struct SanitizerEntry {
    int64_t version = 0;
    std::string tool, shape;
    std::optional<bool> clean;
};

// One measured configuration of one kernel version.
struct MeasuredRun {
    int64_t version = 0;
    std::string kernel;        // "fa2_tc"
    std::string algo;          // vanilla | fa1 | fa2 | fa3 ("" when the run failed before planning)
    std::string pass;          // fwd | bwd: the version's declared pass ("" before schema 2)
    std::string matmul_unit;   // fma | mma_sync | wgmma | cublas: declared ("" before schema 2)
    // FA3-style kernels: whether the kernel declares FA3's intra-warpgroup pipeline (softmax of
    // block j under the Q K^T GEMM of block j + 1); absent: not declared (kernels/v6 has none).
    std::optional<bool> intra_warpgroup_pipeline;
    std::string block_order;   // index | heaviest-first: declared (files from 2026-12-03; "" before)
    std::string vanilla_gemm;  // tiled | cublas | "": schema 1 only (schema 2 says matmul_unit)
    std::string dtype = "fp16";
    int64_t B = 1, H = 1, N = 0, d = 0;
    bool causal = false;
    int64_t Br = 0, Bc = 0, warps = 0, stages = 0;  // 0: not recorded
    std::optional<bool> correct;
    std::optional<double> max_abs_err;
    std::string checked;
    std::optional<double> time_ms_median, time_ms_min, tflops;
    std::optional<int64_t> repeats;
    std::optional<NcuMetrics> ncu;  // empty when the run was not profiled
    std::string ncu_error;          // ncu ran but failed ("ncu": {"error": ...})
    std::string error;              // the run itself failed ("error": ...)

    std::string label() const;  // "v5 N=4096 d=128 causal"
};

// PyTorch's SDPA (flash backend) on the same shapes, for the throughput comparison.
struct ReferenceRun {
    std::string impl;  // "torch.sdpa.flash"
    std::string pass = "fwd";  // fwd | bwd (PyTorch's flash backward alone); absent in older files: fwd
    std::string dtype = "fp16";
    int64_t B = 1, H = 1, N = 0, d = 0;
    bool causal = false;
    std::optional<double> time_ms_median, tflops;
};

// A kernel's output O, (B, H, N, d) row-major, for the functional cross-check. A NaN stands for
// an element the kernel never wrote (null in the file).
struct DumpedOutput {
    int64_t version = 0;
    int64_t B = 1, H = 1, N = 0, d = 0;
    std::string dtype = "fp16";
    bool causal = false;
    uint64_t seed = 0;
    std::vector<float> O;
};

struct MeasurementFile {
    std::string origin;  // the path it was read from, for messages
    std::string schema;
    Provenance provenance;
    std::vector<SanitizerEntry> sanitizer;
    std::vector<MeasuredRun> runs;
    std::vector<ReferenceRun> reference;
    std::vector<DumpedOutput> outputs;
};

// The schema kernels/profile.py writes, and the older one still read (kernel_properties.h).
inline constexpr const char* kMeasurementSchema = "flashsim-measurement/2";
inline constexpr const char* kMeasurementSchemaV1 = "flashsim-measurement/1";

MeasurementFile parse_measurement(const std::string& text, const std::string& origin);  // throws ConfigError
MeasurementFile load_measurement(const std::string& path);                              // throws ConfigError

// Whether a file's text is a measurement (JSON) rather than an ncu CSV export.
bool looks_like_measurement(const std::string& text);

// Reads a whole file; throws ConfigError naming the path when it cannot be read.
std::string read_text_file(const std::string& path);

// Keeps the runs (and dumped outputs) of the chosen kernel versions; throws ConfigError when
// none is left.
void keep_versions(MeasurementFile& m, const std::set<int64_t>& versions);

}  // namespace flashsim::crosscheck
