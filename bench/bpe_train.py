"""BPE training: our `train_bpe` against HF `tokenizers` (`BpeTrainer` + `ByteLevel` pre-tokenizer) on the same file.

Corpus: Debian `fortunes` quotations joined with `<|endoftext|>` (bench/corpus.py), whole (~12.5 MB) and a 5 MB prefix;
vocab 10,000 and 32,000. Each run is its own subprocess, ours and HF alternate, both get the same cores (our
`num_workers`, HF's `RAYON_NUM_THREADS`). Wall time is measured around the subprocess (imports included for both);
peak RSS is the peak of the summed RSS of the subprocess and its children, sampled every 10 ms. The table shows the best
of `--repeats` runs and the ratios ours / HF (below 1 = ours faster / smaller), plus our pre-tokenization rate per core
and our merge-phase time. The machine is shared: the load average is printed before and after.

    python bench/bpe_train.py [--repeats 2] [--cores 2] [--vocab 10000 32000] [--sizes full 5mb]
"""
import argparse, json, os, subprocess, sys, time
from pathlib import Path
import psutil

ROOT = Path(__file__).resolve().parent
WORK = ROOT / "_work"
from corpus import build_fortunes_corpus  # bench/corpus.py: the script directory is on sys.path

OURS = """
import json, sys, time
from llm_scratch.bpe import train_bpe
path, vocab_size, cores = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
st = {}
vocab, merges = train_bpe(path, vocab_size, ["<|endoftext|>"], num_workers=cores, stats=st)
st.pop("merge_counts")
print(json.dumps(dict(st, vocab=len(vocab))))
"""
HF = """
import json, sys
from tokenizers import Tokenizer, models, trainers, pre_tokenizers
path, vocab_size = sys.argv[1], int(sys.argv[2])
tok = Tokenizer(models.BPE())
tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
tok.train([path], trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=["<|endoftext|>"], show_progress=False,
                                      initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
print(json.dumps(dict(vocab=tok.get_vocab_size())))
"""

def tree_rss(proc):
    "Summed RSS in bytes of `proc` and its descendants (0 if gone)"
    total = 0
    try: procs = [proc] + proc.children(recursive=True)
    except psutil.NoSuchProcess: return 0
    for p in procs:
        try: total += p.memory_info().rss
        except psutil.NoSuchProcess: pass
    return total

def run(script, path, vocab_size, cores):
    "Run one training in a subprocess; return wall seconds, peak tree RSS in MB, and what it printed"
    env = dict(os.environ, RAYON_NUM_THREADS=str(cores), TOKENIZERS_PARALLELISM="true")
    t0 = time.perf_counter()
    p = subprocess.Popen([sys.executable, "-c", script, str(path), str(vocab_size), str(cores)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    ps, peak = psutil.Process(p.pid), 0
    while p.poll() is None:
        peak = max(peak, tree_rss(ps)); time.sleep(0.01)
    wall = time.perf_counter() - t0
    out, err = p.communicate()
    if p.returncode: raise RuntimeError(f"run failed ({p.returncode}):\n{err}")
    return wall, peak / 2**20, json.loads(out.strip().splitlines()[-1])

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--cores", type=int, default=2)
    ap.add_argument("--vocab", type=int, nargs="+", default=[10_000, 32_000])
    ap.add_argument("--sizes", nargs="+", default=["5mb", "full"], choices=["5mb", "full"])
    a = ap.parse_args()
    corpora = {"full": WORK / "fortunes.txt", "5mb": WORK / "fortunes_5mb.txt"}
    for k, p in corpora.items():
        if not p.exists(): build_fortunes_corpus(p, None if k == "full" else 5_000_000)
    print(f"uptime before: {os.getloadavg()}  cores: {a.cores} of {os.cpu_count()}")
    rows = []
    for size in a.sizes:
        path = corpora[size]; mb = path.stat().st_size / 1e6
        for V in a.vocab:
            res = {"ours": [], "hf": []}
            for i in range(a.repeats):
                order = [("ours", OURS), ("hf", HF)] if i % 2 == 0 else [("hf", HF), ("ours", OURS)]
                for name, script in order:
                    res[name].append(run(script, path, V, a.cores))
                    w, m, info = res[name][-1]
                    print(f"  {size:>4} V={V:<6} {name:<4} {w:6.2f} s {m:7.0f} MB  {info}", flush=True)
            best = {k: min(r, key=lambda x: x[0]) for k, r in res.items()}
            (ow, om, oi), (hw, hm, _) = best["ours"], best["hf"]
            rows.append((f"{mb:.1f} MB", V, ow, hw, ow / hw, min(r[1] for r in res["ours"]), min(r[1] for r in res["hf"]),
                         min(r[1] for r in res["ours"]) / min(r[1] for r in res["hf"]),
                         mb / oi["pretokenize_s"] / a.cores, oi["pretokenize_s"], oi["merge_s"]))
    print(f"uptime after: {os.getloadavg()}")
    hdr = ("corpus", "vocab", "ours s", "HF s", "time ratio", "ours MB", "HF MB", "RSS ratio", "pretok MB/s/core", "pretok s", "merge s")
    print("\n| " + " | ".join(hdr) + " |\n|" + "---|" * len(hdr))
    for r in rows:
        print(f"| {r[0]} | {r[1]:,} | {r[2]:.2f} | {r[3]:.2f} | {r[4]:.2f}x | {r[5]:.0f} | {r[6]:.0f} | {r[7]:.2f}x | {r[8]:.2f} | {r[9]:.2f} | {r[10]:.2f} |")

if __name__ == "__main__": main()
