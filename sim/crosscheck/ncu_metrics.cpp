// ncu_metrics.cpp: the table of ncu metrics the cross-check reads (see ncu_metrics.h).
#include "sim/crosscheck/ncu_metrics.h"

namespace flashsim::crosscheck {

using M = NcuMetrics;

const std::vector<NcuMetricField>& ncu_metric_fields() {
    static const std::vector<NcuMetricField> fields = {
        {"dram__bytes_read.sum", &M::dram_read_bytes, true},
        {"dram__bytes_write.sum", &M::dram_write_bytes, true},
        {"lts__t_bytes.sum", &M::lts_bytes, true},
        {"lts__t_sectors_op_read.sum", &M::lts_read_sectors, true},
        {"lts__t_sectors_op_write.sum", &M::lts_write_sectors, true},
        {"lts__t_sectors_op_atom.sum", &M::lts_atom_sectors, true},
        {"lts__t_sectors_op_red.sum", &M::lts_red_sectors, true},
        {"l1tex__m_xbar2l1tex_read_sectors.sum", &M::xbar_read_sectors, true},
        {"lts__t_sectors_srcunit_tex_op_read.sum", &M::lts_tex_read_sectors, true},
        {"lts__t_sectors_srcunit_ltcfabric.sum", &M::lts_fabric_sectors, true},
        {"l1tex__data_pipe_lsu_wavefronts_mem_shared.sum", &M::shared_wavefronts, true},
        {"gpu__time_duration.sum", &M::gpu_time_ns, true},
        {"sm__cycles_elapsed.avg.per_second", &M::sm_clock_hz, false},
        {"sm__cycles_elapsed.max", &M::sm_cycles_max, false},
        {"sm__cycles_elapsed.avg", &M::sm_cycles_avg, false},
        {"smsp__inst_executed.sum", &M::inst_executed, false},
        {"smsp__issue_active.avg.pct_of_peak_sustained_active", &M::issue_active_pct, false},
        {"sm__warps_active.avg.pct_of_peak_sustained_active", &M::warps_active_pct, false},
        {"smsp__warps_active.sum", &M::warps_active_sum, false},
        {"smsp__inst_executed_pipe_tensor_op_hmma.sum", &M::inst_tensor, false},
        {"smsp__inst_executed_pipe_tensor_op_gmma.sum", &M::inst_gmma, false},
        {"smsp__inst_executed_pipe_fma.sum", &M::inst_fma, false},
        {"smsp__inst_executed_pipe_fmaheavy.sum", &M::inst_fmaheavy, false},
        {"smsp__inst_executed_pipe_alu.sum", &M::inst_alu, false},
        {"smsp__inst_executed_pipe_xu.sum", &M::inst_xu, false},
        {"smsp__inst_executed_pipe_lsu.sum", &M::inst_lsu, false},
        {"smsp__inst_executed_pipe_uniform.sum", &M::inst_uniform, false},
        {"smsp__inst_executed_pipe_adu.sum", &M::inst_adu, false},
        {"smsp__inst_executed_pipe_cbu.sum", &M::inst_cbu, false},
        {"smsp__inst_executed_op_shared_ld.sum", &M::inst_shared_ld, false},
        {"smsp__inst_executed_op_shared_st.sum", &M::inst_shared_st, false},
        {"smsp__inst_executed_op_ldsm.sum", &M::inst_ldsm, false},
        {"smsp__inst_executed_op_global_ld.sum", &M::inst_global_ld, false},
        {"smsp__inst_executed_op_ldgsts.sum", &M::inst_ldgsts, false},
        {"sm__pipe_tensor_cycles_active.avg.pct_of_peak_sustained_active", &M::tensor_active_pct, false},
        {"sm__pipe_tensor_op_hmma_cycles_active.avg.pct_of_peak_sustained_active", &M::tensor_hmma_active_pct, false},
        {"sm__pipe_fma_cycles_active.avg.pct_of_peak_sustained_active", &M::fma_active_pct, false},
        {"sm__pipe_alu_cycles_active.avg.pct_of_peak_sustained_active", &M::alu_active_pct, false},
        {"smsp__warps_issue_stalled_barrier.sum", &M::stalled_barrier, false},
        {"smsp__warps_issue_stalled_long_scoreboard.sum", &M::stalled_long_scoreboard, false},
        {"smsp__warps_issue_stalled_short_scoreboard.sum", &M::stalled_short_scoreboard, false},
        {"smsp__warps_issue_stalled_math_pipe_throttle.sum", &M::stalled_math_pipe_throttle, false},
        {"smsp__warps_issue_stalled_mio_throttle.sum", &M::stalled_mio_throttle, false},
        {"smsp__warps_issue_stalled_wait.sum", &M::stalled_wait, false},
        {"smsp__warps_issue_stalled_not_selected.sum", &M::stalled_not_selected, false},
        {"smsp__warps_issue_stalled_selected.sum", &M::stalled_selected, false},
    };
    return fields;
}

const std::vector<std::string>& ncu_metric_names() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> out;
        for (const auto& f : ncu_metric_fields())
            if (f.from_csv) out.push_back(f.name);
        return out;
    }();
    return names;
}

bool set_ncu_metric(NcuMetrics& m, const std::string& metric, double value) {
    for (const auto& f : ncu_metric_fields())
        if (metric == f.name) {
            m.*(f.field) = value;
            return true;
        }
    return false;
}

std::optional<double> NcuMetrics::l2_request_bytes() const {
    if (!lts_read_sectors || !lts_write_sectors || !lts_atom_sectors || !lts_red_sectors) return std::nullopt;
    return 32.0 * (*lts_read_sectors + *lts_write_sectors + *lts_atom_sectors + *lts_red_sectors);
}

}  // namespace flashsim::crosscheck
