"""Optimizer step time: our `llm_scratch.optim.AdamW` against `torch.optim.AdamW(foreach=True)` (and, with `--muon`,
our `Muon` against `torch.optim.Muon`).

The parameters are those of the original project's model (vocab 10000, context 256, d_model 512, 4 layers,
16 heads, d_ff 1344: about 22.7M parameters in 39 tensors). When `llm_scratch.model` is importable we build its
`TransformerLM`; otherwise a list of tensors with the same shapes (the output says which). Every parameter gets a
fixed random gradient, both optimizers get the same hyperparameters (lr 1e-3, betas (0.9, 0.95), eps 1e-8, weight
decay 0.01) and their own copy of the parameters, and they run interleaved (ours, torch, torch, ours, ...), so
background load on the shared machine hits both alike. We report the median and best time per `step()` and the ratio
to the anchor, `torch.optim.AdamW(foreach=True)`. Also timed: our two paths forced (`foreach=True`: vectorised with
`torch._foreach_*`; `foreach=False`: the per-parameter loop) and PyTorch's default (on CPU its per-parameter loop).
Our default (`foreach=None`) is the loop on CPU and the vectorised path on accelerators, like PyTorch's.

`--muon` adds a second table: Muon on the model's 28 hidden matrices (the attention and SwiGLU weights of the 4
blocks, as `muon_param_groups` picks them), lr 0.02, weight decay 0.01, the rest default. The anchor is
`torch.optim.Muon`, which runs Newton-Schulz in bfloat16 on every device; ours runs it in float32 on CPU and bfloat16
elsewhere by default, and is also timed with `ns_dtype=torch.bfloat16` forced (the same arithmetic as PyTorch's).
On a CPU without bfloat16 matrix instructions the bfloat16 runs are slow (about a minute per step on 2 cores):
there keep `--repeats` and `--steps` at 1. The Muon table has no warm-up round (its state is one zero buffer per
matrix).

    python bench/optim_step.py                       # CPU, all threads torch uses by default
    python bench/optim_step.py --device cuda --repeats 15 --steps 20
    python bench/optim_step.py --muon --repeats 1 --steps 1       # + Muon against torch.optim.Muon
"""
import argparse, statistics, subprocess, time
import torch

from llm_scratch.optim import AdamW, Muon, muon_param_groups

ORIGINAL = dict(vocab_size=10000, context_length=256, d_model=512, num_layers=4, num_heads=16, d_ff=1344,
                rope_theta=10000.0)
HP = dict(lr=1e-3, betas=(0.9, 0.95), eps=1e-8, weight_decay=0.01)


def original_params(device):
    "The original model's parameters (and where they came from), as fresh leaf tensors on `device`"
    try:
        from llm_scratch.model import TransformerLM
        ps, src = [p.detach() for p in TransformerLM(**ORIGINAL).parameters()], 'llm_scratch.model.TransformerLM'
    except ImportError:
        V, d, f, L = ORIGINAL['vocab_size'], ORIGINAL['d_model'], ORIGINAL['d_ff'], ORIGINAL['num_layers']
        layer = [(d, d)] * 4 + [(d,), (f, d), (d, f), (f, d), (d,)]  # q k v output_proj, ln1, w1 w2 w3, ln2
        shapes = [(V, d)] + layer * L + [(d,), (V, d)]               # token_embeddings, layers, ln_final, lm_head
        ps, src = [torch.randn(s) * 0.02 for s in shapes], 'tensors with the shapes of the original TransformerLM'
    return [torch.nn.Parameter(p.clone().to(device)) for p in ps], src


def hidden_matrices(device):
    "The original model's Muon matrices (`muon_param_groups`' first group; else tensors of their shapes) on `device`"
    try:
        from llm_scratch.model import TransformerLM
        ps = [p.detach() for p in muon_param_groups(TransformerLM(**ORIGINAL), 0.0)[0]['params']]
    except ImportError:
        d, f = ORIGINAL['d_model'], ORIGINAL['d_ff']
        ps = [torch.randn(s) * 0.02 for s in ([(d, d)] * 4 + [(f, d), (d, f), (f, d)]) * ORIGINAL['num_layers']]
    return [torch.nn.Parameter(p.clone().to(device)) for p in ps]


def with_grads(params, seed=0):
    "Copies of `params` carrying the same seeded random gradients"
    g = torch.Generator().manual_seed(seed)
    out = [torch.nn.Parameter(p.detach().clone()) for p in params]
    for p in out:
        p.grad = (torch.randn(p.shape, generator=g) * 1e-3).to(p.device)
    return out


def sync(device):
    if device.type == 'cuda':
        torch.cuda.synchronize()


def time_steps(opt, steps, device):
    "Seconds per `opt.step()`, averaged over `steps` calls"
    sync(device)
    t0 = time.perf_counter()
    for _ in range(steps):
        opt.step()
    sync(device)
    return (time.perf_counter() - t0) / steps


def uptime():
    try:
        return subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()
    except OSError:
        return 'uptime unavailable'


def table(opts, ref, args, device, warmup=2):
    "Time the optimizers in `opts` interleaved and print the table of ms/step and the ratio to `opts[ref]`"
    if warmup:
        for opt in opts.values():
            time_steps(opt, warmup, device)  # warm-up: allocates the state
    times, names = {k: [] for k in opts}, list(opts)
    for r in range(args.repeats):
        for k in (names if r % 2 == 0 else names[::-1]):
            times[k].append(time_steps(opts[k], args.steps, device))
    med = {k: statistics.median(v) for k, v in times.items()}
    best = {k: min(v) for k, v in times.items()}
    print(f"\n| {'optimizer':34} | median ms/step | best ms/step | ratio (median) | ratio (best) |")
    print(f"|{'-' * 36}|---------------|--------------|----------------|--------------|")
    for k in names:
        print(f'| {k:34} | {med[k] * 1e3:13.2f} | {best[k] * 1e3:12.2f} '
              f'| {med[k] / med[ref]:13.2f}x | {best[k] / best[ref]:11.2f}x |')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--device', default='cpu', help='cpu or cuda')
    ap.add_argument('--repeats', type=int, default=7, help='interleaved rounds (median and best over them)')
    ap.add_argument('--steps', type=int, default=5, help='optimizer steps per timing')
    ap.add_argument('--threads', type=int, default=None, help='torch CPU threads (default: torch\'s choice)')
    ap.add_argument('--muon', action='store_true', help='also time Muon against torch.optim.Muon')
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    base, src = original_params(device)
    n = sum(p.numel() for p in base)
    ref = 'torch.optim.AdamW(foreach=True)'
    opts = {'ours, default': AdamW(with_grads(base), **HP),
            ref: torch.optim.AdamW(with_grads(base), **HP, foreach=True),
            'ours, foreach=True': AdamW(with_grads(base), **HP, foreach=True),
            'ours, foreach=False (loop)': AdamW(with_grads(base), **HP, foreach=False),
            'torch.optim.AdamW(), default': torch.optim.AdamW(with_grads(base), **HP)}
    print(f'parameters: {n / 1e6:.2f}M in {len(base)} tensors ({src}); device {device}, '
          f'{torch.get_num_threads()} threads, torch {torch.__version__}')
    print(f'load before: {uptime()}')
    table(opts, ref, args, device)
    if args.muon:
        hidden = hidden_matrices(device)
        hp, mref = dict(lr=0.02, weight_decay=0.01), 'torch.optim.Muon'
        print(f'\nMuon: {sum(p.numel() for p in hidden) / 1e6:.2f}M parameters in {len(hidden)} matrices')
        table({'ours, default': Muon(with_grads(hidden), **hp),
               mref: torch.optim.Muon(with_grads(hidden), **hp),
               'ours, ns_dtype=bfloat16': Muon(with_grads(hidden), **hp, ns_dtype=torch.bfloat16)},
              mref, args, device, warmup=0)
    print(f'load after:  {uptime()}')

if __name__ == '__main__':
    main()
