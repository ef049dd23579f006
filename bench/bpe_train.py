"""BPE training: our `train_bpe` against HF `tokenizers` (`BpeTrainer` + `ByteLevel` pre-tokenizer) on the same file.

Corpus: Debian `fortunes` quotations joined with `<|endoftext|>` (bench/corpus.py), whole (~12.5 MB) and a 5 MB prefix;
vocab 10,000 and 32,000. Each run is its own subprocess, ours and HF alternate, both get the same cores (our
`num_workers`, HF's `RAYON_NUM_THREADS`). Wall time is measured around the subprocess (imports included for both);
CPU time is user + system of the subprocess and its workers (from `wait4`), which other load on a shared machine
disturbs much less than wall time; peak RSS is the peak of the summed RSS of the subprocess and its children, sampled
every 10 ms. The table shows the best
of `--repeats` runs and the ratios ours / HF (below 1 = ours faster / smaller), plus our pre-tokenization rate per
CPU-second (= MB/s on one core; worker CPU time, so load on the machine hardly changes it) and our merge-phase time.
The machine is shared: the load average is printed before and after. Under heavy load, wall time favours HF, whose
threads get a larger share of a busy machine than our single-threaded merge phase; compare CPU time there.

    python bench/bpe_train.py [--repeats 2] [--cores 2] [--vocab 10000 32000] [--sizes full 5mb]
"""
import argparse, json, os, subprocess, sys, time
from pathlib import Path

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

def _children(pid):
    "Direct children of `pid`, from /proc (Linux)"
    kids = []
    for t in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            kids += [int(x) for x in t.read_text().split()]
        except OSError:
            pass
    return kids

def tree_rss(pid):
    "Summed RSS in bytes of `pid` and its descendants, from /proc (0 for processes that are gone)"
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            total += int(Path(f"/proc/{p}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
        todo += _children(p)
    return total

def run(script, path, vocab_size, cores):
    "Run one training in a subprocess; return wall s, CPU s (user+sys, children included), peak tree RSS MB, its output"
    env = dict(os.environ, RAYON_NUM_THREADS=str(cores), TOKENIZERS_PARALLELISM="true")
    t0 = time.perf_counter()
    p = subprocess.Popen([sys.executable, "-c", script, str(path), str(vocab_size), str(cores)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    peak = 0
    while True:
        pid, status, ru = os.wait4(p.pid, os.WNOHANG)  # wait4: this child's rusage, its reaped workers included
        if pid:
            break
        peak = max(peak, tree_rss(p.pid))
        time.sleep(0.01)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    out, err = p.stdout.read(), p.stderr.read()
    if p.returncode:
        raise RuntimeError(f"run failed ({p.returncode}):\n{err}")
    return wall, ru.ru_utime + ru.ru_stime, peak / 2**20, json.loads(out.strip().splitlines()[-1])

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--cores", type=int, default=2)
    ap.add_argument("--vocab", type=int, nargs="+", default=[10_000, 32_000])
    ap.add_argument("--sizes", nargs="+", default=["5mb", "full"], choices=["5mb", "full"])
    a = ap.parse_args()
    corpora = {"full": WORK / "fortunes.txt", "5mb": WORK / "fortunes_5mb.txt"}
    for k, p in corpora.items():
        if not p.exists():
            build_fortunes_corpus(p, None if k == "full" else 5_000_000)
    print(f"uptime before: {os.getloadavg()}  cores: {a.cores} of {os.cpu_count()}")
    rows = []
    for size in a.sizes:
        path = corpora[size]
        mb = path.stat().st_size / 1e6
        for V in a.vocab:
            res = {"ours": [], "hf": []}
            for i in range(a.repeats):
                order = [("ours", OURS), ("hf", HF)] if i % 2 == 0 else [("hf", HF), ("ours", OURS)]
                for name, script in order:
                    res[name].append(run(script, path, V, a.cores))
                    w, c, m, info = res[name][-1]
                    print(f"  {size:>4} V={V:<6} {name:<4} wall {w:6.2f} s  cpu {c:6.2f} s  {m:5.0f} MB  "
                          f"load {os.getloadavg()[0]:.1f}  {info}", flush=True)

            def best(k, j):
                return min(r[j] for r in res[k])
            oi = min(res["ours"], key=lambda r: r[0])[3]
            rows.append((f"{mb:.1f} MB", V,
                         best("ours", 0), best("hf", 0), best("ours", 1), best("hf", 1), best("ours", 2), best("hf", 2),
                         mb / oi["pretokenize_cpu_s"], oi["pretokenize_s"], oi["merge_s"], oi["merge_cpu_s"]))
    print(f"uptime after: {os.getloadavg()}")
    hdr = ("corpus", "vocab", "wall ours s", "wall HF s", "wall ratio", "CPU ours s", "CPU HF s", "CPU ratio",
           "RSS ours MB", "RSS HF MB", "RSS ratio", "pretok MB/CPU-s", "pretok wall s", "merge wall s", "merge CPU s")
    print("\n| " + " | ".join(hdr) + " |\n|" + "---|" * len(hdr))
    for c, V, ow, hw, oc, hc, om, hm, rate, pt, ms, mc in rows:
        print(f"| {c} | {V:,} | {ow:.2f} | {hw:.2f} | {ow / hw:.2f}x "
              f"| {oc:.2f} | {hc:.2f} | {oc / hc:.2f}x "
              f"| {om:.0f} | {hm:.0f} | {om / hm:.2f}x "
              f"| {rate:.1f} | {pt:.2f} | {ms:.2f} | {mc:.2f} |")

if __name__ == "__main__":
    main()
