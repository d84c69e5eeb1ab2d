#!/usr/bin/env python3
"""HBM latency under load, from kernels/micro/mem_latency_bw's raw output.

Each "stream" row of mem_latency_bw keeps warps x 32 threads x U loads of B bytes in flight per
SM and reports the bandwidth reached. By Little's law the latency of one round trip is

    latency = bytes in flight per SM / bandwidth per SM.

With one load in flight per thread (U = 1) that is the latency a load sees at the bandwidth the
whole GPU then moves. Idle (under 10% of the datasheet bandwidth) it is the chase's figure plus
the SM's part of the trip; it grows with the load as a queue's waiting time does. This script
takes the rows with U = 1, the load rho = bandwidth / datasheet bandwidth between 10% and 80%
(above, the stream is bandwidth-bound: the latency is the queue the simulator's HBM server
already forms), and fits the single-server queue's wait (M/M/1)

    latency(rho) - idle = S x rho / (1 - rho)

by least squares through the origin, idle being the mean latency of the rows under 10%. S is the
preset's `hbm_queue_ns`. It prints each row's measured latency beside idle + S rho / (1 - rho).

usage: kernels/micro/loaded_latency.py [RAW] [--datasheet-gbs 4800]
       (RAW defaults to kernels/measurements/micro-nvidia-h200-2026-12-01-mem_latency_bw.txt;
        the H200's datasheet HBM3e bandwidth is 4.8 TB/s)
"""
import argparse
import pathlib
import re
import statistics

ROW = re.compile(r"stream (\d+)B\s+U=(\d+) warps/SM\s*(\d+) \((\d+) CTA/SM x\s*(\d+) thr\):\s*([\d.]+) GB/s\s+([\d.]+) GB/s/SM")


def main():
    here = pathlib.Path(__file__).resolve().parent
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("raw", nargs="?", default=str(here.parent / "measurements" / "micro-nvidia-h200-2026-12-01-mem_latency_bw.txt"))
    p.add_argument("--datasheet-gbs", type=float, default=4800.0, help="the GPU's datasheet HBM bandwidth, GB/s")
    a = p.parse_args()

    rows = []
    for line in open(a.raw):
        m = ROW.match(line)
        if not m:
            continue
        size, loads, warps, ctas, threads, gbs, gbs_sm = m.groups()
        if int(loads) != 1:
            continue
        in_flight = int(warps) * 32 * int(size) * int(loads)
        rows.append((line.split(":")[0].strip(), float(gbs) / a.datasheet_gbs, in_flight / float(gbs_sm)))  # bytes / (GB/s) = ns
    if not rows:
        raise SystemExit(f"{a.raw}: no stream rows with U=1")
    idle = statistics.mean(lat for _, rho, lat in rows if rho < 0.10)
    fit = [(rho / (1 - rho), lat - idle) for _, rho, lat in rows if 0.10 <= rho <= 0.80]
    s = sum(x * y for x, y in fit) / sum(x * x for x, _ in fit)
    print(f"# {a.raw}: {len(rows)} rows with one load in flight per thread")
    print(f"idle latency (rho < 0.10): {idle:.1f} ns")
    print(f"hbm_queue_ns S = {s:.1f} ns  (least squares over {len(fit)} rows with 0.10 <= rho <= 0.80)")
    print(f"{'row':42} {'rho':>5} {'measured ns':>12} {'idle + S rho/(1-rho)':>21}")
    for name, rho, lat in sorted(rows, key=lambda r: r[1]):
        model = idle + s * rho / (1 - rho) if rho < 1 else float("inf")
        used = "" if 0.10 <= rho <= 0.80 else ("  (idle)" if rho < 0.10 else "  (bandwidth-bound, not fitted)")
        print(f"{name:42} {rho:5.2f} {lat:12.0f} {model:21.0f}{used}")


if __name__ == "__main__":
    main()
