"""One-shot GPU check of the training job: the original project's model in fp32 (TF32), bf16 and bf16 + torch.compile.

Each phase runs `llm_scratch.run.train` itself (batches from a memory-mapped .npy, our model, loss, AdamW, clipping,
cosine schedule, validation, checkpoint, metrics) with the original project's configuration: d_model 512, 4 layers,
16 heads, d_ff 1344, RoPE theta 10000, vocab 10000, batch 128 x 256 tokens, max_lr 1e-3, betas (0.9, 0.95), weight decay
0.01, clipping at 1.0; only the schedule is compressed (warm-up 30 steps, cosine to `--steps`) so the loss visibly falls
within a few hundred steps. The data is the package's built-in stories corpus (no network needed), tokenized with our
BPE (768 tokens; the model keeps the original 10000-row vocabulary). For each phase it prints tokens/s (median over the
records after the first, which holds the warm-up/compile), MFU (model FLOPs from `TransformerLM.flops_per_token` over
the dense peak: 989 TFLOP/s bf16 and 494.7 TFLOP/s TF32 for an H100 SXM, see `llm_scratch.run._PEAK_TFLOPS`), the
first and last training loss and the validation loss, and whether anything was NaN. A failing phase (e.g. a
torch.compile error) is reported and the next one runs.

On the GPU machine (torch preinstalled, no network; fastcore travels as a wheel; matplotlib draws each phase's
metrics.png; no phase has a tokenizer, so nothing samples and ipywidgets is never imported):

    pip install -q --no-index --no-deps .whl/fastcore-*.whl
    pip install -q --no-deps --no-build-isolation -e . && python bench/gpu_check.py

On a CPU, a smoke test: python bench/gpu_check.py --device cpu --steps 3 --batch_size 2 --context_length 32
"""
import argparse, json, math, statistics, sys, tempfile, time, traceback

import torch
try:
    from llm_scratch.run import train
    from llm_scratch.stories import prepare_builtin_data
    from llm_scratch.config import make_config
except ImportError as e:
    sys.exit(f"gpu_check: cannot import llm_scratch ({e}); run `pip install --no-deps --no-build-isolation -e .` "
             f"from the repository root first (and install fastcore, e.g. from a carried wheel)")


def parse():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--device', default='cuda')
    p.add_argument('--steps', type=int, default=300, help='training steps per phase')
    p.add_argument('--batch_size', type=int, default=128)
    p.add_argument('--context_length', type=int, default=256)
    p.add_argument('--phases', default='fp32,bf16,bf16+compile',
                   help='comma-separated: fp32, bf16, fp32+compile, bf16+compile')
    p.add_argument('--stories', type=int, default=6000, help='stories in the built-in corpus')
    return p.parse_args()


def phase(name, args, paths, root):
    "Run one phase; returns a result row"
    precision, compile_ = name.split('+')[0], name.endswith('+compile')
    cfg = make_config('original', **paths, vocab_size=10000, context_length=args.context_length,
                      batch_size=args.batch_size, num_iters=args.steps, warmup_iters=min(30, args.steps // 2),
                      log_interval=max(1, args.steps // 10), validation_interval=args.steps, val_batches=10,
                      checkpoint_interval=args.steps, device=args.device, precision=precision, compile=compile_,
                      out_dir=f'{root}/{name.replace("+", "_")}', progress=False, tensorboard=False)
    t0 = time.perf_counter()
    r = train(cfg, log=lambda m: print('   ', m.replace('\n', '\n    '), flush=True))
    wall = time.perf_counter() - t0
    recs = [x for x in r['metrics'] if 'loss' in x]
    steady = recs[1:] or recs
    tok_s = statistics.median(x['tokens_per_s'] for x in steady)
    mfu = [x['mfu'] for x in steady if 'mfu' in x]
    losses = [x['loss'] for x in recs]
    return dict(phase=name, wall_s=wall, tokens_per_s=tok_s, mfu=statistics.median(mfu) if mfu else None,
                first_loss=losses[0], last_loss=losses[-1], val_loss=r['val_loss'],
                nan=any(not math.isfinite(v) for v in losses + [r['val_loss'] or 0.0]),
                first_record_s=recs[0]['step'] * cfg.tokens_per_step / recs[0]['tokens_per_s'])


def main():
    args = parse()
    t_start = time.perf_counter()
    dev = torch.device(args.device)
    name = torch.cuda.get_device_name(dev) if dev.type == 'cuda' else 'cpu'
    print(f'torch {torch.__version__}, device {name}, python {sys.version.split()[0]}', flush=True)
    rows = []
    with tempfile.TemporaryDirectory() as root:
        t0 = time.perf_counter()
        paths = prepare_builtin_data(f'{root}/data', args.stories, 768)
        print(f'built-in corpus: {args.stories} stories, BPE 768, prepared in {time.perf_counter() - t0:.1f} s',
              flush=True)
        # the original model has a 10000-token vocabulary: we keep it (the data's ids are < 768) and leave the
        # tokenizer out, so the phases time training alone, without samples
        paths = dict(train_dataset_path=paths['train_dataset_path'], val_dataset_path=paths['val_dataset_path'])
        for ph in args.phases.split(','):
            print(f'== phase {ph}', flush=True)
            try:
                rows.append(phase(ph, args, paths, root))
            except Exception as e:
                traceback.print_exc(limit=3)
                rows.append(dict(phase=ph, error=f'{type(e).__name__}: {str(e)[:200]}'))
            if dev.type == 'cuda':
                print(f'    peak GPU memory {torch.cuda.max_memory_allocated(dev) / 2**30:.1f} GiB', flush=True)
                torch.cuda.reset_peak_memory_stats(dev)
    print(f'\nmodel: d_model 512, 4 layers, 16 heads, d_ff 1344, batch {args.batch_size} x {args.context_length}, '
          f'{args.steps} steps per phase; MFU vs dense peak (H100 SXM: bf16 989, TF32 494.7 TFLOP/s)')
    print(f'{"phase":14} {"tokens/s":>10} {"MFU":>6} {"loss first -> last":>20} '
          f'{"val":>7} {"NaN":>4} {"1st rec s":>9} {"wall s":>7}')
    for r in rows:
        if 'error' in r:
            print(f'{r["phase"]:14} FAILED: {r["error"]}')
            continue
        mfu = f'{100 * r["mfu"]:.1f}%' if r['mfu'] is not None else '-'
        print(f'{r["phase"]:14} {r["tokens_per_s"]:10.0f} {mfu:>6} {r["first_loss"]:9.3f} -> {r["last_loss"]:7.3f} '
              f'{r["val_loss"]:7.3f} {"yes" if r["nan"] else "no":>4} {r["first_record_s"]:9.1f} {r["wall_s"]:7.1f}')
    print(f'total {time.perf_counter() - t_start:.0f} s')
    print('JSON ' + json.dumps(rows))


if __name__ == '__main__':
    main()
