"""Function facts of test files: made only where the project pass can read them.

`FunctionFacts` (model/frameworks/functions.py) costs as much on a test file as on the application's own,
and test files are often half of a small app's lines. Yet every reader of a file's `functions` facts
either leaves test files out (the endpoint inventory and everything built on it, BA-AUTH-004,
BA-API-*'s own limiter, the GraphQL resolver names of test reach) or reaches a file through the
application code's imports (a handler's callees resolved by the semantic model: BA-AUTH-005's stored
writes, the sanitisers BA-INP-* asks about). So the per-file pass skips them on test files, and before
the project pass runs, a test file that any application file could import is analysed again with them.
The test is a superset of what the semantic model can resolve: an imported module name (or one named in a
string) that matches the test file's dotted path from any folder down, whatever the import roots, or a
relative import that resolves into it or to a package above it. A test module that no application file
names cannot be reached; one that might be is complete, exactly as if nothing had been skipped.
"""

from __future__ import annotations

from typing import Callable, Iterable

from ..findings import FileResult


def lacks_functions(fr: FileResult) -> bool:
    """A test file analysed without its function facts (an analysed file always has the key otherwise)."""
    return fr.analysed and bool(fr.fact("is_test")) and "functions" not in fr.facts


def module_parts(path: str) -> tuple[str, ...]:
    """The file's path as dotted parts: `tests/utils.py` -> (tests, utils), `tests/api/__init__.py` ->
    (tests, api)."""
    parts = (path[:-3] if path.endswith(".py") else path).split("/")
    return tuple(parts[:-1] if parts[-1] == "__init__" else parts)


def _names(fr: FileResult) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    """(absolute module names, relative imports resolved against the file's own path) an application file
    imports. Module names in strings do not count: the semantic model follows import statements only, and
    the readers that resolve a string (settings, urlconfs) leave test files out."""
    absolute: list[tuple[str, ...]] = []
    resolved: list[tuple[str, ...]] = []
    package = module_parts(fr.path)[:-1] if not fr.path.endswith("__init__.py") else module_parts(fr.path)
    for name in fr.fact("imports") or ():
        name = str(name)
        rest = name.lstrip(".")
        level = len(name) - len(rest)
        parts = tuple(p for p in rest.split(".") if p)
        if level and level - 1 <= len(package):
            resolved.append(package[:len(package) - (level - 1)] + parts)
        elif parts:  # absolute, or relative past the scanned root: matched as a name from anywhere
            absolute.append(parts)
    return absolute, resolved


def _overlap(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """One is a prefix of the other (a module and its package, or a name inside the module)."""
    n = min(len(a), len(b))
    return a[:n] == b[:n]


def needing(results: list[FileResult]) -> list[str]:
    """Paths of test files analysed without function facts that an application file may import: an
    absolute name that matches the file's dotted path from any folder down (whatever the import roots
    are), a relative import that resolves into it (or to a package above it), or a non-empty application
    package `__init__.py` above it (the semantic model resolves a package's bare name `tests` to its
    submodule `pkg.tests`)."""
    lacking = [fr for fr in results if lacks_functions(fr)]
    if not lacking:
        return []
    by_head: dict[str, list[tuple[str, ...]]] = {}
    resolved: list[tuple[str, ...]] = []
    packages: list[tuple[str, ...]] = []
    for fr in results:
        if fr.analysed and not fr.fact("is_test"):
            if fr.path.endswith("__init__.py") and fr.lines:
                packages.append(module_parts(fr.path))
            absolute, relative = _names(fr)
            for parts in absolute:
                by_head.setdefault(parts[0], []).append(parts)
            resolved += relative
    out = []
    for fr in lacking:
        mine = module_parts(fr.path)
        if any(mine[:len(p)] == p for p in packages) or any(_overlap(mine, r) for r in resolved) or any(
                _overlap(mine[k:], name) for k, part in enumerate(mine) for name in by_head.get(part, ())):
            out.append(fr.path)
    return out


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
