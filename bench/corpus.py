"""Build the Debian `fortunes` benchmark corpus: every quotation, joined with `<|endoftext|>`.

Usage: `python bench/corpus.py OUT_PATH [MAX_BYTES]`, or from Python:

    from bench.corpus import build_fortunes_corpus   # or importlib on this file
    build_fortunes_corpus("bench/_work/fortunes.txt")                  # ~11.5 MB
    build_fortunes_corpus("bench/_work/fortunes_5mb.txt", 5_000_000)   # a prefix that ends on a whole quotation
"""
import os, sys
from pathlib import Path
from llm_scratch.basics import atomic_path

FORTUNES_DIR = Path("/usr/share/games/fortunes")
EOT = "<|endoftext|>"

def fortune_files(root=FORTUNES_DIR):
    "Sorted real quotation files under `root`: skips `.dat` indexes and symlinked duplicates (`x.u8 -> x`, `cz/ -> cs/`)."
    seen, out = set(), []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for f in sorted(filenames):
            if f.endswith(".dat"): continue
            rp = os.path.realpath(os.path.join(dirpath, f))
            if rp in seen or not os.path.isfile(rp): continue
            seen.add(rp); out.append(Path(rp))
    return out

def quotations(path):
    "The quotations of one fortune file (separated by lines holding `%`), without surrounding blank lines."
    text = Path(path).read_bytes().decode("utf-8", errors="replace")
    q, cur = [], []
    for line in text.splitlines(keepends=True):
        if line.rstrip("\r\n") == "%":
            q.append("".join(cur)); cur = []
        else: cur.append(line)
    q.append("".join(cur))
    return [s.strip("\n") for s in q if s.strip()]

def build_fortunes_corpus(out_path, max_bytes=None, root=FORTUNES_DIR):
    "Write all quotations under `root` joined with `<|endoftext|>` to `out_path` (atomically); with `max_bytes`, stop before the quotation that would pass it."
    root = Path(root)
    if not root.is_dir(): raise FileNotFoundError(f"fortunes corpus not installed: {root} (apt-get install fortunes fortunes-de fortunes-es fortunes-it fortunes-cs fortunes-zh)")
    sep, n = EOT.encode(), 0
    with atomic_path(out_path) as tmp, open(tmp, "wb") as f:
        for p in fortune_files(root):
            for q in quotations(p):
                b = q.encode("utf-8")
                add = len(b) + (len(sep) if n else 0)
                if max_bytes is not None and n + add > max_bytes: break
                f.write(sep + b if n else b); n += add
            else: continue
            break
    return Path(out_path)

if __name__ == "__main__":
    import argparse
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out_path", help="the corpus file to write"); ap.add_argument("max_bytes", nargs="?", type=int, help="stop before this size")
    a = ap.parse_args()
    p = build_fortunes_corpus(a.out_path, a.max_bytes)
    print(f"{p}: {p.stat().st_size:,} bytes")
