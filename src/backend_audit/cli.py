"""The `backend-audit` command. Maps every error to one line and an exit code:
0 clean, 1 findings at or above --fail-on, 2 usage/config error, 3 internal error."""

from __future__ import annotations

import contextlib
import gc
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import click

from . import __version__
from .errors import BackendAuditError, ConfigError
from .findings import LEVEL_RANK
from .reporters.printable import log_line, text_block
from .untrusted.files import inside

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
MAX_STDIN = 5 * 1024 * 1024  # the default max-file-size


class DefaultGroup(click.Group):
    """`backend-audit [PATH...] [options]` means `backend-audit scan [PATH...] [options]`."""

    default_command = "scan"

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "-h", "--version")):
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)


def _split(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(v.strip() for raw in values for v in raw.split(",") if v.strip())


def _rule_ids(values: tuple[str, ...]) -> tuple[str, ...]:
    """Rule ids and prefixes as users type them: `ba-sql` selects BA-SQL-001 (ruff and flake8 are
    case-sensitive, but our ids are all upper case, so nothing is ambiguous)."""
    return tuple(v.upper() for v in _split(values))


# `backend-audit scan --version` works as well as `backend-audit --version`
version_option = click.version_option(__version__, prog_name="backend-audit")


def parse_format(spec: str) -> tuple[str, str | None]:
    from . import reporters

    name, sep, path = spec.partition(":")
    name = name.strip().lower()
    if name not in reporters.REPORTERS:
        raise click.BadParameter(f"unknown format '{name}' (choose from {', '.join(reporters.REPORTERS)})",
                                 param_hint="-f/--format")
    return name, (path or None) if sep else None


def _remember(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    if value:
        ctx.meta[f"backend_audit.{param.name}"] = value
    return value


def scan_options(fn):
    """Options shared by every command that runs a scan."""
    decorators = [
        click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False),
                     help="TOML file with a [tool.backend-audit] table (default: the target's pyproject.toml)."),
        click.option("--select", multiple=True, help="Rule ids or prefixes to enable (comma-separated, repeatable)."),
        click.option("--ignore", multiple=True, help="Rule ids or prefixes to disable; the most specific wins."),
        click.option("--jobs", "-j", type=click.IntRange(min=0), default=None,
                     help="Worker processes (default: one per CPU)."),
        click.option("--exclude", multiple=True, help="gitignore-style patterns to leave out (repeatable)."),
        # Not passed to the command: build_settings reads them from the click context (cache.py).
        click.option("--cache-dir", type=click.Path(path_type=Path, file_okay=False), expose_value=False,
                     callback=_remember, help="Result cache directory (default: .backend-audit-cache in the "
                                              "scanned root)."),
        click.option("--no-cache", is_flag=True, expose_value=False, callback=_remember,
                     help="Analyse every file again; neither read nor write the result cache."),
    ]
    for dec in reversed(decorators):
        fn = dec(fn)
    return fn


force_exclude_option = click.option(
    "--force-exclude", is_flag=True,
    help="Apply the excludes to files named on the command line too (for pre-commit).")


def with_extra(settings, **values: Any):
    """Settings with the given later-stage keys set (None leaves a key as configured)."""
    extra = {**settings.extra, **{k: v for k, v in values.items() if v is not None}}
    return settings.with_(extra=extra) if extra != settings.extra else settings


def agents_option(fn):
    return click.option(
        "--agents", "agents", multiple=True, type=click.Path(path_type=Path, exists=True),
        help="Agent file or folder whose checklists to enforce (repeatable; default: the target's "
             ".claude/agents, else the bundled agents).")(fn)


def checklist_stage(paths: tuple[Path, ...], settings, agents: tuple[Path, ...]):
    """Read the agent files once: their stated thresholds tune the rules, their items become `checklist`."""
    from .catalog import load_rules
    from .compliance.matrix import apply_agent_settings, load_agent_set, postprocessor

    configured = settings.extra.get("agents") or ()
    if isinstance(configured, str):
        configured = (configured,)
    base = Path(settings.config_source).parent if settings.config_source else Path.cwd()
    for spec in agents:
        not_redirected(spec, "--agents")
    explicit = list(agents) or [base / str(p) for p in configured]
    agent_set = load_agent_set(list(paths) or [Path.cwd()], explicit, confine=None if agents else base)
    return apply_agent_settings(settings, agent_set, load_rules()), postprocessor(agent_set)


def build_settings(paths: tuple[Path, ...], config_file: Path | None, select, ignore, jobs, exclude,
                   fail_on: str | None = None, min_level: str | None = None, raw_levels: bool = False):
    from .config import load_settings

    not_redirected(config_file, "--config")
    settings = load_settings(list(paths) or [Path.cwd()], config_file)
    changes: dict[str, Any] = {}
    if select:
        changes["select"] = _rule_ids(select)
    if ignore:
        changes["ignore"] = settings.ignore + _rule_ids(ignore)
    if jobs is not None:
        changes["jobs"] = jobs
    if exclude:
        from .config import check_pattern

        for pattern in _split(exclude):
            check_pattern(pattern, "--exclude")
        changes["exclude"] = settings.exclude + _split(exclude)
    if fail_on:
        changes["fail_on"] = fail_on
    if min_level:
        changes["min_level"] = min_level
    if raw_levels:
        changes["calibrated_levels"] = False
    settings = settings.with_(**changes) if changes else settings
    if LEVEL_RANK.get(settings.fail_on, 0) < LEVEL_RANK[settings.min_level]:
        # the gate would wait for findings the report hides: a contradiction, not a silent pass
        raise click.UsageError(f"fail-on {settings.fail_on} is below min-level {settings.min_level}: "
                               f"hidden findings never fail the run; lower min-level or raise fail-on")
    ctx = click.get_current_context(silent=True)
    meta = ctx.meta if ctx is not None else {}
    cache_dir = meta.get("backend_audit.cache_dir")
    return with_extra(settings, cache_dir=str(cache_dir.resolve()) if cache_dir else None,
                      no_cache=meta.get("backend_audit.no_cache"))


def _progress_factory():
    if not sys.stderr.isatty() or os.environ.get("CI") or os.environ.get("GITHUB_ACTIONS"):
        return None

    def factory(total: int):
        return click.progressbar(length=total, label="scanning", file=sys.stderr, show_pos=True,
                                 show_percent=False, show_eta=False)

    return factory


@click.group(cls=DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]})
@version_option
def cli() -> None:
    """Audit a Python backend against its team's checklists: findings as text, JSON, SARIF, HTML.

    With no command, runs `scan` on the given paths (default: the current directory).
    """


@cli.command()
@version_option
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("-f", "--format", "formats", multiple=True, metavar="FORMAT[:PATH]",
              help="Output format, repeatable: text, json, sarif... Without a path, text goes to stdout and file "
                   "formats to reports/backend-audit.<ext>.")
@click.option("--fail-on", type=click.Choice(["error", "warning", "note", "never"]), default=None,
              help="Lowest level that makes the exit code 1 (default: error).")
@click.option("--min-level", type=click.Choice(["error", "warning", "note"]), default=None,
              help="Lowest level to report (default: note, everything); findings below it are counted as "
                   "suppressed, like baselined ones.")
@click.option("--raw-levels", is_flag=True,
              help="Report every finding at its check's own level, without the blind calibration of "
                   "rules/calibration.yaml (config: calibrated-levels = false).")
@click.option("--strict", is_flag=True, help="Exit 2 when any file could not be analysed.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings reach --fail-on (errors still exit 2/3).")
@click.option("--statistics", is_flag=True, help="Print the number of findings per rule instead of the findings.")
@click.option("-o", "--output", "output", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Write the report to FILE instead of stdout (the one -f format, default text).")
@click.option("-q", "--quiet", is_flag=True, help="Print findings only: no summary, no progress, no 'wrote' lines.")
@click.option("-v", "--verbose", is_flag=True, help="Also print the configuration used and per-stage timings.")
@click.option("--fix/--no-fix", default=None,
              help="Apply the safe fixes, then report what is left (config: fix = true; never implied in CI).")
@click.option("--unsafe-fixes", is_flag=True, default=None,
              help="Also apply (or show) fixes that may change behaviour, such as adding timeout=.")
@click.option("--diff", "show_diff", is_flag=True,
              help="Print the unified diff --fix would apply and write nothing (exit 1 when there is a diff).")
@click.option("--show-fixes", is_flag=True,
              help="Compute fixes for the report even where they are not shown by default (SARIF `fixes`, JSON).")
@click.option("--stdin-filename", default=None, metavar="NAME",
              help="With '-' as the path: the name to report the code read from stdin under (default stdin.py).")
@click.option("--color/--no-color", default=None, help="Colour the text output (default: when on a terminal).")
@click.option("--timings", is_flag=True,
              help="Add wall-clock timings to the JSON output and start/end times to SARIF.")
@click.option("--changed-since", metavar="REF",
              help="Report only findings on lines added or changed since the merge base with REF "
                   "(whole-repo findings only when the change makes them newly true).")
@click.option("--coverage", "coverage_file", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="coverage.xml (Cobertura) or coverage.json to read (default: the one at the project root).")
@click.option("--baseline", "baseline_file", type=click.Path(path_type=Path, dir_okay=False),
              help="Hide the findings recorded in this baseline file (see 'backend-audit baseline create').")
@click.option("--category", default="backend-audit", show_default=True,
              help="SARIF automationDetails.id (as '<category>/'): one per analysis uploaded to GitHub.")
@click.option("--sarif-include-suppressed", is_flag=True,
              help="Keep suppressed findings in SARIF, marked with `suppressions` (not for GitHub upload: "
                   "GitHub would open them as alerts).")
@click.option("--file-timeout", type=click.FloatRange(min=0, min_open=True), default=None, metavar="SECONDS",
              help="Skip a file whose analysis takes longer than this (default: 60).")
@click.option("--include-hidden", is_flag=True,
              help="Scan Python files in hidden folders (.github/, .semgrep/, ...) too; by default they are "
                   "counted as excluded.")
@force_exclude_option
@agents_option
@scan_options
def scan(paths, formats, fail_on, min_level, raw_levels, strict, exit_zero, statistics, output, quiet, verbose, fix, unsafe_fixes, show_diff,
         show_fixes, stdin_filename, color, timings, changed_since, coverage_file, baseline_file, category, sarif_include_suppressed, file_timeout,
         include_hidden, force_exclude, agents, config_file, select, ignore, jobs, exclude) -> None:
    """Scan PATHS (default: the current directory) and report findings. '-' reads one file from stdin."""
    if "-" in [str(p) for p in paths]:
        if len(paths) != 1:
            raise click.BadParameter("'-' (stdin) cannot be combined with other paths", param_hint="PATHS")
        from .config import find_pyproject

        # the code comes from the project in the current directory: its configuration applies
        config_file = config_file or find_pyproject(Path.cwd())
        with stdin_tree(stdin_filename) as (root, target):
            if fix or show_diff:
                raise click.BadParameter("--fix and --diff need files, not stdin", param_hint="--fix/--diff")
            _scan(root, (target,), formats, (fail_on, min_level, raw_levels), strict, exit_zero, statistics, output, quiet, verbose,
                  (False, False, False, show_fixes), color,
                  timings, changed_since, coverage_file, baseline_file, category, sarif_include_suppressed,
                  file_timeout, include_hidden, force_exclude, agents, config_file, select, ignore, jobs, exclude)
        return
    _scan(None, paths, formats, (fail_on, min_level, raw_levels), strict, exit_zero, statistics, output, quiet, verbose,
          (fix, unsafe_fixes, show_diff, show_fixes), color, timings,
          changed_since, coverage_file, baseline_file, category, sarif_include_suppressed, file_timeout,
          include_hidden, force_exclude, agents, config_file, select, ignore, jobs, exclude)


def _scan(stdin_root, paths, formats, gate, strict, exit_zero, statistics, output, quiet, verbose, fixing,
          color, timings, changed_since, coverage_file, baseline_file, category, sarif_include_suppressed, file_timeout,
          include_hidden, force_exclude, agents, config_file, select, ignore, jobs, exclude) -> None:
    from .untrusted import regex_programs

    regex_programs.seed()  # before the modules below compile their patterns at import
    from . import reporters
    from .pipeline.runner import scan as run_scan

    specs = [parse_format(f) for f in formats] or [("text", None)]
    if output is not None:
        if len(specs) != 1 or specs[0][1] is not None:
            raise click.BadParameter("-o/--output takes exactly one -f FORMAT without its own path",
                                     param_hint="-o/--output")
        specs = [(specs[0][0], str(output))]
    destinations = _destinations(specs)
    if not category.strip().strip("/"):
        raise click.BadParameter("must not be empty", param_hint="--category")
    settings = build_settings(paths, config_file, select, ignore, jobs, exclude, *gate)
    for option, value in (("--baseline", baseline_file), ("--coverage", coverage_file)):
        not_redirected(value, option)
    settings = with_extra(settings, changed_since=changed_since, force_exclude=force_exclude or None,
                          include_hidden=include_hidden or None,
                          baseline=str(baseline_file.absolute()) if baseline_file else None,
                          coverage=str(coverage_file.absolute()) if coverage_file else None)
    if file_timeout is not None:
        settings = settings.with_(file_timeout=file_timeout)
    if stdin_root is not None:
        settings = with_extra(settings, stdin_root=str(stdin_root))
    fix, unsafe, show_diff = _fix_mode(settings, *fixing[:3])
    if fix or show_diff or fixing[3] or _fixes_shown(specs, color):
        settings = with_extra(settings, fixes=True)
    settings, post = checklist_stage(paths, settings, agents)
    result = run_scan(list(paths) or [Path.cwd()], settings,
                      progress_factory=None if quiet else _progress_factory(), postprocessors=[post])
    if fix or show_diff:
        result = _apply_fixes(result, settings, paths, post, unsafe, show_diff, quiet)
    if verbose:
        _print_verbose(settings, result)
    options = {"color": use_colour(color, sys.stdout), "timings": timings, "timestamps": timings,
               "category": category, "include_suppressed": sarif_include_suppressed, "quiet": quiet,
               # text output names files as the user would open them: relative to the current directory
               "display_root": None if stdin_root else Path.cwd(), "unsafe_fixes": unsafe}
    for (name, dest), target in zip(specs, destinations):
        module = reporters.get(name)
        content = render_statistics(result) if statistics and name == "text" else module.render(result, options)
        if target is None:
            click.echo(content, nl=False, color=options["color"])  # click strips styles off a non-TTY
            continue
        reporters.write_atomic(target, content, default=dest is None)
        if not quiet:
            click.echo(log_line(f"wrote {name} report to {target}"), err=True)
    if strict and result.files_skipped:
        raise ConfigError(f"{result.files_skipped} file(s) could not be analysed and --strict is set")
    sys.exit(EXIT_FINDINGS if result.failed() and not exit_zero else EXIT_CLEAN)


def _fixes_shown(specs, color) -> bool:
    """Fixes cost a libcst parse per file with a fixable finding: worth it where a person reads them (the
    HTML report, text on a terminal), not in a CI log (--show-fixes asks for them anywhere)."""
    names = {name for name, _ in specs}
    return "html" in names or ("text" in names and sys.stdout.isatty())


def _fix_mode(settings, fix: bool | None, unsafe: bool | None, show_diff: bool) -> tuple[bool, bool, bool]:
    """--fix, or `fix = true` in the config except in CI: a CI job rewrites files only when told to."""
    in_ci = bool(os.environ.get("CI") or os.environ.get("GITHUB_ACTIONS"))
    if fix is None:
        fix = bool(settings.extra.get("fix")) and not in_ci
    if unsafe is None:
        unsafe = bool(settings.extra.get("unsafe_fixes"))
    return bool(fix) and not show_diff, bool(unsafe), show_diff


def _apply_fixes(result, settings, paths, post, unsafe: bool, show_diff: bool, quiet: bool):
    """--diff: print what --fix would change, write nothing, exit 1 on a diff. --fix: write, then scan again
    so the report (and the exit code) say what is left."""
    from .fixes.apply import fix_result, write
    from .fixes.edits import unified_diff
    from .pipeline.runner import analyse_text
    from .pipeline.runner import scan as run_scan

    root = Path(result.root)
    fixed = fix_result(result, lambda rel, text: analyse_text(root, rel, text, settings), unsafe)
    changed = [ff for ff in fixed if ff.changed]
    count = sum(n for ff in changed for n in ff.fixed.values())
    for ff in fixed:
        for why in ff.refused:
            click.echo(f"not fixed: {ff.path}: {why}", err=True)
    if show_diff:
        for ff in changed:
            click.echo(unified_diff(ff.path, ff.before, ff.after), nl=False)
        click.echo(f"would fix {count} finding{'s' if count != 1 else ''} in {len(changed)} "
                   f"file{'s' if len(changed) != 1 else ''}", err=True)
        sys.exit(EXIT_FINDINGS if changed else EXIT_CLEAN)
    write(root, changed)
    if not quiet:
        click.echo(f"fixed {count} finding{'s' if count != 1 else ''} in {len(changed)} "
                   f"file{'s' if len(changed) != 1 else ''}", err=True)
    if not changed:
        return result
    return run_scan(list(paths) or [Path.cwd()], settings, progress_factory=None, postprocessors=[post])


def use_colour(flag: bool | None, stream) -> bool:
    """--color/--no-color first, then NO_COLOR and FORCE_COLOR (no-color.org, force-color.org), then a TTY."""
    if flag is not None:
        return flag
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return stream.isatty()


def render_statistics(result) -> str:
    """ruff's --statistics: one line per rule and level, most findings first."""
    from collections import Counter

    titles = {r.id: r.title for r in result.rules}
    counts = Counter((f.rule_id, f.level) for f in result.active_findings)
    rows = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    lines = [f"{n:>6}  {rid:<14} {level:<8} {titles.get(rid, '')}" for (rid, level), n in rows]
    lines.append(f"{sum(counts.values()):>6}  total")
    return "\n".join(lines) + "\n"


def _print_verbose(settings, result) -> None:
    click.echo(f"config: {settings.config_source or 'defaults (no [tool.backend-audit] found)'}", err=True)
    click.echo(f"rules enabled: {len(result.rules)}; jobs: {settings.effective_jobs()}", err=True)
    for stage, seconds in sorted(result.timings.items()):
        click.echo(f"time {stage}: {seconds:.2f}s", err=True)


@contextlib.contextmanager
def stdin_tree(name: str | None):
    """Code read from stdin, written into a private temporary folder under the name it is reported as."""
    rel = Path(name or "stdin.py")
    if rel.is_absolute() or ".." in rel.parts or not rel.parts:
        raise click.BadParameter("must be a relative path inside the project", param_hint="--stdin-filename")
    data = sys.stdin.buffer.read(MAX_STDIN + 1)
    if len(data) > MAX_STDIN:
        raise ConfigError(f"stdin holds more than {MAX_STDIN} bytes; scan the file instead")
    with tempfile.TemporaryDirectory(prefix="backend-audit-stdin-") as tmp:
        target = Path(tmp) / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        yield Path(tmp), target


def not_redirected(path: Path | None, option: str) -> None:
    """A path typed relative to the current folder names a file of that folder, which in CI is the checkout
    under review: a symlink committed there must not lead the read out of it (`--baseline b.json` with
    b.json -> ~/.config/...). Paths typed absolute or with '..' are followed as given."""
    if path is None or path.is_absolute() or ".." in path.parts:
        return
    if not inside(path, Path.cwd()):
        raise ConfigError(f"{option} {path}: a symlink in the current folder leads outside it; pass the real path")


def _destinations(specs: list[tuple[str, str | None]]) -> list[Path | None]:
    """Each format's file (None: stdout). Two formats naming one file would leave only the last: refused
    before any analysis runs."""
    from . import reporters

    out: list[Path | None] = []
    seen: dict[str, str] = {}
    for name, dest in specs:
        module = reporters.get(name)
        if dest == "-" or (dest is None and module.STREAM):
            out.append(None)
            continue
        default = getattr(module, "DEFAULT_OUTPUT", None) or Path("reports") / f"backend-audit.{module.EXTENSION}"
        target = Path(dest) if dest else Path(default)
        key = os.path.realpath(target)
        if key in seen:
            raise ConfigError(f"-f {seen[key]} and -f {name} both write {target}; give each format its own path")
        seen[key] = name
        out.append(target)
    return out


@cli.group("baseline")
def baseline_group() -> None:
    """Record today's findings so that only new ones are reported (scan --baseline FILE)."""


@baseline_group.command("create")
@version_option
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Where to write the baseline (default: .backend-audit-baseline.json).")
@force_exclude_option
@scan_options
def baseline_create(paths, output, force_exclude, config_file, select, ignore, jobs, exclude) -> None:
    """Scan PATHS and write every unsuppressed finding to a line-free, sorted baseline file."""
    from . import reporters
    from .workflow import baseline
    from .pipeline.runner import scan as run_scan

    settings = build_settings(paths, config_file, select, ignore, jobs, exclude)
    # An existing baseline must not hide what the new one has to record.
    extra = {k: v for k, v in settings.extra.items() if k not in ("baseline", "changed_since")}
    settings = with_extra(settings.with_(extra=extra), force_exclude=force_exclude or None)
    result = run_scan(list(paths) or [Path.cwd()], settings, progress_factory=_progress_factory())
    target = output or Path(baseline.DEFAULT_FILE)
    reporters.write_atomic(target, baseline.render(result.active_findings), default=output is None)
    click.echo(log_line(f"wrote {len(result.active_findings)} baseline entries to {target}"), err=True)


@cli.command()
@version_option
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--quiet", "-q", is_flag=True, help="Only the state per item, without evidence and hints.")
@agents_option
@scan_options
def checklist(paths, fmt, quiet, agents, config_file, select, ignore, jobs, exclude) -> None:
    """Per agent and checklist item: state, checklist keys, rules and finding counts.

    Runs a scan of PATHS (default: the current directory). Exit 1 when any item fails.
    """
    from .compliance.matrix import render_text
    from .pipeline.runner import scan as run_scan

    settings = build_settings(paths, config_file, select, ignore, jobs, exclude)
    settings, post = checklist_stage(paths, settings, agents)
    result = run_scan(list(paths) or [Path.cwd()], settings, progress_factory=_progress_factory(),
                      postprocessors=[post])
    data = result.checklist or {"agents": []}
    if fmt == "json":
        click.echo(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False))
    else:
        click.echo(text_block(render_text(data, verbose=not quiet)), nl=False)
    failed = any(a["summary"].get("fail") for a in data["agents"])
    sys.exit(EXIT_FINDINGS if failed else EXIT_CLEAN)


@cli.command()
@version_option
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              help="text: one line per endpoint; json: the list the JSON report carries as `endpoints`.")
@scan_options
def endpoints(paths, fmt, config_file, select, ignore, jobs, exclude) -> None:
    """List the HTTP endpoints of PATHS: method, path, handler, auth, validation, pagination, rate limit."""
    from .model.frameworks.report import render_endpoints
    from .pipeline.runner import scan as run_scan

    settings = build_settings(paths, config_file, select, ignore, jobs, exclude).with_(select=("BA-AUTH-001",))
    result = run_scan(list(paths) or [Path.cwd()], settings, progress_factory=_progress_factory())
    rendered = render_endpoints(result.endpoints or [], fmt, result.frameworks)
    click.echo(text_block(rendered) if fmt == "text" else rendered, nl=False)


@cli.group()
def rules() -> None:
    """List the rules or show one rule's help."""


@rules.command("list")
@version_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def rules_list(fmt: str) -> None:
    """Every rule: id, level, engine, core, fixable ([*] with --fix, [~] with --unsafe-fixes), title, keys."""
    from .catalog import load_rules

    all_rules = load_rules()
    if fmt == "json":
        click.echo(json.dumps([r.summary() for r in all_rules], indent=2, sort_keys=True))
        return
    for r in all_rules:
        core = "core" if r.core else "    "
        fix = {"safe": "[*]", "unsafe": "[~]"}.get(r.fix or "", "   ")  # [~]: with --unsafe-fixes
        click.echo(f"{r.id:<14} {'/'.join(r.emitted_levels):<18} {r.engine:<8} {core} {fix} {r.title}  "
                   f"[{', '.join(r.checklist)}]")


@rules.command("show")
@version_option
@click.argument("rule_id")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def rules_show(rule_id: str, fmt: str) -> None:
    """One rule's help: what, why, bad example, good example, references."""
    from .catalog import rules_by_id
    from .config import did_you_mean

    rules_map = rules_by_id()
    rule = rules_map.get(rule_id.upper())
    if rule is None:
        raise ConfigError(f"unknown rule id '{rule_id}'{did_you_mean(rule_id.upper(), rules_map)}; "
                          "run 'backend-audit rules list' to see the ids")
    if fmt == "json":
        data = {**rule.summary(), "help": rule.help_markdown()}
        click.echo(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False))
        return
    meta = [f"level: {rule.level}", f"engine: {rule.engine}", f"area: {rule.area}"]
    if rule.security_severity is not None:
        meta.append(f"security-severity: {rule.security_severity}")
    if rule.cwe:
        meta.append("CWE: " + ", ".join(f"CWE-{c}" for c in rule.cwe))
    if rule.checklist:
        meta.append("checklist: " + ", ".join(rule.checklist))
    lines = [f"- {lv}: {rule.levels[lv]}" for lv in rule.emitted_levels if lv in rule.levels]
    for sub, spec in sorted(rule.subchecks.items()):
        keys = f" [checklist: {', '.join(spec['checklist'])}]" if spec.get("checklist") else ""
        lines.append(f"- {rule.id}/{sub} ({spec.get('level', rule.level)}): {spec.get('title', '')}{keys}")
    for c in rule.calibration:
        kind = f"{rule.id}/{c['sub']}" if c["sub"] else rule.id
        lines.append(f"- {c['to']} by blind calibration: {kind} findings the check reports as {c['level']}s "
                     f"({c['real']} of {c['reviewed']} real on {c['projects']} unseen backends; --raw-levels "
                     "keeps the check's level)")
    levels = "\n\n### Levels\n" + "\n".join(lines) if lines else ""
    click.echo(rule.help_markdown().rstrip() + levels + "\n\n" + " · ".join(meta))


def console() -> None:
    """The `backend-audit` command: `main`, then leave without tearing the interpreter down. A scan holds
    every file's facts (hundreds of thousands of small objects); freeing them one by one at exit costs a
    quarter of a second on a 250 kLOC warm scan, for memory the OS takes back at once. Reports are written
    and closed by then; only the standard streams need flushing."""
    code = main()
    programs = sys.modules.get("backend_audit.untrusted.regex_programs")
    if programs is not None:  # a scan ran: keep its patterns' programs (best effort, after the reports)
        try:
            programs.record()
        except Exception:  # noqa: BLE001 - a cache write must not turn a finished scan into a failure
            pass
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`| head`): nothing more can be said
            pass
    os._exit(code)


def main(argv: list[str] | None = None) -> int:
    """Console entry point: run the CLI and turn every failure into one line and an exit code."""
    # A one-shot process: the scan's rare young-generation collections (runner._rare_gc_passes) hold for
    # the reports too, or restoring the default makes the first allocations after the scan pay a full
    # collection over every file's facts (0.08 s of a 250 kLOC warm scan).
    gc.set_threshold(100_000, *gc.get_threshold()[1:])
    try:
        rv = cli.main(args=argv, prog_name="backend-audit", standalone_mode=False)
        return int(rv or 0)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else EXIT_USAGE)
        return code
    except click.exceptions.Abort:
        click.echo("backend-audit: aborted", err=True)
        return EXIT_USAGE
    except click.ClickException as exc:
        click.echo(log_line(f"backend-audit: error: {exc.format_message()} (see 'backend-audit --help')"), err=True)
        return EXIT_USAGE
    except BackendAuditError as exc:
        click.echo(log_line(f"backend-audit: error: {exc}"), err=True)
        return exc.exit_code
    except KeyboardInterrupt:
        click.echo("backend-audit: interrupted", err=True)
        return EXIT_USAGE
    except Exception as exc:  # noqa: BLE001 - the last line of defence: one line, exit 3
        if os.environ.get("BACKEND_AUDIT_DEBUG"):
            raise
        click.echo(log_line(f"backend-audit: internal error: {type(exc).__name__}: {exc} "
                            "(rerun with BACKEND_AUDIT_DEBUG=1 for the traceback and report it)"), err=True)
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
