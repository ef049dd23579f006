"""Attention on CPU: our from-scratch `scaled_dot_product_attention` against PyTorch's fused
`F.scaled_dot_product_attention(is_causal=True)`, forward + backward, at the original project's shapes
(batch 8, 16 heads, T 256, d_k 32; d_model 512 for the whole layer). Runs alternate between the two sides;
the table gives the median and best of the repeats and the ratio ours / PyTorch (above 1 = ours slower).

    python bench/attention.py [--repeats 7] [--batch 8] [--device cpu]
"""
import argparse, os, statistics, time
import torch
import torch.nn.functional as F
from llm_scratch.attention import MultiHeadSelfAttention, scaled_dot_product_attention, _causal_mask

def _sync(device):
    if device.type == 'cuda':
        torch.cuda.synchronize()

def fwd_bwd(fn, inputs, grad):
    "One forward and backward pass of `fn(*inputs)`; returns seconds"
    for t in inputs:
        t.grad = None
    _sync(grad.device)
    t0 = time.perf_counter()
    fn(*inputs).backward(grad)
    _sync(grad.device)
    return time.perf_counter() - t0

def compare(title, ours, anchor, inputs, grad, repeats):
    "Time `ours` and `anchor` alternately, `repeats` times each after a warm-up; return a table row"
    times = {'ours': [], 'torch': []}
    for f in (ours, anchor):
        fwd_bwd(f, inputs, grad)  # warm-up
    for i in range(repeats):
        order = [('ours', ours), ('torch', anchor)] if i % 2 == 0 else [('torch', anchor), ('ours', ours)]
        for name, f in order:
            times[name].append(fwd_bwd(f, inputs, grad))
    med = {k: statistics.median(v) * 1e3 for k, v in times.items()}
    best = {k: min(v) * 1e3 for k, v in times.items()}
    return title, med['ours'], med['torch'], best['ours'], best['torch'], med['ours'] / med['torch']

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--repeats', type=int, default=7)
    ap.add_argument('--batch', type=int, default=8)
    ap.add_argument('--device', default='cpu')
    ap.add_argument('--dtype', default='float32', choices=['float32', 'bfloat16'])
    args = ap.parse_args()
    torch.manual_seed(0)
    dev, dt = torch.device(args.device), getattr(torch, args.dtype)
    B, nh, T, d_k = args.batch, 16, 256, 32
    rows = []
    # the bare attention function: (B, nh, T, d_k) inputs
    q, k, v = (torch.randn(B, nh, T, d_k, device=dev, dtype=dt, requires_grad=True) for _ in range(3))
    grad = torch.randn(B, nh, T, d_k, device=dev, dtype=dt)
    mask = _causal_mask(T, T, dev)
    rows.append(compare('sdpa fn fwd+bwd',
                        lambda q, k, v: scaled_dot_product_attention(q, k, v, mask),
                        lambda q, k, v: F.scaled_dot_product_attention(q, k, v, is_causal=True),
                        (q, k, v), grad, args.repeats))
    # the whole layer (projections + RoPE + attention), attn_impl='scratch' vs 'sdpa'
    scratch = MultiHeadSelfAttention(nh * d_k, nh, max_seq_len=T, theta=10000.0, attn_impl='scratch',
                                     device=dev, dtype=dt)
    fast = MultiHeadSelfAttention(nh * d_k, nh, max_seq_len=T, theta=10000.0, attn_impl='sdpa', device=dev, dtype=dt)
    fast.load_state_dict(scratch.state_dict())
    x = torch.randn(B, T, nh * d_k, device=dev, dtype=dt, requires_grad=True)
    rows.append(compare('MHA layer fwd+bwd', scratch, fast, (x,), torch.randn(B, T, nh * d_k, device=dev, dtype=dt),
                        args.repeats))

    where = torch.cuda.get_device_name(dev) if dev.type == 'cuda' else f"CPU, {torch.get_num_threads()} threads"
    print(f"torch {torch.__version__}, {where}, {args.dtype}, batch {B}, heads {nh}, T {T}, d_k {d_k}, "
          f"{args.repeats} alternating repeats, load average {os.getloadavg()[0]:.2f}")
    print(f"{'':20s} {'ours ms (median)':>16s} {'torch ms (median)':>17s} "
          f"{'ours best':>10s} {'torch best':>10s} {'ours/torch':>10s}")
    for r in rows:
        print(f"{r[0]:20s} {r[1]:16.1f} {r[2]:17.1f} {r[3]:10.1f} {r[4]:10.1f} {r[5]:10.2f}x")

if __name__ == '__main__':
    main()
