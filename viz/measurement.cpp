// measurement.cpp: the viewer's view of a measurement file, read by the cross-check's parser
// (sim/crosscheck/measurement.h), so both accept and refuse exactly the same files.
#include "viz/measurement.h"

#include "sim/algorithms/algorithm.h"
#include "sim/core/errors.h"
#include "sim/crosscheck/kernel_properties.h"
#include "sim/crosscheck/measurement.h"

namespace flashsim::viz {

MeasurementFile parse_measurements(const std::string& body, const std::string& origin) {
    const crosscheck::MeasurementFile m = crosscheck::parse_measurement(body, origin);
    MeasurementFile f;
    f.path = origin;
    const crosscheck::Provenance& p = m.provenance;
    for (const auto& [k, v] : {std::pair<const char*, const std::string*>{"gpu", &p.gpu}, {"driver", &p.driver},
                               {"cuda_runtime", &p.cuda_runtime}, {"ncu_version", &p.ncu_version},
                               {"ncu_settings", &p.ncu_settings}, {"date", &p.date}, {"command", &p.command}})
        if (!v->empty()) f.provenance[k] = *v;
    for (const crosscheck::MeasuredRun& r : m.runs) {
        MeasuredRun v;
        v.version = "v" + std::to_string(r.version) + (r.kernel.empty() ? "" : " " + r.kernel);
        v.algo = r.algo;
        v.dtype = r.dtype;
        v.B = r.B, v.H = r.H, v.N = r.N, v.d = r.d, v.Br = r.Br, v.Bc = r.Bc;
        v.causal = r.causal;
        try {
            if (algorithm_info(parse_algorithm(r.algo)).query_block_ctas) v.block_order = to_string(crosscheck::declared_block_order(r));
        } catch (const ConfigError&) {
            // An algorithm the simulator does not know, or an order it does not: shown by index.
        }
        v.time_ms_median = r.time_ms_median.value_or(0);
        if (r.ncu && r.ncu->dram_read_bytes && r.ncu->dram_write_bytes && r.ncu->lts_bytes && r.ncu->gpu_time_ns) {
            v.has_ncu = true;
            v.dram_read_bytes = *r.ncu->dram_read_bytes;
            v.dram_write_bytes = *r.ncu->dram_write_bytes;
            v.l2_bytes = *r.ncu->lts_bytes;
            v.gpu_time_ns = *r.ncu->gpu_time_ns;
        }
        f.runs.push_back(v);
    }
    return f;
}

MeasurementFile load_measurements(const std::string& path) {
    return parse_measurements(crosscheck::read_text_file(path), path);
}

const MeasuredRun* find_run(const MeasurementFile& f, const ViewerConfig& c, int64_t Br, int64_t Bc) {
    for (const auto& r : f.runs)
        if (r.algo == c.algo && r.dtype == c.dtype && r.N == c.N && r.d == c.d && r.causal == c.causal &&
            r.H == c.heads && r.B == c.batch && r.Br == Br && r.Bc == Bc)
            return &r;
    return nullptr;
}

void apply_run(ViewerConfig& c, const MeasuredRun& r) {
    c.algo = r.algo, c.dtype = r.dtype, c.N = r.N, c.d = r.d, c.Br = r.Br, c.Bc = r.Bc, c.batch = r.B, c.heads = r.H, c.causal = r.causal;
    c.block_order = r.block_order;
}

}  // namespace flashsim::viz
