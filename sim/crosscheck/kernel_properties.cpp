// kernel_properties.cpp: a run's declared properties, and the legacy table for files written
// before schema 2 (see kernel_properties.h).
#include "sim/crosscheck/kernel_properties.h"

#include <cstdint>

#include "sim/core/errors.h"
#include "sim/crosscheck/measurement.h"

namespace flashsim::crosscheck {

namespace {

// For files written before schema 2 (flashsim-measurement/1), which record each run's version,
// kernel and algo but not its pass or matmul unit. These are the rows of kernels/versions.cu as
// it was when those files were written (every one a forward pass). Never extended: new files
// carry their own properties.
struct LegacyRow {
    int64_t version;
    const char* kernel;
    KernelProperties properties;
};
const LegacyRow kLegacyBeforeSchema2[] = {
    {1, "vanilla_tiled", {"vanilla", "fwd", "fma"}},
    {2, "vanilla_cublas", {"vanilla", "fwd", "cublas"}},
    {3, "fa1", {"fa1", "fwd", "fma"}},
    {4, "fa2_scalar", {"fa2", "fwd", "fma"}},
    {5, "fa2_tc", {"fa2", "fwd", "mma_sync"}},
    {6, "fa3_hopper", {"fa3", "fwd", "wgmma"}},
};

// For files written before runs declared their block order (every file of kernels/measurements/
// up to 2026-12-03): versions 5 and 6 map blockIdx.x to Tr - 1 - blockIdx.x when causal since they
// were written (kernels/v5_fa2_tc.cu, v6_fa3_hopper.cu, 2026-11-21); every other version launches
// by index. Never extended: new files carry their own.
struct LegacyOrder {
    int64_t version;
    const char* kernel;
};
const LegacyOrder kHeaviestFirstBeforeDeclared[] = {{5, "fa2_tc"}, {6, "fa3_hopper"}};

}  // namespace

std::optional<KernelProperties> legacy_properties(int64_t version, const std::string& kernel) {
    for (const LegacyRow& row : kLegacyBeforeSchema2)
        if (row.version == version && kernel == row.kernel) return row.properties;
    return std::nullopt;
}

KernelProperties declared_properties(const MeasuredRun& r) {
    if (!r.matmul_unit.empty()) return {r.algo, r.pass, r.matmul_unit};
    if (auto p = legacy_properties(r.version, r.kernel)) {
        if (!r.algo.empty() && r.algo != p->algo)
            throw ConfigError(r.label() + ": kernel '" + r.kernel + "' records algo='" + r.algo + "', but version " +
                              std::to_string(r.version) + " of files before schema 2 is " + p->algo);
        return *p;
    }
    throw ConfigError(r.label() + ": kernel '" + r.kernel +
                      "' declares no matmul unit, and it is not one of the versions written before schema 2 "
                      "(1 vanilla_tiled ... 6 fa3_hopper); files of schema 2 carry matmul_unit per run");
}

BlockOrder declared_block_order(const MeasuredRun& r) {
    if (!r.block_order.empty()) {
        try {
            return parse_block_order(r.block_order);
        } catch (const ConfigError& e) {
            throw ConfigError(r.label() + ": " + e.what());
        }
    }
    for (const LegacyOrder& row : kHeaviestFirstBeforeDeclared)
        if (row.version == r.version && r.kernel == row.kernel) return BlockOrder::heaviest_first;
    return BlockOrder::index;
}

}  // namespace flashsim::crosscheck
