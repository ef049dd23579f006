"""Check the package's import arrows: each module imports, at module level, only modules of earlier notebooks.

The notebooks are read in filename order (`00_basics`, `00_bpe`, `01_tokenizer`, `01a_data`, ...), and the story
only makes sense if a chapter never needs a later one. A module may still import a later chapter inside a function
(an optional feature such as samples during training); this check reads module-level imports only. It also flags
a module over `--max_lines` lines and a module-level import of an optional heavy library.

    python tools/check_imports.py
"""
import argparse, ast, re, sys
from pathlib import Path

HEAVY = {"matplotlib", "ipywidgets", "tensorboard", "transformers", "tokenizers", "safetensors", "tiktoken", "IPython"}

def notebook_of(py: Path) -> str | None:
    "The notebook a generated module comes from (its first `# %% ../nbs/NAME.ipynb` marker)"
    m = re.search(r"^# %% \.\./nbs/(\S+?)\.ipynb", py.read_text(), re.M)
    return m.group(1) if m else None

def top_imports(py: Path, pkg: str) -> tuple[set[str], set[str]]:
    "Module-level imports of `py`: (our own modules, third-party top-level packages)"
    ours, theirs = set(), set()
    def visit(body):
        for node in body:
            if isinstance(node, ast.ImportFrom):
                if node.level == 1:
                    ours.add((node.module or "").split(".")[0] or next(a.name for a in node.names))
                elif node.module and node.module.split(".")[0] == pkg:
                    ours.add(node.module.split(".")[1] if "." in node.module else next(a.name for a in node.names))
                elif node.module:
                    theirs.add(node.module.split(".")[0])
            elif isinstance(node, ast.Import):
                for a in node.names:
                    top = a.name.split(".")
                    if top[0] == pkg and len(top) > 1:
                        ours.add(top[1])
                    else:
                        theirs.add(top[0])
            elif isinstance(node, (ast.If, ast.Try)):
                visit(node.body)
                visit(getattr(node, "orelse", []))
                visit(getattr(node, "finalbody", []))
                for h in getattr(node, "handlers", []):
                    visit(h.body)
    visit(ast.parse(py.read_text()).body)
    return ours, theirs

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lib", default="llm_scratch")
    ap.add_argument("--max_lines", type=int, default=420)
    a = ap.parse_args()
    lib = Path(a.lib)
    mods = {p.stem: p for p in lib.glob("[!_]*.py")}
    order = {m: notebook_of(p) for m, p in mods.items()}
    problems = []
    for m, p in sorted(mods.items(), key=lambda kv: order[kv[0]] or ""):
        ours, theirs = top_imports(p, lib.name)
        for dep in sorted(ours):
            if dep not in order:
                problems.append(f"{m}: imports unknown module {dep!r}")
                continue
            if (order[dep] or "") >= (order[m] or ""):
                problems.append(f"{m} ({order[m]}) imports {dep} ({order[dep]}): an arrow up the chapter order")
        for h in sorted(theirs & HEAVY):
            problems.append(f"{m}: imports {h} at module level (import it inside the function that uses it)")
        n = len(p.read_text().splitlines())
        if n > a.max_lines:
            problems.append(f"{m}: {n} lines (more than {a.max_lines})")
    for msg in problems:
        print(msg, file=sys.stderr)
    if problems:
        sys.exit(1)
    print(f"import arrows run down the chapter order ({len(mods)} modules, none over {a.max_lines} lines)")

if __name__ == "__main__":
    main()
