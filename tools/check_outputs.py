"""Check that the notebooks keep the outputs a reader sees on the docs site.

Each notebook in nbs/ must hold at least one code cell with saved outputs, be under
1 MB, save no widget state (it would hold the paths and states of the widgets a run made), and show no temporary
directory paths. Run from anywhere: `python tools/check_outputs.py` (exit 1 with one line per problem).
"""
import json, re, sys
from pathlib import Path

NBS = Path(__file__).resolve().parent.parent / "nbs"
MAX_BYTES = 1_000_000
TMP = re.compile(r"/tmp/tmp[\w-]+|/var/folders/")

def problems(path: Path) -> list[str]:
    nb, out = json.loads(path.read_text(encoding="utf-8")), []
    cells = [c for c in nb["cells"] if c["cell_type"] == "code"]
    n = sum(1 for c in cells if c.get("outputs"))
    if n == 0:
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
    found = [p for f in sorted(NBS.glob("*.ipynb")) if not f.name.startswith("_") for p in problems(f)]
    for p in found:
        print(p, file=sys.stderr)
    print(f"{len(list(NBS.glob('*.ipynb')))} notebooks: " + (f"{len(found)} problems" if found else "outputs kept"))
    sys.exit(1 if found else 0)
