"""The pipeline: discover → per file (process pool) → project pass → suppress/baseline → ScanResult.

`analyse_file` is the pure map step: plain data in, plain data (FileResult) out. The same function
runs the rule examples in the test suite, so what the tests prove is what the CLI does.
"""

from __future__ import annotations

import ast
import contextlib
import dataclasses
import functools
import gc
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Callable, Iterable

from .. import __version__
from ..catalog import Rule, load_rules
from ..checks import CHANGED_SINCE, PROJECT, WHOLE_REPO, all_checks, has_kind
from ..checks.base import DEFERRED_FINDINGS, AstCheck, BanditCheck, FileContext, ProjectCheck, RadonCheck
from ..config import Selection, Settings, is_test_path, requires_python
from ..records import dataclass
from .discovery import SourceRef, discover, walks_once
from .test_packages import with_test_packages
from ..findings import FileResult, Finding, ScanResult, Skipped, assign_fingerprints
from . import base_prep, helper, syntax, test_functions
from .pytest_plugin import is_test_support
from ..engines import bandit as bandit_engine  # bandit itself is imported only when a file needs it
from .source import SkipFile, read_source


@dataclass(frozen=True)
class Plan:
    """Everything a worker needs, picklable."""

    settings: Settings
    enabled: tuple[str, ...]
    root: str
    # In the scan's own process a native parser crash would take the run down: a file the host's `ast`
    # rejects is then handed back (NeedsIsolation) and goes to a worker for the libcst fallback.
    in_process: bool = False
    # Function facts on test files too. In this process (a small tree) they are left out and made again
    # only for a test file the project pass can read them from (test_functions.py); a worker makes them,
    # as a large tree's application code often binds its root package (`import netbox.models`), which
    # reaches every test module, and completing them there would analyse every test file twice.
    test_functions: bool = False


class NeedsIsolation(Exception):
    """Raised in-process for a file that needs the native grammar fallback: analyse it in a worker."""


@functools.lru_cache(maxsize=2)
def _fact_collectors(test_file: bool = False) -> tuple[type, ...]:
    """The fact collectors of a file; a test file's leave FunctionFacts out (test_functions.py says why)."""
    from ..model import facts
    from ..model.frameworks import FunctionFacts

    return tuple(c for c in facts.collectors() if not (test_file and c is FunctionFacts))


def _symbol_table(tree: ast.Module) -> list[tuple[int, int, str]]:
    out: list[tuple[int, int, str]] = []

    def walk(body: list[ast.stmt], prefix: str) -> None:
        # defs and classes are statements, so only statement lists need walking
        for stmt in body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = f"{prefix}.{stmt.name}" if prefix else stmt.name
                out.append((stmt.lineno, getattr(stmt, "end_lineno", stmt.lineno) or stmt.lineno, name))
                walk(stmt.body, name)
            else:
                for field in _BODIES:
                    inner = getattr(stmt, field, None)
                    if inner:
                        walk(inner, prefix)
                for handler in getattr(stmt, "handlers", ()) or ():
                    walk(handler.body, prefix)
                for case in getattr(stmt, "cases", ()) or ():
                    walk(case.body, prefix)

    try:
        walk(tree.body, "")
    finally:
        walk = None  # noqa: F841 - its cell refers to it: a cycle holding the tree (engines/ast_walk.py)
    return out


_BODIES = ("body", "orelse", "finalbody")


def _parse_ast(src, rel: str) -> tuple[ast.Module | None, BaseException | None]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarnings about scanned code are not ours to print
            return ast.parse(src.data if src.encoding.startswith("utf-8") else src.text, filename=rel), None
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        return None, exc


def _parse_downlevel(text: str, rel: str) -> ast.Module | None:
    """The tree of a file whose only fault on this host is newer syntax that has an older spelling
    (pipeline/downlevel.py), or None."""
    from . import downlevel  # only a file the host's parser rejects needs it

    rewritten = downlevel.rewrite(text)
    if rewritten is None:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(rewritten.text, filename=rel)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _parse_respelled(text: str, rel: str) -> ast.Module | None:
    """The tree of a file whose f-strings need Python 3.12's grammar (engines/fstrings.py), read through
    libcst (so only in a worker), or None. PEP 695/758 forms in the same file are rewritten after it."""
    if sys.version_info >= (3, 12):
        return None
    from ..engines import fstrings

    respelled = fstrings.respell(text)
    if respelled is None:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return ast.parse(respelled, filename=rel)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return _parse_downlevel(respelled, rel)


def _plain_reason(text: str, error: BaseException | None) -> tuple[str, int | None, str | None] | None:
    """The reason a file does not parse when telling it needs no native grammar (so no worker), else None."""
    if isinstance(error, (RecursionError, MemoryError)):
        # CPython refuses pathologically deep expressions (1+1+...+1, a.b.c... thousands long) cleanly;
        # libcst's native parser would go quadratic on them and then overflow its stack, so no fallback
        return (f"expression nested too deeply for Python's own parser ({type(error).__name__}); not analysed",
                None, None)
    line = getattr(error, "lineno", None)
    py2 = syntax.python2_marker(text, line)
    newer = None if py2 and py2[1] == line else syntax.newer_note(text, line)
    if newer:  # newer syntax is never called Python 2 (PEP 758's `except A, B:` looks like it)
        return newer[0], line, newer[1]
    return None


def _why_unparsed(text: str, error: BaseException | None) -> tuple[str, int | None, str | None]:
    """(reason, line, the Python version the file needs or None) for a file the host parser rejects."""
    plain = _plain_reason(text, error)
    if plain is not None:
        return plain
    from ..engines import cst as cst_engine

    host = f"Python {sys.version_info.major}.{sys.version_info.minor}"
    line = getattr(error, "lineno", None)
    try:
        cst_engine.parse(text)
    except cst_engine.CstParseError as exc:
        reason, at = syntax.describe(text, str(exc), exc.line, error)
        return reason, at, None
    # libcst's grammar (several Python versions) accepts it: newer syntax, or a Python 2 form it tolerates
    note = syntax.python2_note(text, line)
    if note:
        return f"the {host} parser rejects this file ({getattr(error, 'msg', error)} at line {line})" + note, line, None
    return (f"valid in a newer Python grammar, but the {host} parser rejects it ({getattr(error, 'msg', error)} "
            f"at line {line}); run backend-audit under a newer Python to analyse it"), line, "newer"


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
    result.lines = src.line_count
    selection = _selection(settings)
    is_test = is_test_path(ref.rel, settings)
    rules, picked, options = _file_plan(plan, selection, selection.ignores_for(ref.rel), is_test)
    ctx = FileContext(path=ref.rel, is_test=is_test, rules=rules, options=options, text=src.text,
                      taint_models=tuple(settings.extra.get("taint_models_data", ())))
    ctx.facts["is_test"] = is_test

    t = time.perf_counter()
    tree, ast_error = _parse_ast(src, ref.rel)
    if tree is None and isinstance(ast_error, SyntaxError):
        tree = _parse_downlevel(src.text, ref.rel)
    result.timings["parse"] = time.perf_counter() - t
    known = None
    if tree is None:
        # in this process only what needs no native parser: libcst's grammar goes to a worker
        known = _plain_reason(src.text, ast_error) if plan.in_process else None
        if plan.in_process and (known is None or known[2] == "3.12"):
            raise NeedsIsolation(ref.rel)
        if isinstance(ast_error, SyntaxError):
            tree = _parse_respelled(src.text, ref.rel)
    if tree is None:
        reason, line, needs = known or _why_unparsed(src.text, ast_error)
        result.skipped.append(Skipped(ref.rel, reason, line=line))
        if needs:
            result.facts = {"needs_python": needs}
        result.analysed = False
        return result
    if not is_test and is_test_support(tree, ref.rel):
        # its fixtures and base test cases run only under a test runner: the checks a test file gets, and
        # test status for the project pass
        is_test = ctx.is_test = ctx.facts["is_test"] = True
        ctx.rules, picked, ctx.options = _file_plan(plan, selection, selection.ignores_for(ref.rel), is_test)
        rules = ctx.rules
    text = src.text
    wanted = [c for c in picked if not getattr(c, "PREFILTER", ()) or _mentions(text, c.PREFILTER)]
    from ..engines import ast_walk

    collectors = list(_fact_collectors(is_test and plan.in_process and not plan.test_functions))
    if any(issubclass(c, RadonCheck) for c in picked):  # radon's complexity (and Halstead), in this walk
        from ..engines.radon import ComplexityCounter, HalsteadCounter

        collectors = [*collectors, ComplexityCounter]
        if any(c.RULE_ID == "BA-QUAL-002" for c in picked):
            collectors.append(HalsteadCounter)
    t = time.perf_counter()
    try:
        ast_walk.run_checks(tree, ctx, [c for c in wanted if issubclass(c, AstCheck)], collectors,
                            max_depth=syntax.MAX_TREE_DEPTH)
    except ast_walk.TooDeep:
        result.skipped.append(Skipped(ref.rel, f"expression nested too deeply (syntax tree deeper than "
                                               f"{syntax.MAX_TREE_DEPTH} levels); not analysed"))
        result.analysed = False
        return result
    except RecursionError:
        result.skipped.append(Skipped(ref.rel, "code nested too deeply for the checks (recursion limit)"))
        result.analysed = False
        return result
    result.timings["ast"] = time.perf_counter() - t
    taint_error = (ctx.facts.get("taint") or {}).get("error")
    if taint_error:
        result.skipped.append(Skipped(ref.rel, taint_error, kind="partial"))
    findings = list(ctx.findings)

    radon_checks = [c for c in picked if issubclass(c, RadonCheck)]
    bandit_checks = [c for c in picked if issubclass(c, BanditCheck)
                     and bandit_engine.may_fire(rules[c.RULE_ID].bandit_tests, text)]
    if radon_checks or bandit_checks:
        ctx.facts["_symbols"] = _symbol_table(tree)  # the enclosing def of a radon or bandit finding
    if radon_checks:
        from ..engines import radon as radon_engine

        t = time.perf_counter()
        radon_findings, radon_errors = radon_engine.run_checks(tree, ctx, radon_checks)
        findings.extend(radon_findings)
        if radon_errors:
            result.skipped.append(Skipped(ref.rel, "radon could not evaluate " + "; ".join(radon_errors),
                                          kind="partial"))
        result.timings["radon"] = time.perf_counter() - t
    if bandit_checks:
        t = time.perf_counter()
        try:
            findings.extend(bandit_engine.run_checks(tree, src.data, ref.abs, ctx, bandit_checks))
        except bandit_engine.BanditFailed as exc:
            result.skipped.append(Skipped(ref.rel, f"bandit could not run: {exc}", kind="partial"))
        result.timings["bandit"] = time.perf_counter() - t
    ctx.facts.pop("_symbols", None)
    ctx.facts.pop("_halstead_volume", None)
    ctx.facts.pop("_complexity", None)
    result.findings = _dedupe(findings)
    # Fixes cost a libcst parse of the file: computed only when they will be shown or applied
    fixable = _fixable_rules() if settings.extra.get("fixes") else frozenset()
    deferred = {key: [Finding.from_dict(d) for d in ctx.facts[key]] for key in DEFERRED_FINDINGS
                if fixable and ctx.facts.get(key)}
    if fixable and any(f.rule_id in fixable for f in [*result.findings, *(f for v in deferred.values() for f in v)]):
        from ..fixes import annotate

        t = time.perf_counter()
        annotate(text, [*result.findings, *(f for v in deferred.values() for f in v)], fixable, ctx.options)
        for key, found in deferred.items():
            ctx.facts[key] = [f.to_dict() for f in found]
        result.timings["fixes"] = time.perf_counter() - t
    result.facts = ctx.facts
    from ..workflow.suppressions import scan_comments

    result.facts["rules_run"] = sorted({c.RULE_ID for c in picked})
    result.facts["suppressions"] = scan_comments(text)
    result.timings["total"] = time.perf_counter() - t0
    return result


# What every file of a scan shares (the rules, the checks its ignores and test status leave, their options):
# made once per scan and kind of file, not once per file (a tenth of a small app's per-file analysis).
# Keyed by the identity of the settings and of the rule pack, which each entry holds on to; read only, by
# checks and fixers alike.
_SHARED: dict[tuple, tuple] = {}


def _selection(settings: Settings) -> Selection:
    pack = load_rules()
    key = ("selection", id(settings), id(pack))
    hit = _SHARED.get(key)
    if hit is None or hit[0] != (settings, pack):
        hit = _remember(key, ((settings, pack), Selection(settings, pack)))
    return hit[1]


def _file_plan(plan: Plan, selection: Selection, per_file_ignores: tuple[str, ...],
               is_test: bool) -> tuple[dict[str, Rule], list[type], dict[str, dict]]:
    """(rules by id, the check classes that run on such a file, the options of its enabled rules)."""
    pack = load_rules()
    # `enabled` by identity too: a caller may hand a list or a set (unhashable), and its order is the checks'
    key = ("file", id(plan.settings), id(pack), id(selection), id(plan.enabled), per_file_ignores, is_test)
    hit = _SHARED.get(key)
    if hit is not None and hit[0] == (plan.settings, pack, selection, plan.enabled):
        return hit[1]
    rules = {r.id: r for r in pack}
    checks = all_checks()
    enabled = [rid for rid in plan.enabled if not per_file_ignores or selection.enabled(rid, per_file_ignores)]
    picked = [cls for rid in enabled for cls in checks.get(rid, ())]
    picked = [c for c in picked if is_test is False or getattr(c, "APPLIES_TO_TESTS", False)]
    made = (rules, picked, {rid: selection.options(rid) for rid in enabled})
    _remember(key, ((plan.settings, pack, selection, plan.enabled), made))
    return made


def _remember(key: tuple, entry: tuple) -> tuple:
    if len(_SHARED) >= 64:  # a long-lived host process scanning with many settings
        _SHARED.clear()
    _SHARED[key] = entry
    return entry


def _mentions(text: str, needles: tuple[str, ...]) -> bool:
    """any(n in text for n in needles), searched in the UTF-8 bytes when the text is not ASCII: CPython's
    substring search in a wide string can take 10 ms for one needle in a 480 KB data module (a UTF-8 needle
    matches the UTF-8 bytes exactly where the needle matches the text: the encoding is self-synchronising)."""
    if text.isascii():
        for n in needles:  # a loop, not any(<genexpr>): about 190 needles per file, a generator step each
            if n in text:
                return True
        return False
    data = _utf8(text)
    return any(n.encode("utf-8", "surrogatepass") in data for n in needles)


@functools.lru_cache(maxsize=1)
def _utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")  # lone surrogates (surrogateescape) keep their place


@functools.lru_cache(maxsize=1)
def _fixable_rules() -> frozenset[str]:
    """Rules whose YAML declares a fix (`fix: safe|unsafe`); their fixers load only when a file needs one."""
    return frozenset(r.id for r in load_rules() if r.fix)


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """One problem, one finding: when our check and bandit flag the same rule on the same line, keep ours."""
    ours = {(f.rule_id, f.line) for f in findings if f.engine == "ast"}
    return [f for f in findings if f.engine != "bandit" or (f.rule_id, f.line) not in ours]


def _worker_init() -> None:
    _worker_env()
    _preload()


def _worker_env() -> None:
    # Rare young-generation passes, as in the scan's parent: at the default threshold (700) the collector ran
    # about 2,500 times per worker over netbox's files, 1.1 s of each worker's 13 s, traversing the trees
    # and facts being built (all acyclic but bandit's). Bandit's trees have cycles: they are still collected,
    # every 100,000 allocations, a few files' worth (peak memory the same on netbox).
    gc.set_threshold(_RARE_GEN0, *_GC_THRESHOLD[1:])
    # bandit parses scanned code too; its SyntaxWarnings ("is" with a literal...) would reach stderr.
    warnings.filterwarnings("ignore", category=SyntaxWarning)


def _preload() -> None:
    # Import once per worker, not once per file (and once in all, when workers are forked).
    load_rules()
    all_checks()
    bandit_engine.silence_logs()
    import bandit.core.manager  # noqa: F401

    from ..engines import ast_walk, radon  # noqa: F401


# A scan this small finishes before worker processes would have started (fork, per-worker first-use
# costs): analyse it in the scan's own process. Past that, workers analyse in parallel. One or two edited
# files (a warm scan's misses) stay here up to a larger size, unless they come to OVERLAP_MIN_BYTES: then a
# worker forked from this process (importing nothing more up front) analyses them while this process loads
# the hits and walks the tree for the project record (a pull-request scan: decodes every cached fact).
IN_PROCESS_MAX_FILES = 64
IN_PROCESS_MAX_BYTES = 256 * 1024
IN_PROCESS_FEW_FILES = 2
IN_PROCESS_FEW_MAX_BYTES = 1024 * 1024


def _run_files(files: list[SourceRef], plan: Plan, jobs: int, progress: Callable[[int], None] | None,
               meanwhile: Callable[[], None] | None = None, overlap: bool = False,
               beside: Callable[[], None] | None = None) -> list[FileResult]:
    """Every file comes back with exactly one FileResult, even when its worker hangs or dies.

    Through worker processes (--jobs 1 included): a native crash in a parser must cost one file, and
    only a separate process survives that. A small set of files is analysed in this process instead,
    under a per-file alarm, with only Python's own `ast` (which never crashes the interpreter on hostile
    input): files that need the native grammar fallback still go to a worker. Results come back in
    `files` order. `beside`: work worth doing only while a worker runs beside this process (after
    `meanwhile`, which is always called); elsewhere it would only add to the wait.
    """
    if not files:  # a warm scan: no worker pool (nor multiprocessing) at all
        if meanwhile is not None:
            meanwhile()
        return []
    if _small(files) and _can_alarm():
        if overlap and _worth_a_worker(files):
            # forked from this process with what it has loaded anyway: the worker imports nothing more
            # up front (bandit only if a file needs it, as in this process)
            _preload_engines()
            return _run_pool(files, plan, jobs, progress, _then(meanwhile, beside), light=True)
        return _run_in_process(files, plan, jobs, progress, meanwhile)
    return _run_pool(files, plan, jobs, progress, meanwhile)


def _then(first: Callable[[], None] | None, second: Callable[[], None] | None) -> Callable[[], None] | None:
    if first is None or second is None:
        return first or second

    def both() -> None:
        first()
        second()
    return both


# `overlap`: the caller's `meanwhile` is long (decoding every cached file's facts for a project pass that
# will run). Misses of at least this many bytes then go to a worker, whose analysis runs beside it on
# another core, instead of one after the other in this process; below it, a worker's start-up costs more
# than the overlap saves.
OVERLAP_MIN_BYTES = 128 * 1024


def _worth_a_worker(files: list[SourceRef]) -> bool:
    return (os.cpu_count() or 1) > 1 and sum(_size(f.abs) for f in files) >= OVERLAP_MIN_BYTES


def _small(files: list[SourceRef]) -> bool:
    if len(files) > IN_PROCESS_MAX_FILES:
        return False
    size = sum(_size(f.abs) for f in files)
    return size <= IN_PROCESS_MAX_BYTES or (len(files) <= IN_PROCESS_FEW_FILES and size <= IN_PROCESS_FEW_MAX_BYTES)


def _can_alarm() -> bool:
    import signal
    import threading

    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


class _FileTimeout(BaseException):
    """Raised by the alarm inside a file's analysis (BaseException: a check's `except Exception` must not
    swallow it)."""


def _run_in_process(files: list[SourceRef], plan: Plan, jobs: int, progress: Callable[[int], None] | None,
                    meanwhile: Callable[[], None] | None) -> list[FileResult]:
    import signal

    if meanwhile is not None:
        meanwhile()
    shared = _worth_a_helper(files, jobs)
    if not shared:
        _preload_engines()
    local = dataclasses.replace(plan, in_process=True)
    timeout = plan.settings.file_timeout
    timeout = timeout if timeout and timeout != float("inf") else None

    def alarm(signum, frame):  # noqa: ARG001
        raise _FileTimeout()

    def one(ref: SourceRef) -> FileResult | None:
        """The file's result; None when it needs a worker (the native grammar fallback)."""
        if timeout:
            signal.setitimer(signal.ITIMER_REAL, timeout)
        try:
            return _safe_analyse(ref, local)
        except NeedsIsolation:
            return None
        except _FileTimeout:
            return _failed_file(ref, f"analysis took longer than the {timeout:g} s per-file time limit "
                                     "(raise --file-timeout to scan it)")
        finally:
            if timeout:
                signal.setitimer(signal.ITIMER_REAL, 0)

    results: list[FileResult | None] = [None] * len(files)
    lost: list[int] = []
    previous = signal.signal(signal.SIGALRM, alarm) if timeout else None
    try:
        if shared:
            lost = _shared_with_helper(files, one, results, progress, timeout)
        else:
            for i, ref in enumerate(files):
                results[i] = one(ref)
                if progress:
                    progress(1)
    finally:
        if timeout:
            signal.signal(signal.SIGALRM, previous)
    isolate = sorted({i for i, fr in enumerate(results) if fr is None} | set(lost))
    if isolate:
        for i, fr in zip(isolate, _run_pool([files[i] for i in isolate], plan, jobs, None, None, light=True)):
            results[i] = fr
    return results  # type: ignore[return-value]


# A helper process costs CPU: its fork, and a copy-on-write fault for every page of the 35-40 MiB heap that
# either process touches afterwards (about a tenth more CPU on a small app's scan, 13,800 page faults instead
# of 7,300). Below this much source that costs more than the files' analysis it takes on.
HELPER_MIN_BYTES = 32 * 1024
HELPER_MIN_FILES = 4


def _worth_a_helper(files: list[SourceRef], jobs: int) -> bool:
    """Only where the helper gets a core of its own: the extra CPU then buys a shorter wait (the analysis
    halved). Where every core is busy (the load leaves none idle: this scan counts one; helper.load_average) it
    would take its CPU from other work and lose even on the wait (2 cores at load 9-10: 1.13 s of wall with
    a helper, 0.98 s without), as `make --load-average` reasons."""
    if jobs < 2 or len(files) < HELPER_MIN_FILES or not helper.can_fork():
        return False
    cpus = helper.usable_cpus()
    return cpus > 1 and helper.load_average() < cpus - 0.5 \
        and sum(_size(f.abs) for f in files) >= HELPER_MIN_BYTES


def _shared_with_helper(files: list[SourceRef], one: Callable[[SourceRef], FileResult | None],
                        results: list[FileResult | None], progress: Callable[[int], None] | None,
                        timeout: float | None) -> list[int]:
    """Analyse `files` here and in a forked helper (helper.py); the indexes of the files the helper lost."""
    from ..untrusted import regex_programs

    order = sorted(range(len(files)), key=lambda i: -_size(files[i].abs))  # the helper takes the large end
    lost: list[int] = []

    def on_result(k: int, fr: FileResult | None) -> None:
        if fr is helper.LOST:
            lost.append(order[k])
            return
        results[order[k]] = fr
        if progress:
            progress(1)

    known = regex_programs.compiled_keys()
    compiled = helper.share(len(order), lambda k: one(files[order[k]]), on_result,
                            farewell=lambda: regex_programs.compiled_keys() - known,
                            wait_limit=2 * timeout + 5 if timeout else None, prepare=_preload_engines)
    if compiled:  # so that the patterns the helper compiled are recorded for the next run too
        regex_programs.adopt(compiled)
    return lost


def _preload_engines() -> None:
    load_rules()
    all_checks()
    from ..engines import ast_walk, radon  # noqa: F401


def _run_pool(files: list[SourceRef], plan: Plan, jobs: int, progress: Callable[[int], None] | None,
              meanwhile: Callable[[], None] | None = None, light: bool = False) -> list[FileResult]:
    """`light`: files the host's parser rejected (the grammar fallback only): workers import nothing
    up front, bandit never loads for them."""
    from .pool import WorkerPool

    # Largest files first so one big file does not finish last on an otherwise idle pool.
    order = sorted(range(len(files)), key=lambda i: -_size(files[i].abs))
    # Analysis is CPU-bound: more workers than 4 per CPU only costs memory (a config asking for
    # jobs = 100000 must not fork-bomb the CI runner).
    jobs = min(jobs, len(files), 4 * (os.cpu_count() or 1))
    pool = WorkerPool(functools.partial(_safe_analyse, plan=plan), _failed_file,
                      jobs=jobs, timeout=plan.settings.file_timeout, init=_worker_env if light else _worker_init,
                      preload=None if light else _preload)
    return pool.run(files, order, progress, meanwhile)


def _failed_file(ref: SourceRef, reason: str) -> FileResult:
    return FileResult(path=ref.rel, analysed=False, skipped=[Skipped(ref.rel, reason)])


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def analyse_text(root: Path, rel: str, text: str, settings: Settings) -> list[Finding]:
    """The findings (with their fixes) of one file's text as if it stood at `rel`: what `--fix` re-checks
    after each round of edits. The text is written to a private temporary folder under the same name."""
    rules_tuple = load_rules()
    plan = Plan(settings=settings, enabled=Selection(settings, rules_tuple).enabled_ids(), root=str(root))
    with tempfile.TemporaryDirectory(prefix="ba-fix-") as tmp:
        copy = Path(tmp) / Path(rel).name  # the name matters (test paths, __init__.py)
        copy.write_text(text, encoding="utf-8", newline="")
        return _safe_analyse(SourceRef(rel, str(copy)), plan).findings


def _safe_analyse(ref: SourceRef, plan: Plan) -> FileResult:
    try:
        return analyse_file(ref, plan)
    except NeedsIsolation:
        raise
    except RecursionError:
        return _failed_file(ref, "code nested too deeply to analyse (recursion limit)")
    except MemoryError:
        return _failed_file(ref, "analysis ran out of memory")
    except Exception as exc:  # a bug in one check must cost one file, not the run
        return _failed_file(ref, f"internal error while analysing: {type(exc).__name__}: {exc}")


def run_project_checks(file_results: list[FileResult], plan: Plan, rules: dict[str, Rule],
                       selection: Selection, root: Path, sections: dict | None = None,
                       model=None, only: set[str] | None = None,
                       reads: dict[str, set[tuple[str, str]]] | None = None, subset: bool = False) -> list[Finding]:
    """`only`: these rule ids alone; `reads`: filled with the watched facts each rule's checks read;
    `subset`: only some files were given (pre-commit): run just the rules that stay sound on any set of
    files (taint: what it cannot follow outside the set is "origin not traced", never a false error)."""
    from ..model.project import ProjectModel

    checks = all_checks()
    project_checks = [cls for rid in _project_rule_ids(plan) if only is None or rid in only
                      for cls in checks[rid] if issubclass(cls, ProjectCheck)
                      and (not subset or getattr(cls, "SOUND_ON_FILE_SUBSET", False))]
    if not project_checks:
        return []
    model = model or ProjectModel.build(root, file_results, plan.settings)
    out: list[Finding] = []
    for cls in project_checks:
        check = cls(rules[cls.RULE_ID], selection.options(cls.RULE_ID))
        if reads is None:
            out.extend(check.run(model))
            continue
        with model.recording() as seen:
            out.extend(check.run(model))
        reads.setdefault(cls.RULE_ID, set()).update(seen)
    if sections is not None:
        sections.update(model.sections)
    return out


def _reads_changed_since(rule_id: str) -> bool:
    return has_kind(rule_id, CHANGED_SINCE)


def _base_project_fingerprints(result: ScanResult, changes, plan: Plan, rules: dict[str, Rule],
                               selection: Selection, root: Path, jobs: int, cache, model,
                               reads: dict[str, set[tuple[str, str]]], keys_now: dict[str, str],
                               git_listing: str | None = None, early: base_prep.Early | None = None,
                               refs: dict[str, SourceRef] | None = None) -> set[str]:
    """The project findings of the merge base (--changed-since). Only files the change touched are
    analysed again, from their base blobs (a blob scanned before, at that path, is a cache hit). Only the
    project rules that read something of those files that differs at the base run again: the others'
    findings at the base are their findings now, as their inputs are equal. When the stored project record
    was made on the base's inputs (the base branch was scanned before), those rules' findings come from it.
    `early`: those inputs, made while a worker analysed the changed files (base_prep), when they fit."""
    from ..workflow import diffscope

    replaced = diffscope.rebuilt(changes)
    # unchanged files are their current selves at the base; a changed test file comes from its base blob
    unchanged = {rel: ref for rel, ref in (refs or {}).items() if rel not in replaced}
    if early is not None and early.fits([fr for fr in result.file_results if fr.path not in replaced]) and \
            not replaced.intersection(test_functions.needing(early.kept + list(early.hits.values()))):
        base = test_functions.complete(early.kept + list(early.hits.values()), _again(unchanged, plan))
    else:
        early = None
        with tempfile.TemporaryDirectory(prefix="ba-base-") as tmp:
            kept, refs = diffscope.base_inputs(result, changes, plan.settings, root, Path(tmp))
            hits: dict[str, FileResult] = {}
            keys: dict[str, str] = {}
            if cache is not None and refs:
                keys = {ref.rel: key for ref in refs if (key := cache.key(ref))}
                for ref in refs:
                    hit = cache.get(keys[ref.rel], ref.rel) if ref.rel in keys else None
                    if hit is not None:
                        hits[ref.rel] = hit
            todo = [ref for ref in refs if ref.rel not in hits]
            fresh = _run_files(todo, plan, jobs, None) if todo else []
            if cache is not None and fresh:
                cache.store(fresh, keys)
            base = test_functions.complete(kept + list(hits.values()) + fresh,
                                           _again({**unchanged, **{ref.rel: ref for ref in refs}}, plan))
    current = _current_project_findings(result)
    project = {f.rule_id.split("/", 1)[0] for f in current}  # the rules whose findings the base decides
    rerun = _affected_rules(project, model, base, reads)
    # rules whose inputs are equal at the base: their findings there are their findings now
    same = {f.fingerprint for f in current if f.rule_id.split("/", 1)[0] not in rerun}
    if not rerun:
        return same
    stored = early.stored if early is not None else \
        base_prep.base_record(cache, root, plan.settings, base, keys_now, git_listing)
    live = rerun if stored is None else {rid for rid in rerun if _reads_changed_since(rid)}
    findings = [f for f in stored["findings"] if f.rule_id.split("/", 1)[0] in rerun - live] if stored else []
    if live:
        findings += run_project_checks(base, plan, rules, selection, root, only=live)
    findings.sort(key=Finding.sort_key)
    assign_fingerprints(findings)
    return same | {f.fingerprint for f in findings}


def _journal():
    from . import project_record

    return project_record.journal()


def _again(refs: dict[str, SourceRef], plan: Plan) -> Callable[[list[str]], dict[str, FileResult]]:
    """Analyse test files again with their function facts (those `refs` holds)."""
    def analyse(paths: list[str]) -> dict[str, FileResult]:
        todo = [refs[p] for p in paths if p in refs]
        full = dataclasses.replace(plan, test_functions=True)
        return {fr.path: fr for fr in _run_files(todo, full, 1, None)}
    return analyse


def _current_project_findings(result: ScanResult) -> list[Finding]:
    return [f for f in result.findings if f.engine == "project"]


def _affected_rules(project: set[str], model, base: list[FileResult],
                    reads: dict[str, set[tuple[str, str]]]) -> set[str]:
    """The project rules a change can affect: all of them when files appear, disappear or stop parsing;
    otherwise those that read a fact of a changed file whose value differs at the base."""
    from ..model.project import ALL, MISSING

    base_facts = {fr.path: fr.facts for fr in base if fr.analysed}
    if set(base_facts) != set(model.facts):
        return set(project)
    affected: set[str] = set()
    for rid in project:
        if rid not in reads:  # not recorded (not a project check's finding): no proof it is unaffected
            affected.add(rid)
            continue
        for path, key in reads[rid]:
            then = base_facts[path] if key == ALL else base_facts[path].get(key, MISSING)
            if model.read_values[(path, key)] != then:
                affected.add(rid)
                break
    return affected


def _project_inputs(cache, root: Path, settings: Settings, file_results: list[FileResult],
                    keys: dict[str, str], git_listing: str | None = None, walked=None):
    if cache is None:
        return None
    from .project_record import Inputs

    return Inputs.of(root, settings, file_results, dict(cache.digests), keys, _record_skip(cache), git_listing,
                     walked)


def _record_skip(cache) -> set[str]:
    """What the project record's tree walk leaves out: the cache directory."""
    return {os.path.realpath(cache.directory)}


def _project_pass(inputs, cache, file_results: list[FileResult], plan: Plan, rules: dict[str, Rule],
                  selection: Selection, root: Path, changes, file_subset: bool, semantic_parts=None,
                  refs: dict[str, SourceRef] | None = None):
    """(model or None, reads, outputs): the project rules' findings, report sections, endpoints and
    frameworks, reused from the cache when this scan's project inputs are those of the stored record.
    `semantic_parts`: the semantic model's per-module parts made ahead (base_prep); `refs`: the scanned
    files by path (a test file an application file may import is analysed again, test_functions.py)."""
    stored = inputs.lookup(cache.project) if inputs is not None else None
    if stored is not None:
        return None, None, stored
    from ..model.frameworks.inventory import build as endpoint_inventory
    from ..model.project import ProjectModel
    from ..model.reachability import terminal_only, unreachable
    from ..model.test_only import test_only
    from ..model.uncalled import uncalled
    from ..checks.repo_text import texts as repo_texts

    with _decoding_facts():
        file_results = test_functions.complete(file_results, _again(refs or {}, plan))
        model = ProjectModel.build(root, file_results, plan.settings)
    model.semantic_parts = semantic_parts
    reads: dict[str, set[tuple[str, str]]] | None = None
    if changes is not None:  # what each project rule reads of the changed files: the base pass needs it
        model.watch(changes.files)
        reads = {}
    sections: dict = {}  # report sections the project pass produced (coverage, ...)
    # what the pass reads keys the record it leaves; without a cache there is no record, and the audit hook
    # the journal installs would run on every event of the rest of the scan for nothing
    with _journal() if inputs is not None else contextlib.nullcontext() as journal:
        found = run_project_checks(file_results, plan, rules, selection, root, sections, model=model,
                                   reads=reads, subset=file_subset)
        inventory = endpoint_inventory(model)
        dead = unreachable(model) if not file_subset else {}
        unused = uncalled(model, functools.partial(repo_texts, model)) if not file_subset else {}
        terminal = terminal_only(model) if not file_subset else {}
        for_tests = test_only(model) if not file_subset else {}
    out = {"findings": found, "sections": sections, "endpoints": inventory.as_dicts() or None,
           "frameworks": inventory.frameworks or None, "unreachable": dead or None, "uncalled": unused or None,
           "terminal": terminal or None, "test_only": for_tests or None}
    if inputs is not None:  # serialised before later stages mark findings (suppressions, fingerprints)
        record = inputs.record(journal, **out)
        if record is not None:
            cache.keep_project(record)
    return model, reads, out


def _scope(targets: list[Path], root: Path) -> tuple[str, ...]:
    """The scanned folders below the root, when they are not the whole repository."""
    out = []
    for target in targets:
        if not target.is_dir():
            continue
        try:
            rel = target.resolve().relative_to(root.resolve()).as_posix()
        except (ValueError, OSError):
            continue
        if rel in ("", "."):
            return ()
        out.append(rel)
    return tuple(sorted(set(out)))


def _project_rule_ids(plan: Plan) -> tuple[str, ...]:
    return tuple(rid for rid in plan.enabled if has_kind(rid, PROJECT))


def _whole_repo_only(rule_ids: tuple[str, ...]) -> tuple[str, ...]:
    """The project rules an explicit file list cannot run (see run_project_checks' `subset`)."""
    return tuple(rid for rid in rule_ids if has_kind(rid, WHOLE_REPO))


_GC_THRESHOLD = gc.get_threshold()
_RARE_GEN0 = 100_000  # allocations between young-generation passes during a scan, in its parent and workers


@contextlib.contextmanager
def _rare_gc_passes():
    """The parent builds hundreds of thousands of small acyclic containers (every file's cached facts);
    at the default threshold the cyclic collector runs thousands of times over that growing heap, about
    a third of loading the cache. Rarer young-generation passes for the scan, the default after; what
    `_decoding_facts` froze is handed back to the collector."""
    before = gc.get_threshold()
    outer = dict(_freezing)
    # counting the frozen objects walks them all: asked once, before this scan froze millions
    _freezing.update(allowed=not gc.get_freeze_count(), done=False)
    gc.set_threshold(_RARE_GEN0, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)
        if _freezing["done"]:
            gc.unfreeze()
        _freezing.update(outer)


# Whether this scan may freeze the objects it decodes (not when the host process froze objects itself),
# and whether it did.
_freezing = {"allowed": False, "done": False}


@contextlib.contextmanager
def _decoding_facts():
    """Decoding every cached file's facts for the project pass makes a few million containers, all acyclic
    (JSON): the cyclic collector traversed them again and again while they were made and while the pass ran
    (0.18 s of a 1.06 s pull-request scan of a 250 kLOC backend). Collection is paused while they are
    made, then they are frozen: later passes skip them; reference counting still frees them, and the scan
    unfreezes them at its end. Left alone outside a scan, and when the host process froze objects itself."""
    if not _freezing["allowed"]:
        yield
        return
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        _freezing["done"] = True
        if enabled:
            gc.enable()


def scan(targets: Iterable[Path], settings: Settings, progress_factory=None,
         use_git: bool = True, postprocessors: Iterable[Callable[[ScanResult], None]] = ()) -> ScanResult:
    from . import git as gitexec

    try:
        with _rare_gc_passes(), gitexec.config_read_once(), walks_once():
            return _scan(list(targets), settings, progress_factory, use_git, postprocessors)
    finally:
        helper.reap()  # a helper of this scan exited long ago: no wait


def _scan(targets: list[Path], settings: Settings, progress_factory,
          use_git: bool, postprocessors: Iterable[Callable[[ScanResult], None]]) -> ScanResult:
    t0 = time.perf_counter()
    targets = list(targets)
    rules_tuple = load_rules()
    rules = {r.id: r for r in rules_tuple}
    selection = Selection(settings, rules_tuple)
    disc = discover(targets, settings, use_git=use_git)
    settings = with_test_packages(settings, [ref.rel for ref in disc.files])
    from ..workflow import diffscope

    changes = diffscope.prepare(disc.root, settings)  # fail fast (shallow clone) before the work
    scope = _scope(targets, disc.root)
    if scope:  # whole-repository rules judge the part that was scanned (backend/), not its neighbours
        settings = settings.with_(extra={**settings.extra, "scope": scope})
    plan = Plan(settings=settings, enabled=selection.enabled_ids(), root=str(disc.root))
    jobs = settings.effective_jobs()
    from .cache import open_cache

    cache_notes: list[str] = []
    cache = open_cache(disc.root, settings, selection, cache_notes)
    found, todo, keys = cache.split(disc.files) if cache else ([], disc.files, {})
    hits: dict[str, FileResult] = {}
    unreadable: list[SourceRef] = []

    # A --changed-since scan always runs the project pass, which reads every file's facts: decode them
    # while the misses (the changed files) are analysed, rather than after.
    decode_facts = changes is not None and bool(found)
    # An explicit file list (pre-commit) cannot judge whole-repo rules: skip them rather than guess.
    file_subset = bool(targets) and all(Path(p).is_file() for p in targets)
    # A plain scan keys its project record by a walk of the tree, which needs no file's result: with a large
    # miss (an edited module) in a worker, this process walks it meanwhile, as it loads the hits.
    keyed = cache is not None and changes is None and not file_subset and bool(found)
    walked: list = [None]

    def load_hits() -> None:  # while the workers analyse the misses
        if cache and found:
            hits.update(cache.load(found, keys)[0])
            unreadable.extend(ref for ref in found if ref.rel not in hits)
            if decode_facts:
                with _decoding_facts():
                    for fr in hits.values():
                        fr.facts  # noqa: B018 (CachedResult decodes on first access)

    early: list[base_prep.Early | None] = [None]

    def prepare_base() -> None:  # only while a worker analyses the changed files: this process would wait
        try:
            early[0] = base_prep.prepare(cache, changes, plan.settings, disc.root, disc.files, hits, todo, keys,
                                         disc.git_listing)
        except Exception:  # noqa: BLE001 (the base pass prepares its inputs itself, and reports what fails)
            early[0] = None

    def walk_tree() -> None:  # only while a worker analyses the misses
        from .project_record import Walked

        try:
            walked[0] = Walked.of(disc.root, {ref.rel for ref in disc.files}, _record_skip(cache))
        except Exception:  # noqa: BLE001 (Inputs.of walks the tree itself, as before)
            walked[0] = None

    if progress_factory is not None and len(todo) > 200:
        with progress_factory(len(todo)) as bar:
            fresh = _run_files(todo, plan, jobs, bar.update, meanwhile=load_hits)
    else:
        fresh = _run_files(todo, plan, jobs, None, meanwhile=load_hits, overlap=decode_facts or keyed,
                           beside=prepare_base if decode_facts else walk_tree if keyed else None)
    if unreadable:  # corrupted or foreign entries: analysed now, and rewritten
        fresh += _run_files(unreadable, plan, jobs, None)
    if cache:
        cache.store(fresh, keys)
    by_path = {**hits, **{fr.path: fr for fr in fresh}}
    file_results = [by_path[ref.rel] for ref in disc.files]
    findings = [f for fr in file_results for f in fr.findings]
    skipped = list(disc.skipped) + [s for fr in file_results for s in fr.skipped]
    t = time.perf_counter()
    inputs = _project_inputs(cache, disc.root, settings, file_results, keys, disc.git_listing, walked[0]) \
        if changes is None and not file_subset else None
    refs = {ref.rel: ref for ref in disc.files}
    model, reads, project = _project_pass(inputs, cache, file_results, plan, rules, selection, disc.root, changes,
                                          file_subset, early[0].semantic if early[0] is not None else None, refs)
    findings.extend(project["findings"])
    if project.get("unreachable") or project.get("uncalled"):
        # per-file findings were made before the project knew what runs
        from ..model import reachability, uncalled

        reachability.demote(findings, project.get("unreachable") or {})
        uncalled.demote(findings, project.get("uncalled") or {})
    if project.get("terminal"):  # likewise for what only a terminal program runs
        from ..model.reachability import demote_offline

        demote_offline(findings, project["terminal"])
    if project.get("test_only"):  # fixture builders inside the package, imported only by tests
        from ..model import test_only

        test_only.demote(findings, project["test_only"])
    from ..workflow import calibration

    calibration.apply(findings, rules, settings)  # the kinds blind reviews found mostly wrong at their level
    sections, endpoints, frameworks = project["sections"], project["endpoints"], project["frameworks"]
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
        files_discovered=len(disc.files) + len({s.path for s in disc.skipped}),
        excluded=dict(sorted(disc.excluded.items())),
        lines_scanned=sum(fr.lines for fr in file_results),
        duration=0.0, fail_on=settings.fail_on, file_results=file_results, timings=timings,
        endpoints=endpoints, frameworks=frameworks,
    )
    for name, value in sections.items():
        if hasattr(result, name):
            setattr(result, name, value)
    needed = [need for fr in file_results if (need := fr.fact("needs_python"))]
    notice = syntax.version_notice(requires_python(disc.root), needed, len(needed))
    if notice:
        result.notifications.append(notice)
    if scope and not file_subset and _project_rule_ids(plan):
        result.notifications.append({"level": "note", "message": "whole-repository rules cover the scanned part "
                                     "only: " + ", ".join(f"{s}/" for s in scope)})
    result.notifications += [{"level": "note", "message": note} for note in cache_notes]
    if file_subset and _whole_repo_only(_project_rule_ids(plan)):
        result.notifications.append({"level": "note", "message": "whole-repository rules skipped: only "
                                     "explicit files were given (scan the repository to run them)"})
    # discover -> files -> project -> calibrate -> suppress -> baseline -> min-level -> changed-since -> caller's postprocessors
    from ..workflow import baseline, levels, suppressions

    suppressions.apply(result, selection, () if file_subset else _project_rule_ids(plan))
    baseline.apply(result, settings)
    levels.apply(result, settings)
    at_base = _base_project_fingerprints(result, changes, plan, rules, selection, disc.root, jobs, cache, model,
                                         reads or {}, keys, disc.git_listing, early[0], refs) \
        if diffscope.needs_base(result, changes) else set()
    diffscope.apply(result, changes, at_base)
    if cache:
        cache.flush()
    for post in postprocessors:
        post(result)
    result.duration = time.perf_counter() - t0
    return result
