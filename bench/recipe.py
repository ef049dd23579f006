"""The training recipe: the original project's recipe, AdamW tuned by the grid of `nbs/08_experiments.ipynb`, and the
`speedrun` preset, side by side on the same data, model size and number of tokens.

The setting is that notebook's proxy (`llm_scratch.experiments`): Debian's `fortunes` quotations, every 20th to
validation, our 4,096-token BPE, a model of width 128 with 4 layers of 4 heads and d_ff 384, 32 sequences of 128
tokens per step, one CPU thread per run. By default each recipe trains for 300 steps (three times the grid's runs; the
notebook tuned `speedrun`'s rates and schedule at this length on seed 0, and checked AdamW's rate there too) with two
seeds, two runs at a time (one per core), and is validated every 25 steps on the same 40,960 validation tokens. The
recipes (`llm_scratch.experiments.RECIPES`):

- `original`: the original project's values (max_lr 1e-3, cosine to 1e-5, AdamW, untied embeddings) with its warm-up
  as a fraction of the run (10,000 of 50,000 steps: 20%);
- `tuned AdamW`: the same model with the learning rate and warm-up that the grid's sweep found best (still the best
  of the three rates tried at 300 steps);
- `speedrun`: `llm_scratch.config.PRESETS['speedrun']` with the proxy's sizes (its schedule is in fractions of the
  run).

Printed: each recipe's final validation loss (mean ± sd over the seeds), its difference from tuned AdamW, its seconds
per step (the mean over the run's steps, timed by `fit`) and the ratio to tuned AdamW's, and the tokens `speedrun`
needs to reach the original recipe's and tuned AdamW's final losses (linear between validations), as fractions of the
run.

    # needs: apt-get install fortunes fortunes-de fortunes-es fortunes-it fortunes-cs fortunes-zh
    python bench/recipe.py
    python bench/recipe.py --num_iters 100 --seeds 0   # a quick look
"""
import argparse, time
from pathlib import Path

from llm_scratch.experiments import RECIPES, PROXY, prepare_fortunes_proxy, run_grid, summarize, tokens_to_reach

ROOT = Path(__file__).resolve().parent


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--num_iters", type=int, default=300, help="steps per run (default 300)")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1], help="seeds per recipe (default 0 1)")
    ap.add_argument("--workers", type=int, default=2, help="runs at a time, one CPU thread each (default 2)")
    ap.add_argument("--evals", type=int, default=12, help="validations per run (default 12)")
    a = ap.parse_args()
    if a.num_iters < a.evals:
        ap.error(f"--num_iters {a.num_iters}: must be >= --evals {a.evals}")
    data = prepare_fortunes_proxy(ROOT / "_work" / "fortunes_proxy")
    out = ROOT / "_work" / f"recipe_{time.strftime('%Y%m%d_%H%M%S')}.json"
    results = run_grid(RECIPES, data, out, seeds=a.seeds, num_iters=a.num_iters, workers=a.workers, evals=a.evals)
    s = summarize(results, list(RECIPES))
    base = s["tuned AdamW"]
    tps = PROXY["batch_size"] * PROXY["context_length"]
    print(f"\n{a.num_iters} steps of {tps:,} tokens ({a.num_iters * tps / 1e6:.2f}M tokens), seeds {a.seeds}, "
          f"{a.workers} runs at a time; results in {out}")
    print(f"{'recipe':<13} {'val loss':>16} {'vs tuned':>9} {'s/step':>7} {'× tuned':>8}")
    for n, m in s.items():
        print(f"{n:<13} {m['mean']:>9.4f} ± {m['sd']:.4f} {m['mean'] - base['mean']:>+9.4f} "
              f"{m['s_per_step']:>7.3f} {m['s_per_step'] / base['s_per_step']:>8.3f}")
    for other in ("original", "tuned AdamW"):
        t = tokens_to_reach(results, "speedrun", s[other]["mean"])
        print(f"speedrun reaches the {other} recipe's final loss {s[other]['mean']:.4f} after "
              + (f"{t / 1e6:.3f}M tokens ({t / (a.num_iters * tps):.2f} of the run)" if t
                 else "never (within the run)"))


if __name__ == "__main__":
    main()
