"""The one way backend-audit runs git: on a repository that may be hostile.

A scanned tree can carry its own git configuration: a committed folder shaped like a bare repository, or a
delivered `.git/config`. Git reads that configuration and runs commands from it (`core.fsmonitor` on any
index refresh, filter drivers when `git diff` compares work-tree files, external diff and textconv drivers,
pagers, hooks). So every call goes through `run()`, which
  * finds the git binary on absolute PATH entries only (a `git` file in the scanned folder is never run);
  * drops every GIT_* variable (GIT_DIR, GIT_CONFIG_PARAMETERS, GIT_EXTERNAL_DIFF... would redirect git) and
    reads no system or global config, so results do not depend on the runner's HOME;
  * overrides the command-running keys on the command line, which beats the repository's own config;
  * refuses implicit bare repositories (`safe.bareRepository=explicit`);
  * neutralises every filter driver the repository's config defines (see `_filter_overrides`).
`work_tree_root()` accepts a repository only when its git dir is `<root>/.git` (or what a `.git` file
there names), so `core.worktree` cannot move the scan outside the tree.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Iterator

from ..untrusted.files import InputError, read_bounded

# Config that runs programs. Empty values switch them off (git treats an empty command as none).
_HARDENING = (
    "-c", "core.fsmonitor=",
    "-c", "core.hooksPath=/dev/null",
    "-c", "core.pager=cat",
    "-c", "core.sshCommand=",
    "-c", "core.askPass=",
    "-c", "credential.helper=",
    "-c", "diff.external=",
    "-c", "safe.bareRepository=explicit",
    "-c", "protocol.allow=never",
    "-c", "core.quotepath=off",
)
_ENV_KEEP = ("PATH", "LANG", "TMPDIR", "SYSTEMROOT")


class GitUnavailable(Exception):
    """No git binary on an absolute PATH entry."""


@functools.lru_cache(maxsize=1)
def git_binary() -> str:
    # A relative PATH entry ("." or empty) would resolve against the scanned folder (the cwd of every call).
    path = os.pathsep.join(p for p in os.environ.get("PATH", os.defpath).split(os.pathsep) if os.path.isabs(p))
    found = shutil.which("git", path=path)
    if found is None:
        raise GitUnavailable("git not found on PATH")
    return found


def environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k in _ENV_KEEP}
    env.update({
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_OPTIONAL_LOCKS": "0",
        "GIT_PAGER": "cat",
        "PAGER": "cat",
        "GIT_ATTR_NOSYSTEM": "1",
        "LC_ALL": "C",
        # git looks for ~/.gitconfig and ~/.config/git when these are set; point them at nothing.
        "HOME": os.devnull,
        "XDG_CONFIG_HOME": os.devnull,
    })
    return env


@functools.lru_cache(maxsize=1)
def _safe_directories() -> tuple[str, ...]:
    """`-c safe.directory=...` for each entry of the runner's own system and global config: the one setting
    kept from them. actions/checkout adds the workspace there in container jobs, where it is owned by
    another user; without it git would refuse the repository. Reading config runs nothing, and this runs
    from the filesystem root, outside any scanned tree."""
    keep = ("GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM", "GIT_CONFIG_NOSYSTEM")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_") or k in keep}
    env["GIT_TERMINAL_PROMPT"] = "0"

    def config(*args: str) -> subprocess.CompletedProcess | None:
        try:
            return subprocess.run([git_binary(), "config", *args, "--get-all", "safe.directory"],
                                  cwd=os.path.abspath(os.sep), capture_output=True, timeout=30, env=env,
                                  stdin=subprocess.DEVNULL)
        except (OSError, GitUnavailable, subprocess.TimeoutExpired):
            return None

    # One process where git names each entry's scope (2.26+; exit 1 with no entry): a process less in every
    # scan, which a loaded runner pays in waiting. Only the system and global entries count: never a local
    # one, a repository cannot vouch for itself.
    out = config("--show-scope")
    if out is not None and out.returncode in (0, 1) and not out.stderr.strip():
        lines = (line.partition("\t") for line in out.stdout.decode("utf-8", "surrogateescape").splitlines())
        values = [v for scope, _, v in lines if scope in ("system", "global") and v]
    else:  # an older git
        values = []
        for scope in ("--system", "--global"):
            out = config(scope)
            if out is not None:
                values += [v for v in out.stdout.decode("utf-8", "surrogateescape").splitlines() if v]
    return tuple(part for v in values for part in ("-c", f"safe.directory={v}"))


def _base(cwd: Path, timeout: float, args: tuple[str, ...]) -> subprocess.CompletedProcess:
    return subprocess.run([git_binary(), "--no-pager", *_HARDENING, *_safe_directories(), *args], cwd=cwd,
                          capture_output=True, timeout=timeout, env=environment(), stdin=subprocess.DEVNULL)


def _filter_overrides(cwd: Path, timeout: float) -> tuple[str, ...]:
    """`-c filter.<name>.clean=` (and smudge, process) for every filter driver the repository defines: the
    `.gitattributes` of a hostile tree can name one, and `git diff` would run it on work-tree files.
    Reading the config runs nothing. `--includes`: git follows `include.path`/`includeIf` when it diffs, but
    `config --local` alone would not, and a driver defined in an included file would escape."""
    out = _base(cwd, timeout, ("config", "--local", "--includes", "--null", "--name-only", "--get-regexp",
                               r"^filter\."))
    names = set()
    for key in out.stdout.split(b"\0"):
        text = key.decode("utf-8", "surrogateescape").strip()
        head, _, _ = text.rpartition(".")
        if head.startswith("filter.") and head != "filter":
            names.add(head[len("filter."):])
    extra: list[str] = []
    for name in sorted(names):
        for part in ("clean", "smudge", "process"):
            extra += ["-c", f"filter.{name}.{part}="]
        extra += ["-c", f"filter.{name}.required=false"]
    return tuple(extra)


# Inside `config_read_once()`: the filter overrides of each repository, read by its first command, the
# work-tree root of each folder asked about (discovery asks, then BA-SEC-001's listing of the same root), and
# the listing of each work tree's files (discovery's, which BA-SEC-001 asks for again).
_overrides_memo: dict[str, tuple[str, ...]] | None = None
_roots_memo: dict[str, Path | None] | None = None
_listings_memo: dict[str, bytes] | None = None

LISTING = ("ls-files", "-z", "--cached", "--others", "--exclude-standard")
# Raised (sys.audit) with the argv of a git command answered from a scan's memory, not run: the project
# record's journal counts it as run (its record is keyed on what the command answered).
ANSWERED_EVENT = "backend_audit.git"


def listing(root: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    """`git ls-files` (LISTING) of the work tree whose top is `root`: in a scan, run once; a second ask gets
    what the first got (filters=False: the listing reads no file contents)."""
    argv = (*LISTING, "--", ".")  # from the top, `-- .` lists what no pathspec does
    key = os.path.realpath(root)
    memo = _listings_memo
    if memo is not None and key in memo:
        sys.audit(ANSWERED_EVENT, "git", ("git", *argv))  # shaped as subprocess.Popen's (executable, args)
        return subprocess.CompletedProcess(["git", *argv], 0, memo[key], b"")
    out = run(root, *argv, timeout=timeout, filters=False)
    if memo is not None and out.returncode == 0:
        memo[key] = out.stdout
    return out


@contextlib.contextmanager
def config_read_once() -> Iterator[None]:
    """Within the block (one scan), a repository's filter drivers are read once, not before every command
    (a pull-request scan runs about seven), and a folder's work-tree root and a work tree's listing are asked
    once: nothing of ours writes git config, and the scan reads the tree as it was when it started."""
    global _overrides_memo, _roots_memo, _listings_memo
    outer = _overrides_memo, _roots_memo, _listings_memo
    if _overrides_memo is None:
        _overrides_memo, _roots_memo, _listings_memo = {}, {}, {}
    try:
        yield
    finally:
        _overrides_memo, _roots_memo, _listings_memo = outer


def run(cwd: Path, *args: str, timeout: float = 120, filters: bool = True) -> subprocess.CompletedProcess:
    """git `args` in `cwd`, hardened as the module docstring says. Unless `filters=False` (commands that
    never read work-tree contents), the repository's filter drivers are neutralised first.
    Raises GitUnavailable or subprocess.TimeoutExpired."""
    extra: tuple[str, ...] = ()
    if filters:
        memo, key = _overrides_memo, os.path.realpath(cwd)
        if memo is not None and key in memo:
            extra = memo[key]
        else:
            extra = _filter_overrides(cwd, timeout)
            if memo is not None:
                memo[key] = extra
    return _base(cwd, timeout, (*extra, *args))


def work_tree_root(path: Path) -> Path | None:
    """The root of the git work tree holding `path`, or None (no git, not a work tree, a bare-looking folder,
    a git dir that is not `<root>/.git`)."""
    cwd = path if path.is_dir() else path.parent
    memo, key = _roots_memo, os.path.realpath(cwd)
    if memo is not None and key in memo:
        return memo[key]
    root = _work_tree_root(cwd)
    if memo is not None:
        memo[key] = root
    return root


def _work_tree_root(cwd: Path) -> Path | None:
    try:
        out = run(cwd, "rev-parse", "--show-toplevel", "--absolute-git-dir", timeout=30, filters=False)
    except (OSError, GitUnavailable, subprocess.TimeoutExpired):
        return None
    if out.returncode != 0:
        return None
    lines = out.stdout.split(b"\n")
    if len(lines) < 2 or not lines[0] or not lines[1]:
        return None
    top = Path(os.fsdecode(lines[0])).resolve()
    git_dir = Path(os.fsdecode(lines[1])).resolve()
    dot_git = top / ".git"
    if dot_git.is_dir() and not dot_git.is_symlink():
        return top if git_dir == dot_git.resolve() else None
    if dot_git.is_file() and not dot_git.is_symlink():
        # A linked worktree or submodule: `.git` names the git dir ("gitdir: <path>").
        try:
            text = read_bounded(dot_git, 4096).decode("utf-8", errors="replace")
        except (OSError, InputError):
            return None
        if not text.startswith("gitdir:"):
            return None
        named = Path(text[len("gitdir:"):].strip())
        named = named if named.is_absolute() else top / named
        return top if named.resolve() == git_dir else None
    return None
