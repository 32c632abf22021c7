"""The pipeline: discover → per file (process pool) → project pass → suppress/baseline → ScanResult.

`analyse_file` is the pure map step: plain data in, plain data (FileResult) out. The same function
runs the rule examples in the test suite, so what the tests prove is what the CLI does.
"""

from __future__ import annotations

import ast
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from . import __version__
from .catalog import Rule, load_rules
from .checks import all_checks
from .checks.base import BanditCheck, CstCheck, FileContext, ProjectCheck, RadonCheck
from .config import Selection, Settings, is_test_path
from .discovery import SourceRef, discover
from .findings import FileResult, Finding, ScanResult, Skipped, assign_fingerprints
from .source import SkipFile, read_source


@dataclass(frozen=True)
class Plan:
    """Everything a worker needs, picklable."""

    settings: Settings
    enabled: tuple[str, ...]
    root: str


def _fact_collectors() -> list[type]:
    from . import facts

    return facts.collectors()


def _symbol_table(tree: ast.Module) -> list[tuple[int, int, str]]:
    out: list[tuple[int, int, str]] = []

    def walk(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = f"{prefix}.{child.name}" if prefix else child.name
                out.append((child.lineno, getattr(child, "end_lineno", child.lineno) or child.lineno, name))
                walk(child, name)
            else:
                walk(child, prefix)

    walk(tree, "")
    return out


def analyse_file(ref: SourceRef, plan: Plan) -> FileResult:
    t0 = time.perf_counter()
    result = FileResult(path=ref.rel)
    settings = plan.settings
    try:
        src = read_source(ref.rel, ref.abs, settings)
    except SkipFile as exc:
        result.skipped.append(Skipped(ref.rel, str(exc)))
        result.analysed = False
        return result
    result.lines = src.text.count("\n") + (0 if src.text.endswith("\n") or not src.text else 1)
    rules = {r.id: r for r in load_rules()}
    checks = all_checks()
    selection = Selection(settings, tuple(rules.values()))
    per_file_ignores = selection.ignores_for(ref.rel)
    enabled = [rid for rid in plan.enabled if not per_file_ignores or selection.enabled(rid, per_file_ignores)]
    is_test = is_test_path(ref.rel, settings)
    picked = [cls for rid in enabled for cls in checks.get(rid, ())]
    picked = [c for c in picked if is_test is False or getattr(c, "APPLIES_TO_TESTS", False)]
    ctx = FileContext(path=ref.rel, is_test=is_test, rules=rules,
                      options={rid: selection.options(rid) for rid in enabled}, text=src.text)
    ctx.facts["is_test"] = is_test

    from .engines import cst as cst_engine

    t = time.perf_counter()
    try:
        module = cst_engine.parse(src.text)
    except cst_engine.CstParseError as exc:
        result.skipped.append(Skipped(ref.rel, str(exc), line=exc.line))
        result.analysed = False
        result.timings["parse"] = time.perf_counter() - t
        return result
    cst_checks = [c for c in picked if issubclass(c, CstCheck)]
    text = src.text
    cst_checks = [c for c in cst_checks if not c.PREFILTER or any(n in text for n in c.PREFILTER)]
    try:
        cst_engine.run_checks(module, ctx, cst_checks, _fact_collectors())
    except RecursionError:
        result.skipped.append(Skipped(ref.rel, "code nested too deeply for the CST checks"))
        result.analysed = False
        return result
    del module
    ctx.module = None
    result.timings["libcst"] = time.perf_counter() - t
    findings = list(ctx.findings)

    radon_checks = [c for c in picked if issubclass(c, RadonCheck)]
    bandit_checks = [c for c in picked if issubclass(c, BanditCheck)]
    if radon_checks or bandit_checks:
        t = time.perf_counter()
        try:
            tree = ast.parse(src.data if src.encoding.startswith("utf-8") else src.text, filename=ref.rel)
        except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
            names = sorted({c.ENGINE for c in radon_checks + bandit_checks})
            host = f"Python {sys.version_info.major}.{sys.version_info.minor}"
            result.skipped.append(Skipped(
                ref.rel, f"{' and '.join(names)} could not run: the host {host} parser rejects this file "
                         f"({type(exc).__name__}: {getattr(exc, 'msg', exc)}); libcst rules ran", kind="partial"))
            tree = None
        if tree is not None:
            ctx.facts["_symbols"] = _symbol_table(tree)
            from .engines import radon as radon_engine

            findings.extend(radon_engine.run_checks(tree, ctx, radon_checks))
            del tree
            result.timings["radon"] = time.perf_counter() - t
            if bandit_checks:
                from .engines import bandit as bandit_engine

                t = time.perf_counter()
                try:
                    findings.extend(bandit_engine.run_checks(src.data, ref.abs, ctx, bandit_checks))
                except bandit_engine.BanditFailed as exc:
                    result.skipped.append(Skipped(ref.rel, f"bandit could not run: {exc}", kind="partial"))
                result.timings["bandit"] = time.perf_counter() - t
        ctx.facts.pop("_symbols", None)
    result.findings = _dedupe(findings)
    result.facts = ctx.facts
    from .suppressions import scan_comments

    result.facts["rules_run"] = sorted({c.RULE_ID for c in picked})
    result.facts["suppressions"] = scan_comments(text)
    result.timings["total"] = time.perf_counter() - t0
    return result


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """One problem, one finding: when libcst and bandit flag the same rule on the same line, keep libcst's."""
    cst_lines = {(f.rule_id, f.line) for f in findings if f.engine == "libcst"}
    return [f for f in findings if f.engine != "bandit" or (f.rule_id, f.line) not in cst_lines]


def _worker_init() -> None:
    # Import once per worker, not once per file.
    load_rules()
    all_checks()


def _run_files(files: list[SourceRef], plan: Plan, jobs: int,
               progress: Callable[[int], None] | None) -> list[FileResult]:
    if jobs <= 1 or len(files) < 4:
        out = []
        for ref in files:
            out.append(_safe_analyse(ref, plan))
            if progress:
                progress(1)
        return out
    # Largest files first so one big file does not finish last on an otherwise idle pool.
    order = sorted(files, key=lambda r: -_size(r.abs))
    results: dict[str, FileResult] = {}
    chunk = max(1, min(16, len(order) // (jobs * 8) or 1))
    with ProcessPoolExecutor(max_workers=jobs, initializer=_worker_init) as pool:
        for res in pool.map(_safe_analyse, order, [plan] * len(order), chunksize=chunk):
            results[res.path] = res
            if progress:
                progress(1)
    return [results[r.rel] for r in files]


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def _safe_analyse(ref: SourceRef, plan: Plan) -> FileResult:
    try:
        return analyse_file(ref, plan)
    except Exception as exc:  # a bug in one check must cost one file, not the run
        return FileResult(path=ref.rel, analysed=False,
                          skipped=[Skipped(ref.rel, f"internal error while analysing: {type(exc).__name__}: {exc}")])


def run_project_checks(file_results: list[FileResult], plan: Plan, rules: dict[str, Rule],
                       selection: Selection, root: Path, sections: dict | None = None,
                       model=None) -> list[Finding]:
    from .project import ProjectModel

    checks = all_checks()
    project_checks = [cls for rid in _project_rule_ids(plan) for cls in checks[rid] if issubclass(cls, ProjectCheck)]
    if not project_checks:
        return []
    model = model or ProjectModel.build(root, file_results, plan.settings)
    out: list[Finding] = []
    for cls in project_checks:
        out.extend(cls(rules[cls.RULE_ID], selection.options(cls.RULE_ID)).run(model))
    if sections is not None:
        sections.update(model.sections)
    return out


def _project_rule_ids(plan: Plan) -> tuple[str, ...]:
    checks = all_checks()
    return tuple(rid for rid in plan.enabled if any(issubclass(c, ProjectCheck) for c in checks.get(rid, ())))


def scan(targets: Iterable[Path], settings: Settings, progress_factory=None,
         use_git: bool = True, postprocessors: Iterable[Callable[[ScanResult], None]] = ()) -> ScanResult:
    t0 = time.perf_counter()
    targets = list(targets)
    rules_tuple = load_rules()
    rules = {r.id: r for r in rules_tuple}
    selection = Selection(settings, rules_tuple)
    disc = discover(targets, settings, use_git=use_git)
    from . import diffscope

    changes = diffscope.prepare(disc.root, settings)  # fail fast (shallow clone) before the work
    plan = Plan(settings=settings, enabled=selection.enabled_ids(), root=str(disc.root))
    jobs = settings.effective_jobs()
    from .cache import open_cache

    cache = open_cache(disc.root, settings, selection)
    hits, todo, keys = cache.split(disc.files) if cache else ({}, disc.files, {})
    if progress_factory is not None and len(todo) > 200:
        with progress_factory(len(todo)) as bar:
            fresh = _run_files(todo, plan, jobs, bar.update)
    else:
        fresh = _run_files(todo, plan, jobs, None)
    if cache:
        cache.store(fresh, keys)
    by_path = {**hits, **{fr.path: fr for fr in fresh}}
    file_results = [by_path[ref.rel] for ref in disc.files]
    findings = [f for fr in file_results for f in fr.findings]
    skipped = list(disc.skipped) + [s for fr in file_results for s in fr.skipped]
    t = time.perf_counter()
    # An explicit file list (pre-commit) cannot judge whole-repo rules: skip them rather than guess.
    file_subset = bool(targets) and all(Path(p).is_file() for p in targets)
    sections: dict = {}  # report sections the project pass produced (coverage, ...)
    from .frameworks.inventory import build as endpoint_inventory
    from .project import ProjectModel

    model = ProjectModel.build(disc.root, file_results, settings)
    if not file_subset:
        findings.extend(run_project_checks(file_results, plan, rules, selection, disc.root, sections, model=model))
    endpoints = endpoint_inventory(model).as_dicts() or None
    findings.sort(key=Finding.sort_key)
    assign_fingerprints(findings)
    skipped.sort(key=lambda s: (s.path, s.kind, s.reason))
    timings: dict[str, float] = {"project": time.perf_counter() - t}
    for fr in file_results:
        for k, v in fr.timings.items():
            timings[k] = timings.get(k, 0.0) + v
    result = ScanResult(
        root=str(disc.root), tool_version=__version__,
        rules=[rules[i] for i in plan.enabled],
        findings=findings, skipped=skipped,
        files_scanned=sum(1 for fr in file_results if fr.analysed),
        lines_scanned=sum(fr.lines for fr in file_results),
        duration=0.0, fail_on=settings.fail_on, file_results=file_results, timings=timings,
        endpoints=endpoints,
    )
    for name, value in sections.items():
        if hasattr(result, name):
            setattr(result, name, value)
    if file_subset and _project_rule_ids(plan):
        result.notifications.append({"level": "note", "message": "whole-repository rules skipped: only "
                                     "explicit files were given (scan the repository to run them)"})
    # discover -> files -> project -> suppress -> baseline -> changed-since -> caller's postprocessors
    from . import baseline, suppressions

    suppressions.apply(result, selection, () if file_subset else _project_rule_ids(plan))
    baseline.apply(result, settings)
    diffscope.apply(result, changes, plan, selection, disc.root)
    for post in postprocessors:
        post(result)
    result.duration = time.perf_counter() - t0
    return result
