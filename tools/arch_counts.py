"""Issue 22's structure counts, printed as JSON (dev tool; not part of the product).

``python tools/arch_counts.py`` from the repository root:

- ``function_level_own_imports``: Import/ImportFrom of our own packages (or relative) inside a
  function, counted once each, over core, engines, desktop, sync and installer (an AST walk);
- ``any``: the word ``Any`` in those packages' Python files (``grep -rwo Any | wc -l``);
- ``import_cycles``: strongly connected groups of modules in grimp's import graph (function-level
  and ``TYPE_CHECKING`` imports included), with their members.
"""

from __future__ import annotations

import ast
import json
import re
import sys
from pathlib import Path

PACKAGES = ("core", "engines", "desktop", "sync", "installer")
OWN = {*PACKAGES, "resources", "bench", "tests", "devtools", "tools"}


def function_level_imports(root: Path) -> dict[str, int]:
    per: dict[str, int] = {}
    for pkg in PACKAGES:
        for path in sorted((root / pkg).rglob("*.py")):
            seen: set[int] = set()
            for fn in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    continue
                for node in ast.walk(fn):
                    own = (isinstance(node, ast.Import) and any(a.name.split(".")[0] in OWN for a in node.names)) or \
                        (isinstance(node, ast.ImportFrom) and (node.level > 0 or (node.module or "").split(".")[0] in OWN))
                    if own and id(node) not in seen:
                        seen.add(id(node))
                        per[str(path.relative_to(root))] = per.get(str(path.relative_to(root)), 0) + 1
    return per


def any_count(root: Path) -> int:
    return sum(len(re.findall(r"\bAny\b", p.read_text(encoding="utf-8")))
               for pkg in PACKAGES for p in (root / pkg).rglob("*.py"))


def import_cycles() -> list[list[str]]:
    import grimp  # import-linter's graph library (dev dependency)

    sys.setrecursionlimit(100_000)
    graph = grimp.build_graph(*PACKAGES)
    adj = {m: graph.find_modules_directly_imported_by(m) for m in graph.modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in adj[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for m in sorted(adj):
        if m not in index:
            visit(m)
    return out


def main() -> int:
    root = Path.cwd()
    per = function_level_imports(root)
    cycles = import_cycles()
    print(json.dumps({"function_level_own_imports": sum(per.values()),
                      "by_file": dict(sorted(per.items(), key=lambda kv: -kv[1])[:10]),
                      "any": any_count(root), "import_cycles": len(cycles), "cycles": cycles}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
