"""Training-step throughput: our `TransformerLM` against `transformers.LlamaForCausalLM`.

One step = forward + `F.cross_entropy` + backward + `torch.optim.AdamW.step` + `zero_grad`. Both models get the same
configuration (the original project's: vocab 10000, context 256, d_model 512, 4 layers, 16 heads, d_ff 1344, RoPE
theta 10000) and the same weights (ours converted with `llm_scratch.hf_export.hf_state_dict`), and both step PyTorch's
own AdamW, so the model is the only thing that differs. Candidates run interleaved (A B C A B C ...) and we report the
median tokens/s of each, so background load on the shared machine hits them all alike. Peak memory of a step is measured
in a fresh subprocess per candidate, after a first step has allocated the optimizer state (CPU: peak RSS, reset
through /proc/self/clear_refs, over the RSS before the step; CUDA: `torch.cuda.max_memory_allocated`).

On a busy shared machine, wall time with 2 threads swings by 2x between identical steps (other processes preempt the
OpenMP threads); `--threads 1 --cpu_time` counts the CPU time of one thread and repeats to within a few per cent.
`--breakdown` splits the step into forward / loss / backward / AdamW. On CPU about 80% of the step is matmuls and
another 10% the fused attention kernel, loss and AdamW, identical on both sides; that bounds what the model code can
win.

    python bench/model_step.py                  # CPU, batch 8 x 256, fp32
    python bench/model_step.py --threads 1 --cpu_time --breakdown   # steadier ratios on a loaded machine
    python bench/model_step.py --device cuda --batch_size 64 --dtype bf16   # autocast bf16 on a GPU
"""
import argparse, json, os, statistics, subprocess, sys, time
import torch
import torch.nn.functional as F

from llm_scratch.model import ModelConfig, TransformerLM
from llm_scratch.hf_export import hf_llama_config, hf_state_dict

ORIGINAL = dict(vocab_size=10000, context_length=256, d_model=512, num_layers=4, num_heads=16, d_ff=1344,
                rope_theta=10000.0)
CANDIDATES = ['ours-sdpa', 'ours-scratch', 'hf-sdpa', 'hf-eager']


def build(name, device, seed=0):
    "Model `name` with the seed-`seed` weights of our model, on `device`, plus a `torch.optim.AdamW` over it"
    torch.manual_seed(seed)
    ours = TransformerLM.from_config(ModelConfig(**ORIGINAL, attn_impl='sdpa'))
    if name.startswith('ours'):
        model = TransformerLM.from_config(ModelConfig(**ORIGINAL, attn_impl=name.split('-')[1]))
        model.load_state_dict(ours.state_dict())
    else:
        from transformers import LlamaForCausalLM
        cfg = hf_llama_config(ours)
        cfg._attn_implementation = name.split('-')[1]
        model = LlamaForCausalLM(cfg)
        model.load_state_dict(hf_state_dict(ours))
        model.config.use_cache = False
    model = model.to(device).train()
    return model, torch.optim.AdamW(model.parameters(), lr=1e-4)


def make_step(model, opt, x, y, dtype, phases=None, clock=time.perf_counter):
    "A closure doing one full training step of `model` on the batch `(x, y)`; appends phase times to `phases` if given"
    is_hf = not isinstance(model, TransformerLM)
    def mark(t0, key):
        if phases is None:
            return t0
        sync(x.device)
        t = clock()
        phases.setdefault(key, []).append(t - t0)
        return t
    def step():
        t = mark(0.0, '_') if phases is not None else 0.0
        with torch.autocast(x.device.type, dtype=torch.bfloat16, enabled=dtype == 'bf16'):
            logits = model(input_ids=x).logits if is_hf else model(x)  # (B, T, vocab_size)
            t = mark(t, 'forward')
            loss = F.cross_entropy(logits.flatten(0, 1).float(), y.flatten())
            t = mark(t, 'loss')
        loss.backward()
        t = mark(t, 'backward')
        opt.step()
        opt.zero_grad(set_to_none=True)
        mark(t, 'AdamW')
        return loss
    return step


def sync(device):
    if device.type == 'cuda':
        torch.cuda.synchronize()


def batch(args, device):
    g = torch.Generator().manual_seed(1)
    x = torch.randint(0, ORIGINAL['vocab_size'], (args.batch_size, ORIGINAL['context_length']), generator=g)
    y = torch.randint(0, ORIGINAL['vocab_size'], (args.batch_size, ORIGINAL['context_length']), generator=g)
    return x.to(device), y.to(device)


def _proc_status(key):
    "A `kB` field of /proc/self/status, in MiB"
    for line in open('/proc/self/status'):
        if line.startswith(key + ':'):
            return int(line.split()[1]) / 2**10


def peak_memory(args):
    "Run in a subprocess: (peak memory of a training step above what is resident before it, total peak), in MiB"
    device = torch.device(args.device)
    model, opt = build(args.memory_of, device)
    x, y = batch(args, device)
    step = make_step(model, opt, x, y, args.dtype)
    step()
    sync(device)  # the first step allocates the optimizer state
    if device.type == 'cuda':
        torch.cuda.reset_peak_memory_stats()
        before = torch.cuda.memory_allocated()
        for _ in range(2):
            step()
        sync(device)
        return (torch.cuda.max_memory_allocated() - before) / 2**20, torch.cuda.max_memory_allocated() / 2**20
    with open('/proc/self/clear_refs', 'w') as f:
        f.write('5')  # reset the peak RSS (VmHWM) to the current RSS
    before = _proc_status('VmRSS')
    for _ in range(2):
        step()
    return _proc_status('VmHWM') - before, _proc_status('VmHWM')


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--device', default='cpu')
    p.add_argument('--batch_size', type=int, default=8)
    p.add_argument('--dtype', choices=['fp32', 'bf16'], default='fp32',
                   help='bf16 = autocast to bfloat16, fp32 weights')
    p.add_argument('--repeats', type=int, default=5,
                   help='interleaved rounds; each times `--steps` steps per candidate')
    p.add_argument('--steps', type=int, default=2)
    p.add_argument('--candidates', default=','.join(CANDIDATES))
    p.add_argument('--threads', type=int, default=None)
    p.add_argument('--no_memory', action='store_true', help='skip the peak-memory subprocesses')
    p.add_argument('--cpu_time', action='store_true',
                   help='time with process CPU time, not wall time: steadier on a busy '
                   'machine, meaningful with --threads 1 (CPU only)')
    p.add_argument('--breakdown', action='store_true', help='also time forward / loss / backward / AdamW separately '
                   '(adds a sync between phases on a GPU)')
    p.add_argument('--memory_of', default=None, help=argparse.SUPPRESS)  # internal: the subprocess mode
    args = p.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    if args.memory_of:
        print(json.dumps(peak_memory(args)))
        return

    device = torch.device(args.device)
    names = args.candidates.split(',')
    x, y = batch(args, device)
    clock = time.process_time if args.cpu_time and device.type == 'cpu' else time.perf_counter
    runs, first_loss, phases = {}, {}, {n: {} for n in names}
    for n in names:
        model, opt = build(n, device)
        runs[n] = make_step(model, opt, x, y, args.dtype, phases[n] if args.breakdown else None, clock)
        first_loss[n] = runs[n]().item()
        runs[n]()  # warm up: allocator, optimizer state, kernels
    # Same weights and batch, so the first losses must agree: a cheap check that we compare like with like.
    tol = 1e-3 if args.dtype == 'fp32' else 5e-2
    bad = {n: loss for n, loss in first_loss.items() if abs(loss - first_loss[names[0]]) > tol}
    if bad:
        raise SystemExit(f"first-step losses differ, the candidates are not the same model: {first_loss}")
    for n in names:
        phases[n].clear()  # drop the warm-up steps
    times = {n: [] for n in names}
    for r in range(args.repeats):
        for n in names:
            sync(device)
            t = clock()
            for _ in range(args.steps):
                runs[n]()
            sync(device)
            times[n].append((clock() - t) / args.steps)
    tokens = x.numel()
    mem = {}
    if not args.no_memory:
        for n in names:
            out = subprocess.run([sys.executable, __file__, '--memory_of', n, '--device', args.device, '--batch_size',
                                  str(args.batch_size), '--dtype', args.dtype]
                                 + (['--threads', str(args.threads)] if args.threads else []),
                                 capture_output=True, text=True, check=True)
            mem[n] = json.loads(out.stdout.strip().splitlines()[-1])
    dev = torch.cuda.get_device_name() if device.type == 'cuda' else f'cpu, {torch.get_num_threads()} threads'
    print(f"model step (fwd+bwd+AdamW), batch {args.batch_size} x {ORIGINAL['context_length']}, {args.dtype}, {dev}, "
          f"torch {torch.__version__}, {args.repeats} rounds x {args.steps} steps, "
          f"{'CPU' if clock is time.process_time else 'wall'} time, load {os.getloadavg()[0]:.2f}")
    ref = statistics.median(times['hf-sdpa']) if 'hf-sdpa' in times else None
    print(f"{'candidate':<14}{'median ms':>11}{'best ms':>10}{'tokens/s':>11}{'vs hf-sdpa':>12}"
          f"{'step MiB':>10}{'peak MiB':>10}")
    for n in names:
        med = statistics.median(times[n])
        ratio = f"{ref / med:.2f}x" if ref else '-'
        m = f"{mem[n][0]:>10.0f}{mem[n][1]:>10.0f}" if n in mem else f"{'-':>10}{'-':>10}"
        print(f"{n:<14}{med * 1e3:>11.1f}{min(times[n]) * 1e3:>10.1f}{tokens / med:>11.0f}{ratio:>12}{m}")
    if args.breakdown:
        keys = ['forward', 'loss', 'backward', 'AdamW']
        print(f"{'median ms':<14}" + ''.join(f"{k:>11}" for k in keys))
        for n in names:
            print(f"{n:<14}" + ''.join(f"{statistics.median(phases[n][k]) * 1e3:>11.1f}" for k in keys))
    print("step MiB: peak memory of a step above what is resident before it (weights, AdamW state); peak MiB: "
          + ("torch.cuda.max_memory_allocated" if device.type == 'cuda' else "peak RSS of the process (VmHWM)"))


if __name__ == '__main__':
    main()
