"""Check the package's import arrows, module sizes and the size of the training chapters' export cells.

The notebooks are read in filename order (`00_basics`, `00_bpe`, `01_tokenizer`, `01a_data`, ...), and the story
only makes sense if a chapter never needs a later one: no module imports a later chapter's module, at module level or
inside a function. The one exception is the training job (`run`), which may use the sampler of `07_sampling`
(`sampling`) for the samples it prints, inside the functions that print them. An import chain that loops (a circle)
is an error too. The check also flags a module over its line limit, a module-level import of an optional heavy
library, an export cell of the training chapters (`06_*`, `06a_*`) over 30 lines, and a line of the package over 120
characters. Ruff checks the line length of bench/ and tools/; for the package it leaves it to this check, because
nbdev writes each module's `__all__` itself and wraps it at 120 characters before it puts `__all__ = ` in front (so its
first line can be 131 long): that line is the one exception.

    python tools/check_imports.py
"""
import argparse
import ast
import json
import re
import sys
from pathlib import Path

HEAVY = {"matplotlib", "ipywidgets", "tensorboard", "transformers", "tokenizers", "safetensors", "tiktoken", "IPython"}
ALLOWED_UP = {("run", "sampling")}  # (module, later module it may import inside a function)
LINE_LIMITS = {"train": 350, "run": 350}  # modules with a limit of their own
CELL_LIMIT, CELL_NOTEBOOKS = 30, ("06_", "06a_")  # export cells of these notebooks hold at most this many lines
LINE_LENGTH = 120


def notebook_of(py: Path) -> str | None:
    "The notebook a generated module comes from (its first `# %% ../nbs/NAME.ipynb` marker)"
    m = re.search(r"^# %% \.\./nbs/(\S+?)\.ipynb", py.read_text(), re.M)
    return m.group(1) if m else None


def _ours(node: ast.AST, pkg: str) -> set[str]:
    "The modules of `pkg` that the import statement `node` names"
    if isinstance(node, ast.ImportFrom):
        if node.level == 1:
            return {(node.module or "").split(".")[0] or a.name for a in node.names}
        if node.module and node.module.split(".")[0] == pkg:
            return {node.module.split(".")[1]} if "." in node.module else {a.name for a in node.names}
        return set()
    return {a.name.split(".")[1] for a in node.names if a.name.split(".")[0] == pkg and "." in a.name}


def _theirs(node: ast.AST, pkg: str) -> set[str]:
    "The other top-level packages that the import statement `node` names"
    if isinstance(node, ast.ImportFrom):
        top = (node.module or "").split(".")[0]
        return {top} if node.level == 0 and top and top != pkg else set()
    return {a.name.split(".")[0] for a in node.names if a.name.split(".")[0] != pkg}


def imports(py: Path, pkg: str) -> tuple[set[str], set[str], set[str]]:
    "(our modules imported at module level, ours imported inside functions, third-party packages at module level)"
    tree = ast.parse(py.read_text())
    top_nodes = set()
    def visit(body):
        for node in body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                top_nodes.add(node)
            elif isinstance(node, (ast.If, ast.Try)):
                for block in (node.body, getattr(node, "orelse", []), getattr(node, "finalbody", [])):
                    visit(block)
                for h in getattr(node, "handlers", []):
                    visit(h.body)
    visit(tree.body)
    top, inner, theirs = set(), set(), set()
    for node in ast.walk(tree):
        if not isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        if node in top_nodes:
            top |= _ours(node, pkg)
            theirs |= _theirs(node, pkg)
        else:
            inner |= _ours(node, pkg)
    return top, inner, theirs


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    "The import loops of `graph` (module -> the modules it imports), each once"
    found, seen = [], set()
    def walk(m, path):
        for dep in sorted(graph.get(m, ())):
            if dep in path:
                loop = path[path.index(dep):]
                key = frozenset(loop)
                if key not in seen:
                    seen.add(key)
                    found.append(loop + [dep])
            elif dep in graph:
                walk(dep, path + [dep])
    for m in sorted(graph):
        walk(m, [m])
    return found


def long_cells(nbs: Path) -> list[str]:
    "The export cells of the training chapters that are over `CELL_LIMIT` lines"
    out = []
    for nb in sorted(nbs.glob("*.ipynb")):
        if not nb.name.startswith(CELL_NOTEBOOKS):
            continue
        for i, c in enumerate(json.loads(nb.read_text(encoding="utf-8"))["cells"]):
            src = "".join(c["source"])
            if c["cell_type"] == "code" and src.startswith("#| export") and len(src.splitlines()) > CELL_LIMIT:
                n = len(src.splitlines())
                out.append(f"{nb.name} cell {i}: an export cell of {n} lines (at most {CELL_LIMIT})")
    return out


def long_lines(py: Path) -> list[str]:
    "The lines of the module `py` over `LINE_LENGTH` characters, but the first line of nbdev's `__all__`"
    return [f"{py}:{i}: {len(line)} characters (at most {LINE_LENGTH})"
            for i, line in enumerate(py.read_text().splitlines(), 1)
            if len(line) > LINE_LENGTH and not line.startswith("__all__ = [")]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lib", default="llm_scratch")
    ap.add_argument("--nbs", default="nbs")
    ap.add_argument("--max_lines", type=int, default=560)
    a = ap.parse_args()
    lib = Path(a.lib)
    mods = {p.stem: p for p in lib.glob("[!_]*.py")}
    order = {m: notebook_of(p) for m, p in mods.items()}
    problems, graph = [], {}
    for m, p in sorted(mods.items(), key=lambda kv: order[kv[0]] or ""):
        top, inner, theirs = imports(p, lib.name)
        graph[m] = top | inner
        for dep in sorted(top | inner):
            where = "at module level" if dep in top else "inside a function"
            if dep not in order:
                problems.append(f"{m}: imports unknown module {dep!r}")
            elif (order[dep] or "") >= (order[m] or "") and (dep in top or (m, dep) not in ALLOWED_UP):
                problems.append(f"{m} ({order[m]}) imports {dep} ({order[dep]}) {where}: an arrow up the chapter order")
        for h in sorted(theirs & HEAVY):
            problems.append(f"{m}: imports {h} at module level (import it inside the function that uses it)")
        n, limit = len(p.read_text().splitlines()), LINE_LIMITS.get(m, a.max_lines)
        if n > limit:
            problems.append(f"{m}: {n} lines (more than {limit})")
        problems += long_lines(p)
    for loop in circles(graph):
        problems.append(f"an import circle: {' -> '.join(loop)}")
    problems += long_cells(Path(a.nbs))
    for msg in problems:
        print(msg, file=sys.stderr)
    if problems:
        sys.exit(1)
    print(f"import arrows run down the chapter order, no circle ({len(mods)} modules, none over its line limit, "
          f"no line over {LINE_LENGTH} characters); no export cell of the training chapters over {CELL_LIMIT} lines")


if __name__ == "__main__":
    main()
