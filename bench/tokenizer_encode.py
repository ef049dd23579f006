"""Encoding throughput of `llm_scratch.tokenizer` (and `llm_scratch.data.encode_file`) against tiktoken with the same
ranks, and memory on a 20 MB file.

Usage: `python bench/tokenizer_encode.py [--vocab_size 10000] [--repeats 3] [--mem_mb 20]
[--corpus fortunes|english|stories]` from the repository root.

1. single process: `Tokenizer.encode` (cold pre-token cache, i.e. a new Tokenizer per run, and warm) and
   `encode_iterable` over the file, against `tiktoken.Encoding.encode` (one thread) on the fortunes corpus (or
   `--corpus`);
2. all cores: `encode_file` (and the `llm_scratch_encode` console script) against tiktoken's single thread, and
   `encode_file` in one process, to show how it scales with the cores;
3. peak memory (RSS, each in a fresh process) of encoding a `--mem_mb` MB file: `encode_file`, `encode_iterable`,
   and tiktoken on the whole text.
Runs alternate ours and the anchor and keep the best of `--repeats`. The vocab is trained with `train_bpe` on the
corpus once and cached under bench/_work/tok/.
"""
import argparse, importlib.util, os, subprocess, sys, time
from pathlib import Path

import numpy as np
import tiktoken

from llm_scratch.basics import atomic_path, cpu_count, script_path
from llm_scratch.bpe import GPT2_PAT, save_vocab_merges, train_bpe
from llm_scratch.data import encode_file
from llm_scratch.tokenizer import Tokenizer

ROOT = Path(__file__).resolve().parent
WORK = ROOT / "_work" / "tok"
EOT = "<|endoftext|>"

ZH = ("chinese", "song100", "tang300")  # the Chinese files among the English ones at the top of the fortunes tree

def build_corpus(name: str) -> Path:
    """The benchmark text `name`: 'fortunes' (bench/corpus.py: all quotations joined with <|endoftext|>), 'english' (its
    English files only: prose, nearly all ASCII) or 'stories' (16.5 MB of the built-in TinyStories-like stories,
    01b_stories)"""
    path = WORK / f"{name if name != 'english' else 'fortunes_english'}.txt"
    if path.exists():
        return path
    if name == "stories":
        from llm_scratch.stories import write_stories
        return write_stories(path, 36_000)
    spec = importlib.util.spec_from_file_location("corpus", ROOT / "corpus.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    if name == "fortunes":
        return mod.build_fortunes_corpus(path)
    files = [p for p in mod.fortune_files() if p.parent == mod.FORTUNES_DIR and p.name.split(".")[0] not in ZH]
    with atomic_path(path) as tmp:
        Path(tmp).write_text(EOT.join(q for p in files for q in mod.quotations(p)), encoding="utf-8")
    return path

def get_tokenizer(corpus: Path, vocab_size: int) -> tuple[Path, Path]:
    vp, mp = WORK / f"{corpus.stem}_{vocab_size}_vocab.json", WORK / f"{corpus.stem}_{vocab_size}_merges.txt"
    if not (vp.exists() and mp.exists()):
        t0 = time.perf_counter()
        vocab, merges = train_bpe(corpus, vocab_size, [EOT])
        save_vocab_merges(vocab, merges, vp, mp)
        print(f"trained a {vocab_size} vocab in {time.perf_counter() - t0:.0f} s", flush=True)
    return vp, mp

def tiktoken_like(tk: Tokenizer) -> tiktoken.Encoding:
    specials = dict(sorted(tk.special_tokens.items(), key=lambda kv: -len(kv[0])))
    ranks = {b: i for i, b in tk.vocab.items() if i not in specials.values()}
    return tiktoken.Encoding("bench", pat_str=GPT2_PAT, mergeable_ranks=ranks, special_tokens=specials)

def best(fn, repeats):
    "(best seconds, last result) over `repeats` runs"
    ts, r = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        r = fn()
        ts.append(time.perf_counter() - t0)
    return min(ts), r

def peak_rss_child(code: str) -> tuple[float, float, str]:
    "Run `code` in a fresh python; (peak RSS MB of that process, of its largest child, stdout)"
    # VmHWM: ru_maxrss would carry over this (big) process's peak through fork + exec
    wrapper = code + ("\nimport resource, re; "
                      "hwm = int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read())[1])"
                      "\nprint('RSS', hwm, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", wrapper], capture_output=True, text=True, check=True).stdout
    line = [ln for ln in out.splitlines() if ln.startswith("RSS")][-1].split()
    return int(line[1]) / 1024, int(line[2]) / 1024, out

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--vocab_size", type=int, default=10_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--mem_mb", type=int, default=20)
    ap.add_argument("--corpus", choices=["fortunes", "english", "stories"], default="fortunes",
                    help="see `build_corpus`")
    args = ap.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    corpus = build_corpus(args.corpus)
    vp, mp = get_tokenizer(corpus, args.vocab_size)
    text = corpus.read_text(encoding="utf-8")
    mb = len(text.encode()) / 1e6
    ncpu = cpu_count()
    print(f"corpus {corpus} ({mb:.1f} MB), vocab {args.vocab_size}, {ncpu} cores, load {os.getloadavg()}", flush=True)

    tok = Tokenizer.from_files(vp, mp, [EOT])
    enc = tiktoken_like(tok)
    ref = enc.encode(text, allowed_special="all")
    assert tok.encode(text) == ref, "ids differ from tiktoken"
    rows = []
    # 1. single process, interleaved: (name, our best seconds, tiktoken's best seconds in the same loop)
    t = dict(tt=float("inf"), cold=float("inf"), warm=float("inf"), iter=float("inf"))
    def stream(tk):
        with open(corpus, encoding="utf-8") as f:
            return sum(1 for _ in tk.encode_iterable(f))
    for _ in range(args.repeats):
        fresh = Tokenizer.from_files(vp, mp, [EOT])
        t["cold"] = min(t["cold"], best(lambda: fresh.encode(text), 1)[0])  # a new tokenizer: cold cache
        t["tt"] = min(t["tt"], best(lambda: enc.encode(text, allowed_special="all"), 1)[0])
        t["warm"] = min(t["warm"], best(lambda: fresh.encode(text), 1)[0])  # the same one again: warm cache
        t["iter"] = min(t["iter"], best(lambda: stream(Tokenizer.from_files(vp, mp, [EOT])), 1)[0])
    rows += [("tiktoken encode, 1 thread", mb / t["tt"], 1.0),
             ("Tokenizer.encode, cold cache", mb / t["cold"], t["tt"] / t["cold"]),
             ("Tokenizer.encode, warm cache", mb / t["warm"], t["tt"] / t["warm"]),
             ("Tokenizer.encode_iterable (file lines), cold cache", mb / t["iter"], t["tt"] / t["iter"])]
    # 2. all cores, interleaved with tiktoken again (the load changes): on the corpus, and on a --mem_mb MB file
    #    (the corpus repeated: more like a big corpus, where the caches fill up and then mostly hit)
    big = WORK / f"{corpus.stem}_{args.mem_mb}mb.txt"
    if not big.exists():
        n = args.mem_mb * 10**6
        with atomic_path(big) as tmp:
            Path(tmp).write_text((text * (n // len(text) + 1))[:n], encoding="utf-8")
    big_text = big.read_text(encoding="utf-8")
    big_mb = len(big_text.encode()) / 1e6
    out = WORK / f"{corpus.stem}.npy"
    t2 = dict(tt=float("inf"), file1=float("inf"), file=float("inf"), cli=float("inf"), tt_big=float("inf"),
              file_big=float("inf"))
    for _ in range(args.repeats):
        t2["tt"] = min(t2["tt"], best(lambda: enc.encode(text, allowed_special="all"), 1)[0])
        t2["file1"] = min(t2["file1"], best(lambda: encode_file(corpus, out, Tokenizer.from_files(vp, mp, [EOT]),
                                                                num_workers=1, progress=False), 1)[0])
        t2["file"] = min(t2["file"], best(lambda: encode_file(corpus, out, Tokenizer.from_files(vp, mp, [EOT]),
                                                              num_workers=ncpu, progress=False), 1)[0])
        t2["cli"] = min(t2["cli"], best(lambda: subprocess.run(
            [script_path("llm_scratch_encode"), corpus, "--vocab_path", vp, "--merges_path", mp, "--out_path", out,
             "--no-progress", "--overwrite"], check=True, capture_output=True), 1)[0])
        t2["tt_big"] = min(t2["tt_big"], best(lambda: enc.encode(big_text, allowed_special="all"), 1)[0])
        t2["file_big"] = min(t2["file_big"], best(lambda: encode_file(big, WORK / "big.npy",
                                                                      Tokenizer.from_files(vp, mp, [EOT]),
                                                                      num_workers=ncpu, progress=False), 1)[0])
    assert (np.load(WORK / "big.npy", mmap_mode="r").tolist()
            == enc.encode(big_text, allowed_special="all")), "encode_file ids differ from tiktoken"
    rows += [("-- all cores: tiktoken encode, 1 thread", mb / t2["tt"], 1.0),
             ("encode_file, 1 process (incl. loading)", mb / t2["file1"], t2["tt"] / t2["file1"]),
             (f"encode_file, {ncpu} workers (incl. loading)", mb / t2["file"], t2["tt"] / t2["file"]),
             (f"llm_scratch_encode CLI, {ncpu} workers (incl. startup)", mb / t2["cli"], t2["tt"] / t2["cli"]),
             (f"-- {big_mb:.0f} MB file: tiktoken encode, 1 thread", big_mb / t2["tt_big"], 1.0),
             (f"encode_file, {ncpu} workers, {big_mb:.0f} MB file", big_mb / t2["file_big"],
              t2["tt_big"] / t2["file_big"])]
    print(f"\nthroughput (best of {args.repeats}; ratio = tiktoken's time / ours, tiktoken timed in the same loop)")
    print(f"{'':56s} {'MB/s':>7s} {'ratio':>7s}")
    for name, v, r in rows:
        print(f"{name:56s} {v:7.2f} {r:7.2f}")

    # 3. memory on the --mem_mb MB file, each in a fresh process
    imp = ("from llm_scratch.tokenizer import Tokenizer; from llm_scratch.data import encode_file; "
           f"tk = Tokenizer.from_files({str(vp)!r}, {str(mp)!r}, [{EOT!r}])")
    base = peak_rss_child(imp)[0]
    mem = [("python + Tokenizer loaded (baseline)", base, 0.0),
           (f"encode_file, {ncpu} workers",
            *peak_rss_child(imp + f"; encode_file({str(big)!r}, {str(WORK / 'big.npy')!r}, tk, "
                                  f"num_workers={ncpu}, progress=False)")[:2]),
           ("encode_file, 1 process",
            *peak_rss_child(imp + f"; encode_file({str(big)!r}, {str(WORK / 'big.npy')!r}, tk, "
                                  f"num_workers=1, progress=False)")[:2]),
           ("encode_iterable over the file (ids counted)",
            *peak_rss_child(imp + f"; print(sum(1 for _ in tk.encode_iterable(open({str(big)!r}, "
                                  "encoding='utf-8'))))")[:2]),
           ("tiktoken encode of the whole text (ids in a list)", *peak_rss_child(
               f"import sys; sys.path.insert(0, {str(ROOT)!r}); from tokenizer_encode import tiktoken_like; " + imp +
               "; enc = tiktoken_like(tk); "
               f"ids = enc.encode(open({str(big)!r}, encoding='utf-8').read(), allowed_special='all'); "
               "print(len(ids))")[:2])]
    print(f"\npeak RSS encoding a {args.mem_mb} MB file "
          "(MB; fresh process each; 'workers' = largest worker, incl. pages shared with main)")
    print(f"{'':52s} {'main':>7s} {'workers':>8s}")
    for name, m, c in mem:
        print(f"{name:52s} {m:7.0f} {c:8.0f}")
    print(f"\nload average after: {os.getloadavg()}")

if __name__ == "__main__":
    main()
