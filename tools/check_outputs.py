"""Check that the notebooks keep the outputs a reader sees on the docs site.

The docs site does not execute notebooks, so a demo cell saved without its output is a blank on the page. Each
chapter (every notebook in nbs/ but index.ipynb, whose quick start is checked by tools/docs.py --check) must hold at
least three code cells whose saved outputs show on its page: not a `#| hide` cell, not one whose output is hidden
(`#| output: false`, `#| include: false`), not one that saves only `show_doc` (nbdev renders those itself).
Every notebook must be under 1 MB, save no widget state (it would hold the paths and states of the widgets a run
made), and show no temporary directory paths. Run from anywhere: `python tools/check_outputs.py` (exit 1 with one
line per problem).
"""
import json, re, sys
from pathlib import Path

NBS = Path(__file__).resolve().parent.parent / "nbs"
MAX_BYTES = 1_000_000
MIN_OUTPUTS = 3  # code cells per chapter whose saved outputs a reader sees
TMP = re.compile(r"/tmp/tmp[\w-]+|/var/folders/")
SHOW_DOC = re.compile(r"^\s*show_doc\(")
HIDDEN = re.compile(r"^#\|\s*(hide\s*$|output:\s*false|include:\s*false)", re.M | re.I)

def _source(c) -> str:
    return "".join(c.get("source", ""))

def shown_outputs(nb: dict) -> int:
    "How many code cells of `nb` save outputs that its docs page shows"
    n = 0
    for c in nb["cells"]:
        if c["cell_type"] != "code" or not c.get("outputs"):
            continue
        src = _source(c)
        if HIDDEN.search(src):
            continue
        lines = [ln for ln in src.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
        if lines and all(SHOW_DOC.match(ln) for ln in lines):
            continue
        n += 1
    return n

def problems(path: Path) -> list[str]:
    nb, out = json.loads(path.read_text(encoding="utf-8")), []
    cells = [c for c in nb["cells"] if c["cell_type"] == "code"]
    n = sum(1 for c in cells if c.get("outputs"))
    shown = shown_outputs(nb)
    if path.name != "index.ipynb" and shown < MIN_OUTPUTS:
        out.append(f"{path.name}: {shown} code cell(s) with saved outputs on its page ({n} with any), "
                   f"at least {MIN_OUTPUTS} wanted (Restart & Run All, then save the demos' outputs)")
    elif n == 0:
        out.append(f"{path.name}: no code cell has saved outputs (Restart & Run All, then save)")
    if path.stat().st_size > MAX_BYTES:
        out.append(f"{path.name}: {path.stat().st_size:,} bytes, over {MAX_BYTES:,} (smaller figures?)")
    if "widgets" in nb.get("metadata", {}):
        out.append(f"{path.name}: saves widget state (execute with --ExecutePreprocessor.store_widget_state=False)")
    for i, c in enumerate(cells):
        for o in c.get("outputs", []):
            text = "".join(o.get("text", "")) + "".join("".join(v) for k, v in o.get("data", {}).items()
                                                        if k.startswith("text/"))
            if m := TMP.search(text):
                out.append(f"{path.name}: code cell {i} shows a temporary path {m.group(0)!r}")
    return out

if __name__ == "__main__":
    nbs = [f for f in sorted(NBS.glob("*.ipynb")) if not f.name.startswith("_")]
    found = [p for f in nbs for p in problems(f)]
    for p in found:
        print(p, file=sys.stderr)
    print(f"{len(nbs)} notebooks: " + (f"{len(found)} problems" if found else "outputs kept"))
    sys.exit(1 if found else 0)
