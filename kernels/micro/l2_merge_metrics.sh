#!/usr/bin/env bash
# l2_merge_metrics.sh: prints, comma-separated, the counters behind kernels/micro/l2_merge.cu (read
# sectors and requests at the L2 by source unit, the L1's global-load lookups, the sectors the L1
# receives from the crossbar, what the loads ask for) that this GPU's ncu lists
# (`ncu --query-metrics`), with .sum; and every base name of the L2 request coalescer (lrc__) or
# multicast with "sectors" or "requests" in it, when FLASHSIM_LRC=1.
set -u
bases=$(ncu --query-metrics 2>/dev/null | awk '/^[a-z0-9]+__[a-z0-9_]+ /{print $1}')
want="lts__t_sectors_op_read lts__t_requests_op_read lts__t_sectors_srcunit_tex_op_read
lts__t_requests_srcunit_tex_op_read lts__t_sectors_srcunit_ltcfabric lts__t_sectors_srcunit_ltcfabric_op_read
lts__t_sectors_op_read_lookup_hit lts__t_sectors_op_read_lookup_miss lts__t_bytes
l1tex__t_sectors_pipe_lsu_mem_global_op_ld l1tex__t_requests_pipe_lsu_mem_global_op_ld
l1tex__t_sectors_pipe_lsu_mem_global_op_ld_lookup_hit l1tex__t_sectors_pipe_lsu_mem_global_op_ld_lookup_miss
l1tex__t_sectors_pipe_lsu_mem_global_op_ldgsts l1tex__t_sectors_pipe_lsu_mem_global_op_ldgsts_cache_bypass
l1tex__m_xbar2l1tex_read_sectors l1tex__m_xbar2l1tex_read_bytes l1tex__m_l1tex2xbar_req
sm__sass_data_bytes_mem_global_op_ld sm__sass_data_bytes_mem_global_op_ldgsts smsp__sass_inst_executed_op_global_ld
gpu__time_duration"
out=""
for m in $want; do
    if echo "$bases" | grep -qx "$m"; then out="$out,$m.sum"; fi
done
if [ "${FLASHSIM_LRC:-0}" = 1 ]; then
    for m in $(echo "$bases" | grep -E '^(lrc__|.*multicast)' | grep -E 'sectors|requests' | grep -v -E 'pct|ratio|per_'); do
        out="$out,$m.sum"
    done
fi
echo "${out#,}"
