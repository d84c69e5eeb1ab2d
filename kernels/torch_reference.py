#!/usr/bin/env python3
"""torch_reference.py: time PyTorch's scaled_dot_product_attention, flash backend only, as the speed
reference for version 5. Same method as fa_bench: CUDA events, L2 flushed (a buffer of 2x L2
written) before each repeat, warm-up first, median of repeats.

usage: python3 kernels/torch_reference.py '[{"B":4,"H":16,"N":4096,"d":128,"causal":false}, ...]' [repeats]
prints one JSON list (the measurement file's "reference" entries).
"""
import json
import statistics
import sys

import torch
import torch.nn.functional as F
from torch.nn.attention import SDPBackend, sdpa_kernel


def time_sdpa(B, H, N, d, causal, repeats, flush):
    gen = torch.Generator(device="cuda").manual_seed(1)
    q, k, v = (torch.rand(B, H, N, d, device="cuda", dtype=torch.float16, generator=gen) * 2 - 1 for _ in range(3))
    start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    times = []
    with sdpa_kernel(SDPBackend.FLASH_ATTENTION):
        for r in range(repeats + 2):  # 2 warm-up runs
            flush.zero_()
            start.record()
            F.scaled_dot_product_attention(q, k, v, is_causal=causal)
            stop.record()
            stop.synchronize()
            if r >= 2:
                times.append(start.elapsed_time(stop))
    med = statistics.median(times)
    flops = 4.0 * B * H * N * N * d * (0.5 if causal else 1.0)
    return {"impl": "torch.sdpa.flash", "dtype": "fp16", "B": B, "H": H, "N": N, "d": d, "causal": causal,
            "time_ms_median": med, "time_ms_min": min(times), "repeats": repeats, "tflops": flops / (med * 1e-3) / 1e12,
            "torch": torch.__version__}


def main():
    shapes = json.loads(sys.argv[1])
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    l2 = torch.cuda.get_device_properties(0).L2_cache_size
    flush = torch.empty(2 * l2, dtype=torch.uint8, device="cuda")
    out = [time_sdpa(s["B"], s["H"], s["N"], s["d"], bool(s["causal"]), repeats, flush) for s in shapes]
    print(json.dumps(out))


if __name__ == "__main__":
    main()
