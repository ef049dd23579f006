"""Generation speed: our KV cache against recomputing the window, and against `transformers` `generate`.

Run from the repository root: `python bench/sampling.py` (`--small` for a quick run on a smaller model).
The model is the original project's configuration (d_model 512, 4 layers, 16 heads, d_ff 1344, vocab 10000,
context 256) with random weights, exported with `llm_scratch.hf_export.to_hf_llama` to a `LlamaForCausalLM` with
identical weights. All three decode greedily from the same 1-token prompt for 256 new tokens (1 + 255 positions fit
the 256-token context, so no run slides its window), end-of-text disabled. The three runs alternate; each figure is
the best of `--repeats`.
The cached and HF runs must produce the same tokens (asserted); the uncached run must equal the cached one.
"""
import argparse, atexit, os, shutil, subprocess, tempfile, time
import torch
from llm_scratch.model import ModelConfig, TransformerLM
from llm_scratch.hf_export import to_hf_llama
from llm_scratch.sampling import generate_ids

p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
p.add_argument('--new_tokens', type=int, default=256)
p.add_argument('--repeats', type=int, default=3)
p.add_argument('--threads', type=int, default=None, help='torch threads (default: torch default)')
p.add_argument('--small', action='store_true', help='d_model 128, 2 layers: a quick check')
p.add_argument('--device', default='cpu', help='cpu or cuda')
args = p.parse_args()
if args.threads:
    torch.set_num_threads(args.threads)

from transformers import LlamaForCausalLM

cfg = ModelConfig(vocab_size=10000, context_length=256, d_model=512, num_layers=4, num_heads=16, d_ff=1344,
                  rope_theta=10000.0)
if args.small:
    cfg = ModelConfig(vocab_size=10000, context_length=256, d_model=128, num_layers=2, num_heads=4, d_ff=384,
                      rope_theta=10000.0)
torch.manual_seed(0)
model = TransformerLM.from_config(cfg).eval()
work_dir = os.path.join(os.path.dirname(__file__), '_work')
work = tempfile.mkdtemp(dir=work_dir if os.path.isdir(work_dir) else None)
atexit.register(shutil.rmtree, work, True)
to_hf_llama(model, work)
hf = LlamaForCausalLM.from_pretrained(work).eval()   # float32, as exported
model, hf = model.to(args.device), hf.to(args.device)
hf.generation_config.eos_token_id = None
hf.generation_config.pad_token_id = 0
prompt = [[int(torch.randint(cfg.vocab_size, ()))]]
N = args.new_tokens

def ours(use_cache):
    return generate_ids(model, prompt, N, temperature=0, use_cache=use_cache, eos_id=None)[0]
def theirs():
    with torch.inference_mode():
        out = hf.generate(torch.tensor(prompt, device=args.device), max_new_tokens=N, min_new_tokens=N, do_sample=False,
                          use_cache=True)
    return out[0, 1:].tolist()

runs = {'ours, KV cache': lambda: ours(True),
        'ours, no cache': lambda: ours(False),
        'transformers generate': theirs}
best, toks = {k: float('inf') for k in runs}, {}
for k, f in runs.items():
    toks[k] = f()                       # warm-up (and the tokens to compare)
for r in range(args.repeats):
    for k, f in runs.items():
        t = time.perf_counter()
        toks[k] = f()
        best[k] = min(best[k], time.perf_counter() - t)

assert len(toks['ours, KV cache']) == N, len(toks['ours, KV cache'])
assert toks['ours, KV cache'] == toks['ours, no cache'], 'cached and uncached greedy tokens differ'
same = toks['ours, KV cache'] == toks['transformers generate']
first_diff = next((i for i, (a, b) in enumerate(zip(toks['ours, KV cache'], toks['transformers generate'])) if a != b),
                  None)
print(f"model: d_model {cfg.d_model}, {cfg.num_layers} layers, {cfg.num_heads} heads, d_ff {cfg.d_ff}, "
      f"vocab {cfg.vocab_size}, context {cfg.context_length}; {model.num_params():,} params; device {args.device}; "
      f"torch threads {torch.get_num_threads()}")
print(f"greedy, 1-token prompt, {N} new tokens, best of {args.repeats}; same tokens as transformers: {same}"
      + ('' if same else f' (first difference at step {first_diff})'))
print(f"{'run':<24}{'seconds':>10}{'tokens/s':>12}")
for k in runs:
    print(f"{k:<24}{best[k]:>10.3f}{N / best[k]:>12.1f}")
print(f"cache speed-up (ours cached / ours uncached): "
      f"{best['ours, no cache'] / best['ours, KV cache']:.2f}x  (target >= 5)")
print(f"vs transformers (ours cached / transformers): "
      f"{best['transformers generate'] / best['ours, KV cache']:.2f}x  (target >= 1.0)")
print('uptime:', subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip())
assert same, f'our greedy tokens differ from transformers at step {first_diff}'
