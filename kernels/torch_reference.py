#!/usr/bin/env python3
"""torch_reference.py: time PyTorch's scaled_dot_product_attention, flash backend only, as the speed
reference for versions 5 and 6 (forward) and 7 (backward). Same method as fa_bench: CUDA events, L2
flushed (a buffer of 2x L2 written) before each repeat, warm-up first, median of repeats.

A shape with "pass": "bwd" times the backward alone: the forward runs once (not timed), then each
repeat times torch.autograd.grad(O, (Q, K, V), dO), i.e. PyTorch's flash backward (its D = rowsum(dO o O)
kernel, dQ accumulator and conversion included), with dO uniform in [-1, 1).
Flops: forward 4*B*H*N^2*d, backward 10*B*H*N^2*d (five GEMMs), halved for causal.

A shape with "impl": "gpt2_eager" times standard attention as the FlashAttention paper's Figure 2 ran it
(GPT-2's attention module in eager PyTorch, as Hugging Face's GPT2Attention._attn writes it): matmul,
division by sqrt(d), torch.where with the stored causal bool buffer (lowest value), softmax, dropout
p = 0.1 (training), matmul; its backward by autograd. kernels/ versions 9 and 10 stand for it.

usage: python3 kernels/torch_reference.py '[{"B":4,"H":16,"N":4096,"d":128,"causal":false,"pass":"bwd"}, ...]' [repeats]
prints one JSON list (the measurement file's "reference" entries).
"""
import json
import statistics
import sys

import torch
import torch.nn.functional as F
from torch.nn.attention import SDPBackend, sdpa_kernel


def gpt2_attention(q, k, v, causal, bias, p_drop=0.1):
    """GPT-2's attention (transformers' GPT2Attention._attn, eager): one kernel per operation."""
    s = torch.matmul(q, k.transpose(-1, -2))
    s = s / torch.full([], v.size(-1) ** 0.5, dtype=s.dtype, device=s.device)
    if causal:
        s = torch.where(bias, s, torch.full([], torch.finfo(s.dtype).min, dtype=s.dtype, device=s.device))
    p = torch.nn.functional.softmax(s, dim=-1).type(v.dtype)
    p = torch.nn.functional.dropout(p, p=p_drop, training=True)
    return torch.matmul(p, v)


def time_sdpa(B, H, N, d, causal, repeats, flush, pass_="fwd", impl="flash"):
    gen = torch.Generator(device="cuda").manual_seed(1)
    q, k, v, do = (torch.rand(B, H, N, d, device="cuda", dtype=torch.float16, generator=gen) * 2 - 1 for _ in range(4))
    bwd = pass_ == "bwd"
    if bwd:
        for x in (q, k, v):
            x.requires_grad_(True)
    start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    times = []
    if impl == "gpt2_eager":
        bias = torch.tril(torch.ones(N, N, dtype=torch.bool, device="cuda")).view(1, 1, N, N)
        attention = lambda: gpt2_attention(q, k, v, causal, bias)
    else:
        attention = lambda: F.scaled_dot_product_attention(q, k, v, is_causal=causal)
    with sdpa_kernel(SDPBackend.FLASH_ATTENTION):
        o = attention() if bwd else None
        for r in range(repeats + 2):  # 2 warm-up runs
            flush.zero_()
            start.record()
            if bwd:
                grads = torch.autograd.grad(o, (q, k, v), do, retain_graph=True)
            else:
                attention()
            stop.record()
            stop.synchronize()
            if bwd:
                del grads
            if r >= 2:
                times.append(start.elapsed_time(stop))
    med = statistics.median(times)
    flops = (10.0 if bwd else 4.0) * B * H * N * N * d * (0.5 if causal else 1.0)
    return {"impl": "torch.gpt2_eager" if impl == "gpt2_eager" else "torch.sdpa.flash", "pass": pass_, "dtype": "fp16", "B": B, "H": H, "N": N, "d": d, "causal": causal,
            "time_ms_median": med, "time_ms_min": min(times), "repeats": repeats, "tflops": flops / (med * 1e-3) / 1e12,
            "torch": torch.__version__}


def main():
    shapes = json.loads(sys.argv[1])
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    l2 = torch.cuda.get_device_properties(0).L2_cache_size
    flush = torch.empty(2 * l2, dtype=torch.uint8, device="cuda")
    out = [time_sdpa(s["B"], s["H"], s["N"], s["d"], bool(s["causal"]), repeats, flush, s.get("pass", "fwd"),
                     s.get("impl", "flash"))
           for s in shapes]
    print(json.dumps(out))


if __name__ == "__main__":
    main()
