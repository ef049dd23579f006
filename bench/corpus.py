"""Build the Debian `fortunes` benchmark corpus: every quotation, joined with `<|endoftext|>`.

Usage: `python bench/corpus.py OUT_PATH [MAX_BYTES]`, or from Python:

    from bench.corpus import build_fortunes_corpus   # or importlib on this file
    build_fortunes_corpus("bench/_work/fortunes.txt")                  # ~12.5 MB
    build_fortunes_corpus("bench/_work/fortunes_5mb.txt", 5_000_000)   # a prefix that ends on a whole quotation
"""
from pathlib import Path
from llm_scratch.basics import atomic_path
from llm_scratch.experiments import EOT, FORTUNES_DIR, fortune_files, quotations  # also importable from here

def build_fortunes_corpus(out_path, max_bytes=None, root=FORTUNES_DIR):
    ("Write all quotations under `root` joined with `<|endoftext|>` to `out_path` (atomically); "
     "with `max_bytes`, stop before the quotation that would pass it.")
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"fortunes corpus not installed: {root} (apt-get install fortunes fortunes-de "
                                "fortunes-es fortunes-it fortunes-cs fortunes-zh)")
    sep, n = EOT.encode(), 0
    with atomic_path(out_path) as tmp, open(tmp, "wb") as f:
        for p in fortune_files(root):
            for q in quotations(p):
                b = q.encode("utf-8")
                add = len(b) + (len(sep) if n else 0)
                if max_bytes is not None and n + add > max_bytes:
                    break
                f.write(sep + b if n else b)
                n += add
            else:
                continue
            break
    return Path(out_path)

if __name__ == "__main__":
    import argparse
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out_path", help="the corpus file to write")
    ap.add_argument("max_bytes", nargs="?", type=int, help="stop before this size")
    a = ap.parse_args()
    p = build_fortunes_corpus(a.out_path, a.max_bytes)
    print(f"{p}: {p.stat().st_size:,} bytes")
