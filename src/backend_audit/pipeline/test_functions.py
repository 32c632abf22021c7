"""Function facts of test files: made only where the project pass can read them.

`FunctionFacts` (model/frameworks/functions.py) costs as much on a test file as on the application's own,
and test files are often half of a small app's lines. Yet every reader of a file's `functions` facts
either leaves test files out (the endpoint inventory and everything built on it, BA-AUTH-004,
BA-API-*'s own limiter, the GraphQL resolver names of test reach) or reaches a file through the
application code's imports (a handler's callees resolved by the semantic model: BA-AUTH-001's stored
writes, the sanitisers, flag arguments and stores of checks/injection.py). So the per-file pass skips them
on test files when it runs in the scan's own process (a small tree; runner.Plan says why not in workers),
and before the project pass runs, a test file the semantic model could resolve an application name to is
analysed again with them (`needing`: a superset, read from the same import bindings the model follows). A test
module no application binding reaches cannot be read; one that might be is complete, exactly as if
nothing had been skipped.
"""

from __future__ import annotations

from typing import Callable

from ..findings import FileResult


def lacks_functions(fr: FileResult) -> bool:
    """A test file analysed without its function facts (an analysed file always has the key otherwise)."""
    return fr.analysed and bool(fr.fact("is_test")) and "functions" not in fr.facts


def module_parts(path: str) -> tuple[str, ...]:
    """The file's path as dotted parts, as the semantic model names its module: `tests/utils.py` -> (tests,
    utils), `tests/api/__init__.py` -> (tests, api)."""
    parts = (path[:-3] if path.endswith(".py") else path).split("/")
    return tuple(parts[:-1] if parts[-1] == "__init__" else parts)


def _targets(summary: dict) -> list[tuple[str, ...]]:
    """What an application module's names can stand for in the semantic model: every import binding (module
    level and inside functions, relative ones already absolute) and every star import."""
    names = [*(summary.get("imports") or {}).values(), *(summary.get("stars") or ())]
    for fn in (summary.get("functions") or {}).values():
        names += (fn.get("imports") or {}).values() if isinstance(fn, dict) else ()
    return [parts for name in names if (parts := tuple(p for p in str(name).split(".") if p))]


def _overlap(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """One is a prefix of the other: a name inside the module, or a package bound whose attributes reach it."""
    n = min(len(a), len(b))
    return a[:n] == b[:n]


def needing(results: list[FileResult]) -> list[str]:
    """Paths of test files analysed without function facts that the semantic model can resolve an application
    name to. Its import lookup matches a module whose dotted path *ends* with the name (source roots are not
    known), so a binding counts against the test module's path from any folder down: a name inside the
    module, or a package whose attributes reach it. Inside a package's `__init__.py` a bare name stands for
    the submodule of that name, so a non-empty package reaches the modules below it. A test module reached
    passes its own bindings on (a helper re-exporting another's function), up to a fixed point."""
    lacking = {fr.path: fr for fr in results if lacks_functions(fr)}
    if not lacking:
        return []
    by_head: dict[str, list[tuple[str, ...]]] = {}

    def bind(fr: FileResult) -> None:
        targets = _targets(fr.facts.get("semantic") or {})
        if fr.path.endswith("__init__.py") and fr.lines:
            targets.append(module_parts(fr.path))
        for parts in targets:
            if parts:  # the scan root's own `__init__.py` names no module (a package scanned as the root)
                by_head.setdefault(parts[0], []).append(parts)

    tests = []
    for fr in results:
        if fr.analysed and not fr.fact("is_test"):
            bind(fr)
        elif fr.analysed:
            tests.append(fr)
    reached: set[str] = set()
    while True:  # every test module reached, with or without its facts, passes its bindings on
        new = [fr for fr in tests if fr.path not in reached and any(
            _overlap(mine[k:], name) for mine in (module_parts(fr.path),) for k, part in enumerate(mine)
            for name in by_head.get(part, ()))]
        if not new:
            return [path for path in lacking if path in reached]
        for fr in new:
            reached.add(fr.path)
            bind(fr)


def complete(results: list[FileResult], analyse: Callable[[list[str]], dict[str, FileResult]]) -> list[FileResult]:
    """`results` with each test file an application file may import analysed again with its function facts
    (`analyse`: paths -> full results; a path it cannot analyse keeps its result)."""
    paths = needing(results)
    if not paths:
        return results
    again = analyse(paths)
    out = []
    for fr in results:
        full = again.get(fr.path)
        if full is None or not full.analysed or "functions" not in full.facts:
            out.append(fr)
            continue
        digest = getattr(fr, "digest", None)
        if digest is not None:  # the project record keys a file by its per-file pass's facts, as stored
            full.digest = digest
        out.append(full)
    return out
