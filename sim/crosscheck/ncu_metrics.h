// ncu_metrics.h: the Nsight Compute metrics of one measured run, summed or averaged over the
// run's kernels as kernels/profile.py records them, and the one table that names them.
//
// Contract: every field is optional (absent when not recorded). Bytes are bytes, time is
// nanoseconds, sector counts are 32-byte sectors, instruction counts are warp-instructions,
// cycles are SM cycles, percentages are 0-100. Files of schema 1 carry the byte and time metrics;
// schema 2 adds the timing evidence (clock, cycles, instructions per pipe, pipe activity, issue,
// stall reasons). In a schema-2 file the counts are sums over the run's kernels,
// sm__cycles_elapsed.max the sum of each kernel's maximum, the clock time-weighted and the
// percentages cycle-weighted over the kernels (kernels/profile.py).
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace flashsim::crosscheck {

// One profiled kernel of a run that launches several (the measurement's ncu.per_kernel).
struct NcuKernelTime {
    std::string name;
    double time_ns = 0;  // gpu__time_duration.sum
};

struct NcuMetrics {
    std::vector<std::string> kernels;          // kernel names, one per profiled launch
    std::vector<NcuKernelTime> per_kernel;     // each kernel's own time, where the file has them
    // Bytes and time (schema 1 on).
    std::optional<double> dram_read_bytes;     // dram__bytes_read.sum: L2 <- HBM
    std::optional<double> dram_write_bytes;    // dram__bytes_write.sum: L2 -> HBM
    std::optional<double> lts_bytes;           // lts__t_bytes.sum: all L2 tag traffic
    std::optional<double> lts_read_sectors;    // lts__t_sectors_op_read.sum
    std::optional<double> lts_write_sectors;   // lts__t_sectors_op_write.sum
    std::optional<double> lts_atom_sectors;    // lts__t_sectors_op_atom.sum
    std::optional<double> lts_red_sectors;     // lts__t_sectors_op_red.sum
    // Where the L2's read sectors come from (files from 2026-12-02 on): the read sectors the SMs
    // receive (every SM receives all it asked for after its L1), those of the SMs' requests that
    // reach the tags (the rest the request coalescer answers), and the sectors that cross between
    // the two L2 partitions, every op (counted at the far partition's tags, in op_read/op_write).
    std::optional<double> xbar_read_sectors;   // l1tex__m_xbar2l1tex_read_sectors.sum
    std::optional<double> lts_tex_read_sectors;  // lts__t_sectors_srcunit_tex_op_read.sum
    std::optional<double> lts_fabric_sectors;  // lts__t_sectors_srcunit_ltcfabric.sum
    std::optional<double> shared_wavefronts;   // l1tex__data_pipe_lsu_wavefronts_mem_shared.sum
    std::optional<double> gpu_time_ns;         // gpu__time_duration.sum
    // Clock, cycles and issue (schema 2 on).
    std::optional<double> sm_clock_hz;         // sm__cycles_elapsed.avg.per_second
    std::optional<double> sm_cycles_max;       // sm__cycles_elapsed.max
    std::optional<double> sm_cycles_avg;       // sm__cycles_elapsed.avg
    std::optional<double> inst_executed;       // smsp__inst_executed.sum
    std::optional<double> issue_active_pct;    // smsp__issue_active.avg.pct_of_peak_sustained_active
    std::optional<double> warps_active_pct;    // sm__warps_active.avg.pct_of_peak_sustained_active (occupancy)
    std::optional<double> warps_active_sum;    // smsp__warps_active.sum (warp-cycles resident)
    // Warp-instructions per pipe (schema 2 on). On Hopper op_hmma counts wgmma (HGMMA) too, and
    // the HFMA2.MMA moves a compiler emits in scalar code.
    std::optional<double> inst_tensor;         // smsp__inst_executed_pipe_tensor_op_hmma.sum
    std::optional<double> inst_gmma;           // smsp__inst_executed_pipe_tensor_op_gmma.sum
    std::optional<double> inst_fma;            // smsp__inst_executed_pipe_fma.sum (FFMA, FMUL, FADD, IMAD)
    std::optional<double> inst_fmaheavy;       // smsp__inst_executed_pipe_fmaheavy.sum
    std::optional<double> inst_alu;            // smsp__inst_executed_pipe_alu.sum
    std::optional<double> inst_xu;             // smsp__inst_executed_pipe_xu.sum (MUFU: ex2, rcp, ...)
    std::optional<double> inst_lsu;            // smsp__inst_executed_pipe_lsu.sum
    std::optional<double> inst_uniform;        // smsp__inst_executed_pipe_uniform.sum
    std::optional<double> inst_adu;            // smsp__inst_executed_pipe_adu.sum
    std::optional<double> inst_cbu;            // smsp__inst_executed_pipe_cbu.sum
    std::optional<double> inst_shared_ld;      // smsp__inst_executed_op_shared_ld.sum
    std::optional<double> inst_shared_st;      // smsp__inst_executed_op_shared_st.sum
    std::optional<double> inst_ldsm;           // smsp__inst_executed_op_ldsm.sum
    std::optional<double> inst_global_ld;      // smsp__inst_executed_op_global_ld.sum
    std::optional<double> inst_ldgsts;         // smsp__inst_executed_op_ldgsts.sum
    // Pipe activity, percent of the peak while the SM is active (schema 2 on).
    std::optional<double> tensor_active_pct;   // sm__pipe_tensor_cycles_active.avg.pct_of_peak_sustained_active
    std::optional<double> tensor_hmma_active_pct;  // sm__pipe_tensor_op_hmma_cycles_active...
    std::optional<double> fma_active_pct;      // sm__pipe_fma_cycles_active.avg.pct_of_peak_sustained_active
    std::optional<double> alu_active_pct;      // sm__pipe_alu_cycles_active.avg.pct_of_peak_sustained_active
    // Warp-cycles stalled, by reason (schema 2 on).
    std::optional<double> stalled_barrier, stalled_long_scoreboard, stalled_short_scoreboard,
        stalled_math_pipe_throttle, stalled_mio_throttle, stalled_wait, stalled_not_selected, stalled_selected;

    // Bytes the SMs asked of L2 (read + write + atomic + reduction sectors x 32), when all four
    // sector counts are there.
    std::optional<double> l2_request_bytes() const;
};

// One metric of the table: its ncu name, the field it fills, and whether an ncu CSV export is
// read for it (the bytes and time of schema 1, which add up over launches; the timing evidence
// has rates and percentages that do not, and comes from measurement files only).
struct NcuMetricField {
    const char* name;
    std::optional<double> NcuMetrics::*field;
    bool from_csv;
};
const std::vector<NcuMetricField>& ncu_metric_fields();

// The metrics an ncu CSV export is read for (bytes, sectors, time; ncu_csv.h sums them over its
// launches), in the order reports list them.
const std::vector<std::string>& ncu_metric_names();
// Sets the field of `m` named by an ncu metric; returns false for a metric the cross-check
// does not use.
bool set_ncu_metric(NcuMetrics& m, const std::string& metric, double value);

}  // namespace flashsim::crosscheck
