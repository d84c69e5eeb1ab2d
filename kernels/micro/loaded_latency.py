#!/usr/bin/env python3
"""HBM latency under load, from two microbenchmarks' raw output.

1. kernels/micro/loaded_chase: one thread on an SM of its own chases random 128-byte lines in HBM
   while the other SMs stream. Its latency is what the shared memory system (crossbar, L2, HBM)
   adds under the whole GPU's load rho = background bandwidth / datasheet bandwidth. The script
   fits the single-server queue's wait (M/M/1) through the origin,

       latency(rho) - idle = S_gpu x rho / (1 - rho),

   over the rows with 0.10 <= rho <= 0.90 (idle: the chase alone). S_gpu is the presets'
   `hbm_queue_ns`.

2. kernels/micro/mem_latency_bw: each "stream" row keeps warps x 32 threads x B bytes in flight
   per SM (one load in flight per thread: U = 1), every SM alike. By Little's law a load's round
   trip takes bytes in flight per SM / bandwidth per SM. That latency includes the shared part
   above and what the loading SM's own requests add: with every SM alike, the SM's load
   rho_sm = its bandwidth / its share of the datasheet bandwidth equals rho. The script fits

       latency(rho) - idle - S_gpu x rho / (1 - rho) = S_sm x rho / (1 - rho)

   over the rows with 0.10 <= rho <= 0.80 (above, the stream is bandwidth-bound: the HBM server's
   own queue), idle being the mean of the rows under 10%. S_sm is the presets' `hbm_sm_queue_ns`.

3. loaded_chase's lone streams (one SM streams alone, the others idle) check what the fits say of
   an SM that keeps far more than its share in flight while the GPU is nearly idle: the model's
   wait is (S_gpu + S_sm share) rho / (1 - rho), share (its load over an even share) at most 1,
   so at rho near 0 it adds next to nothing; the script prints measured beside that.

It prints each row's measured latency beside the fit.

usage: kernels/micro/loaded_latency.py [--chase RAW] [--streams RAW] [--lone RAW] [--datasheet-gbs 4800]
       (defaults: the H200's files in kernels/measurements/; the H200's datasheet HBM3e bandwidth
        is 4.8 TB/s)
"""
import argparse
import pathlib
import re
import statistics

STREAM = re.compile(r"stream (\d+)B\s+U=(\d+) warps/SM\s*(\d+) \((\d+) CTA/SM x\s*(\d+) thr\):\s*([\d.]+) GB/s\s+([\d.]+) GB/s/SM")
LONE = re.compile(r"lone stream (\S+)\s+U=1 warps\s*(\d+) \(in flight\s*(\d+) B\):\s*([\d.]+) GB/s.*latency\s+([\d.]+) ns")
CHASE = re.compile(r"loaded chase: background (\S+)\s+U=(\d+) warps/SM\s*(\d+) on (\d+) SMs:\s*([\d.]+) GB/s.*chase\s+([\d.]+) ns/load")


def lsq(points):
    """Least squares through the origin: y = s x."""
    return sum(x * y for x, y in points) / sum(x * x for x, _ in points)


def queue(rho):
    return rho / (1 - rho)


def main():
    here = pathlib.Path(__file__).resolve().parent / ".." / "measurements"
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--chase", default=str(here / "micro-nvidia-h200-2026-12-03-loaded_chase.txt"))
    p.add_argument("--streams", default=str(here / "micro-nvidia-h200-2026-12-01-mem_latency_bw.txt"))
    p.add_argument("--lone", default=str(here / "micro-nvidia-h200-2026-12-03-loaded_chase-run2.txt"))
    p.add_argument("--datasheet-gbs", type=float, default=4800.0, help="the GPU's datasheet HBM bandwidth, GB/s")
    a = p.parse_args()

    chase = []
    for line in open(a.chase):
        m = CHASE.match(line)
        if m:
            chase.append((line.split(":")[1].strip(), float(m[5]) / a.datasheet_gbs, float(m[6])))
    idle_rows = [lat for name, rho, lat in chase if rho == 0]
    if not idle_rows:
        raise SystemExit(f"{a.chase}: no row of the chase alone")
    chase_idle = idle_rows[0]
    fit = [(queue(rho), lat - chase_idle) for _, rho, lat in chase if 0.10 <= rho <= 0.90]
    s_gpu = lsq(fit)
    print(f"# {a.chase}: {len(chase)} rows")
    print(f"chase alone: {chase_idle:.1f} ns")
    print(f"hbm_queue_ns S_gpu = {s_gpu:.1f} ns  (least squares over {len(fit)} rows with 0.10 <= rho <= 0.90)")
    print(f"{'background':44} {'rho':>5} {'measured ns':>12} {'alone + S_gpu rho/(1-rho)':>26}")
    for name, rho, lat in sorted(chase, key=lambda r: r[1]):
        model = chase_idle + s_gpu * queue(rho) if rho < 1 else float("inf")
        note = "" if 0.10 <= rho <= 0.90 else "  (not fitted)"
        print(f"{name:44} {rho:5.2f} {lat:12.1f} {model:26.1f}{note}")

    rows = []
    for line in open(a.streams):
        m = STREAM.match(line)
        if not m or int(m[2]) != 1:
            continue
        in_flight = int(m[3]) * 32 * int(m[1])
        rows.append((line.split(":")[0].strip(), float(m[6]) / a.datasheet_gbs, in_flight / float(m[7])))  # bytes / (GB/s) = ns
    if not rows:
        raise SystemExit(f"{a.streams}: no stream rows with U=1")
    idle = statistics.mean(lat for _, rho, lat in rows if rho < 0.10)
    fit = [(queue(rho), lat - idle - s_gpu * queue(rho)) for _, rho, lat in rows if 0.10 <= rho <= 0.80]
    s_sm = lsq(fit)
    print()
    print(f"# {a.streams}: {len(rows)} stream rows with one load in flight per thread")
    print(f"idle latency (rho < 0.10): {idle:.1f} ns")
    print(f"hbm_sm_queue_ns S_sm = {s_sm:.1f} ns  (least squares over {len(fit)} rows with 0.10 <= rho <= 0.80, S_gpu fixed)")
    print(f"{'row':42} {'rho':>5} {'measured ns':>12} {'idle + (S_gpu + S_sm) rho/(1-rho)':>34}")
    for name, rho, lat in sorted(rows, key=lambda r: r[1]):
        model = idle + (s_gpu + s_sm) * queue(rho) if rho < 1 else float("inf")
        note = "" if 0.10 <= rho <= 0.80 else ("  (idle)" if rho < 0.10 else "  (bandwidth-bound, not fitted)")
        print(f"{name:42} {rho:5.2f} {lat:12.0f} {model:34.0f}{note}")

    lone = []
    for line in open(a.lone):
        m = LONE.match(line)
        if m:
            lone.append((f"{m[1]} {int(m[2]):2d} warps", int(m[3]), float(m[4]) / a.datasheet_gbs, float(m[5])))
    if lone:
        idle = min(lat for *_, lat in lone)
        print()
        print(f"# {a.lone}: {len(lone)} lone streams (one SM, the others idle)")
        print(f"{'stream':16} {'in flight B':>11} {'rho':>7} {'measured ns':>12} {'fastest + (S_gpu + S_sm) rho/(1-rho)':>38}")
        for name, in_flight, rho, lat in lone:
            print(f"{name:16} {in_flight:11d} {rho:7.4f} {lat:12.1f} {idle + (s_gpu + s_sm) * queue(rho):38.1f}")


if __name__ == "__main__":
    main()
