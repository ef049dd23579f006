#!/usr/bin/env bash
# Fail when llm_scratch/ differs from what the notebooks export, or a notebook is not clean,
# and import every generated module on its own (exported code must not lean on notebook globals).
set -euo pipefail
cd "$(dirname "$0")/.."
before=$(git status --porcelain -- llm_scratch nbs)
nbdev_export
nbdev_clean
after=$(git status --porcelain -- llm_scratch nbs)
if [ "$before" != "$after" ]; then
  echo "nbdev_export / nbdev_clean changed files: export and clean the notebooks, then commit:" >&2
  diff <(echo "$before") <(echo "$after") >&2 || true
  git --no-pager diff --stat -- llm_scratch nbs >&2
  exit 1
fi
for f in llm_scratch/[!_]*.py; do
  [ -e "$f" ] || continue
  m=$(basename "$f" .py)
  python -c "import llm_scratch.$m" || { echo "import llm_scratch.$m failed on its own" >&2; exit 1; }
done
python tools/check_imports.py
python tools/check_outputs.py
echo "package and notebooks are in sync"
