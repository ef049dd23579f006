"""Full training-step throughput of `llm_scratch.train` against the same step built from PyTorch + transformers.

Ours:   `step_batch` (random windows of a memory-mapped .npy) -> `train_step`: our `TransformerLM`, our
        `cross_entropy`, our `clip_grad_norm`, our `AdamW` (with `param_groups`), the cosine schedule -> a metrics
        record every `--log_interval` steps (the loss `.item()` and `llm_scratch.metrics.MetricsLog`), what `fit`
        and its `LogMetrics` callback do per step in `llm_scratch_train`.
Anchor: the same batches -> `transformers.LlamaForCausalLM` (same configuration and weights, via
        `llm_scratch.hf_export.hf_state_dict`) + `F.cross_entropy` + `torch.nn.utils.clip_grad_norm_`
        + `torch.optim.AdamW`.

Both run the original project's model (vocab 10000, context 256, d_model 512, 4 layers, 16 heads, d_ff 1344) at batch
8 by default, interleaved (ours, anchor, ours, anchor, ...) so background load hits both alike; we report the median
tokens/s of each and the ratio. We also time, inside our loop, the data loading and the logging (metrics record +
loss read-back) and report them as a share of the step time.

    python bench/train_step.py                       # CPU, torch's default threads
    python bench/train_step.py --threads 1 --repeats 5
"""
import argparse, os, statistics, tempfile, time
import numpy as np
import torch
import torch.nn.functional as F

from llm_scratch.hf_export import hf_llama_config, hf_state_dict
from llm_scratch.model import ModelConfig, TransformerLM
from llm_scratch.optim import AdamW, cosine_lr, param_groups
from llm_scratch.metrics import MetricsLog
from llm_scratch.config import make_config
from llm_scratch.train import step_batch, train_step

ORIGINAL = dict(vocab_size=10000, context_length=256, d_model=512, num_layers=4, num_heads=16, d_ff=1344,
                rope_theta=10000.0)


def parse():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--batch_size', type=int, default=8)
    p.add_argument('--steps', type=int, default=4, help='timed steps per repeat')
    p.add_argument('--repeats', type=int, default=3, help='interleaved repeats of each candidate')
    p.add_argument('--log_interval', type=int, default=1, help='metric records every N steps (1: the worst case)')
    p.add_argument('--threads', type=int, default=0, help='torch CPU threads (0: default)')
    return p.parse_args()


def build(seed=0):
    "Our model + AdamW and the HF Llama with the same weights + torch AdamW"
    torch.manual_seed(seed)
    ours = TransformerLM.from_config(ModelConfig(**ORIGINAL))
    from transformers import LlamaForCausalLM
    cfg = hf_llama_config(ours)
    cfg._attn_implementation = 'sdpa'
    hf = LlamaForCausalLM(cfg)
    hf.load_state_dict(hf_state_dict(ours))
    hf.config.use_cache = False
    ours_opt = AdamW(param_groups(ours, 0.01), lr=1e-4, betas=(0.9, 0.95), weight_decay=0.01)
    hf_opt = torch.optim.AdamW(hf.parameters(), lr=1e-4, betas=(0.9, 0.95), weight_decay=0.01)
    return (ours.train(), ours_opt), (hf.train(), hf_opt)


def run_ours(model, opt, data, cfg, log, it0, steps, timers):
    "`steps` steps of what `fit` + `LogMetrics` do per step; returns seconds per step; accumulates data/log time"
    t0 = time.perf_counter()
    loss_sum = torch.zeros(())
    for it in range(it0, it0 + steps):
        a = time.perf_counter()
        x, y = step_batch(data, cfg, it)
        b = time.perf_counter()
        lr = cosine_lr(it, cfg.max_lr, cfg.min_lr, cfg.warmup_iters, cfg.num_iters)
        loss, norm = train_step(model, opt, x, y, lr, cfg.gradient_max_norm)
        loss_sum += loss
        c = time.perf_counter()
        if (it + 1) % cfg.log_interval == 0:
            log(step=it + 1, loss=loss_sum.item() / cfg.log_interval, lr=lr, grad_norm=float(norm), tokens_per_s=0.0)
            loss_sum = torch.zeros(())
        d = time.perf_counter()
        timers['data'] += b - a
        timers['log'] += d - c
    return (time.perf_counter() - t0) / steps


def run_hf(model, opt, data, cfg, it0, steps):
    "`steps` steps of the anchor on the same batches"
    t0 = time.perf_counter()
    for it in range(it0, it0 + steps):
        x, y = step_batch(data, cfg, it)
        for g in opt.param_groups:
            g['lr'] = cosine_lr(it, cfg.max_lr, cfg.min_lr, cfg.warmup_iters, cfg.num_iters)
        logits = model(input_ids=x).logits                       # (B, T, V)
        loss = F.cross_entropy(logits.flatten(0, 1), y.flatten())
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.gradient_max_norm)
        opt.step()
        if (it + 1) % cfg.log_interval == 0:
            loss.item()
    return (time.perf_counter() - t0) / steps


def main():
    args = parse()
    if args.threads:
        torch.set_num_threads(args.threads)
    with tempfile.TemporaryDirectory() as d:
        np.save(f'{d}/tokens.npy',
                np.random.default_rng(0).integers(0, ORIGINAL['vocab_size'], 2_000_000).astype(np.uint16))
        data = np.load(f'{d}/tokens.npy', mmap_mode='r')
        cfg = make_config('original', batch_size=args.batch_size, context_length=ORIGINAL['context_length'],
                          num_iters=10_000, warmup_iters=10, log_interval=args.log_interval)
        log = MetricsLog(f'{d}/metrics.jsonl', tensorboard=False)
        (ours, ours_opt), (hf, hf_opt) = build()
        # warm-up (allocations, optimizer state)
        run_ours(ours, ours_opt, data, cfg, log, 0, 1, dict(data=0.0, log=0.0))
        run_hf(hf, hf_opt, data, cfg, 0, 1)
        t_ours, t_hf, it = [], [], 1
        timers = dict(data=0.0, log=0.0)
        for r in range(args.repeats):
            t_ours.append(run_ours(ours, ours_opt, data, cfg, log, it, args.steps, timers))
            t_hf.append(run_hf(hf, hf_opt, data, cfg, it, args.steps))
            it += args.steps
            print(f'repeat {r}: ours {t_ours[-1]:.3f} s/step, HF {t_hf[-1]:.3f} s/step', flush=True)
        log.close()
    tok = args.batch_size * ORIGINAL['context_length']
    mo, mh = statistics.median(t_ours), statistics.median(t_hf)
    print(f'\nconfig: {ORIGINAL}, batch {args.batch_size}, threads {torch.get_num_threads()}, '
          f'load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores')
    print(f'{"":38} {"s/step":>8} {"tokens/s":>9}')
    print(f'{"ours (llm_scratch.train step)":38} {mo:8.3f} {tok / mo:9.0f}')
    print(f'{"HF Llama + torch AdamW + F.ce + clip":38} {mh:8.3f} {tok / mh:9.0f}')
    print(f'ratio ours/HF throughput: {mh / mo:.2f}x (target >= 1.2x)')
    def share(k):
        return 100 * timers[k] / (sum(t_ours) * args.steps)
    print(f'overhead in our loop: data loading {share("data"):.2f}% + logging {share("log"):.2f}% '
          f'(every {args.log_interval} step(s)) = {share("data") + share("log"):.2f}% of step time (target <= 3%)')


if __name__ == '__main__':
    main()
