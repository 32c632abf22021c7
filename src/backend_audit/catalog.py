"""Load the rule pack: one YAML file per rule under rules/<area>/<ID>.yaml, bound to its check by id.

Metadata lives only in YAML, detection logic only in Python. The binding is checked both ways so a
rule without code, or code without a rule, fails loudly (see tests/test_catalog.py).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import field, replace
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .records import dataclass


def safe_load(text: str) -> Any:
    """yaml.safe_load, through libyaml when it is installed (same safe constructor set: ~10x faster). yaml
    is imported here, not at start-up: a scan whose bundled YAML has a JSON copy (parsed_copy) never needs it."""
    import yaml

    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - a SafeLoader


def yaml_errors() -> tuple[type[BaseException], ...]:
    """What reading and parsing a YAML file may raise, for `except yaml_errors():` (Python evaluates it
    only when an exception is being matched, so yaml is not imported for a file that parsed)."""
    import yaml

    return (OSError, yaml.YAMLError, UnicodeDecodeError)

_PKG_DIR = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """Where `rules/` or `agents/` live: inside the wheel, or at the repo root in a source checkout."""
    packaged = _PKG_DIR / "_data" / name
    if packaged.is_dir():
        return packaged
    source = _PKG_DIR.parent.parent / name
    if source.is_dir():
        return source
    raise ConfigError(f"the bundled '{name}' folder is missing from the installation; reinstall backend-audit")


ENGINES = ("ast", "bandit", "radon", "coverage", "project", "meta")


@dataclass(frozen=True)
class Example:
    """One example of a rule's YAML: code it must flag at exact lines (bad), leave silent (good) or fix."""
    rule_id: str
    kind: str  # "bad" | "good"
    index: int
    files: dict[str, str]  # relative path -> code
    # For bad examples: the (path, line) pairs that must be flagged, exactly.
    expected: tuple[tuple[str, int], ...] = ()
    options: dict[str, Any] = field(default_factory=dict)
    # For fixed examples: the files after --fix (--unsafe-fixes for an unsafe fix), byte for byte.
    fixed: dict[str, str] = field(default_factory=dict)
    # For bad examples: the level every finding must carry ("" = any level the rule declares); pins a
    # demotion (a warning where the evidence for an error is missing) as firmly as the lines
    level: str = ""

    @property
    def test_id(self) -> str:
        return f"{self.rule_id}-{self.kind}-{self.index}"


@dataclass(frozen=True)
class Rule:
    """A rule's metadata and help, read from its YAML file; its check class is bound by `id`."""
    id: str
    name: str
    title: str
    message: str
    area: str
    engine: str
    level: str
    core: bool
    status: str
    category: str
    precision: str
    security_severity: float | None
    tags: tuple[str, ...]
    cwe: tuple[int, ...]
    owasp_2021: tuple[str, ...]
    checklist: tuple[str, ...]
    frameworks: tuple[str, ...]
    bandit_tests: tuple[str, ...]
    options: dict[str, Any]
    help: dict[str, Any]
    equivalents: dict[str, Any]
    examples: Sequence[Example]  # a tuple, or built on first use (_Examples)
    source: str  # YAML path, for messages
    fix: str | None = None  # "safe" | "unsafe": a libcst codemod in fixes/ rewrites the flagged node
    # every level a finding of this rule may carry, with when (the default `level` included): what
    # `rules list` and `rules show` print, so a listed level is never a surprise in a report
    levels: dict[str, str] = field(default_factory=dict)
    # sub-checks (properties.sub): their own level, title and, when they enforce fewer checklist keys
    # than the whole rule, their own keys
    subchecks: dict[str, dict[str, Any]] = field(default_factory=dict)
    # kinds of finding blind reviews found mostly wrong at their level (rules/calibration.yaml): each
    # {"sub", "level", "to", "real", "reviewed", "projects"}; the scan reports them at "to"
    calibration: tuple[dict[str, Any], ...] = ()

    @property
    def emitted_levels(self) -> list[str]:
        """Every level the rule may emit, most severe first."""
        found = {self.level, *self.levels, *(s.get("level", self.level) for s in self.subchecks.values()),
                 *(c["to"] for c in self.calibration)}
        return [lv for lv in ("error", "warning", "note") if lv in found]

    def checklist_for(self, sub: str | None) -> tuple[str, ...]:
        """The checklist keys a finding of this rule (or of one of its sub-checks) counts against: a
        sub-check's own keys when its metadata names them, else the rule's."""
        spec = self.subchecks.get(sub or "") or {}
        return tuple(spec.get("checklist") or self.checklist)

    @property
    def is_security(self) -> bool:
        return "security" in self.tags

    @property
    def help_uri(self) -> str:
        return f"https://github.com/backend-audit/backend-audit/blob/main/rules/{self.area}/{self.id}.yaml"

    def example(self, kind: str) -> Example | None:
        for ex in self.examples:
            if ex.kind == kind:
                return ex
        return None

    def help_markdown(self) -> str:
        """What / Why / Example / Use instead / References, as ruff's rule pages and SARIF help.markdown."""
        parts = [f"## {self.id}: {self.title}", "", "### What it does", self.help.get("what", "").strip(), ""]
        parts += ["### Why is this bad?", self.help.get("why", "").strip(), ""]
        bad, good = self.example("bad"), self.example("good")
        if bad:
            parts += ["### Example", "```python", next(iter(bad.files.values())).rstrip(), "```", ""]
        if self.help.get("use_instead"):
            parts += ["### Use instead", self.help["use_instead"].strip(), ""]
        if good:
            if not self.help.get("use_instead"):
                parts += ["### Use instead"]
            parts += ["```python", next(iter(good.files.values())).rstrip(), "```", ""]
        if self.options:
            parts += ["### Options"] + [f"- `{k}` (default `{v}`)" for k, v in sorted(self.options.items())] + [""]
        refs = self.help.get("references") or []
        if refs:
            parts += ["### References"] + [f"- {r}" for r in refs] + [""]
        return "\n".join(parts).strip() + "\n"

    def help_text(self) -> str:
        return self.help_markdown().replace("```python\n", "").replace("```\n", "").replace("### ", "").replace("## ", "")

    def summary(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "title": self.title,
            "level": self.level,
            "levels": self.emitted_levels,
            "engine": self.engine,
            "area": self.area,
            "core": self.core,
            "status": self.status,
            "checklist": list(self.checklist),
            "cwe": list(self.cwe),
            "security_severity": self.security_severity,
            "fix": self.fix,
        }


REQUIRED = ("id", "name", "title", "message", "area", "engine", "level", "help", "examples")


def _examples(rule_id: str, raw: dict[str, Any], source: Path) -> tuple[Example, ...]:
    out: list[Example] = []
    for kind in ("bad", "good", "fixed"):
        for i, ex in enumerate(raw.get(kind) or []):
            path = ex.get("path", "app/example.py")
            if "files" in ex:
                files = {str(k): str(v) for k, v in ex["files"].items()}
            else:
                files = {path: str(ex["code"])}
            expected: list[tuple[str, int]] = []
            for item in ex.get("lines", []) if kind == "bad" else []:
                if isinstance(item, int):
                    expected.append((path if "files" not in ex else ex.get("path", next(iter(files))), item))
                else:
                    p, _, ln = str(item).rpartition(":")
                    expected.append((p, int(ln)))
            if kind == "bad" and not expected:
                raise ConfigError(f"{source}: bad example {i} lists no lines that must be flagged")
            fixed = {path: str(ex["fixed"])} if kind == "fixed" else {}
            out.append(Example(rule_id, kind, i, files, tuple(sorted(expected)), dict(ex.get("options") or {}),
                               fixed, str(ex.get("level") or "") if kind == "bad" else ""))
    return tuple(out)


class _Examples(Sequence):
    """A rule's examples, built when first asked for (the rule-example tests, `rules show`, the help in SARIF
    and HTML): a scan never reads them, and they are 60% of the rule pack's bytes, so the pack a scan loads
    leaves them out (`_rule_copies`). A bad example that lists no lines is refused then, not at load."""

    def __init__(self, rule_id: str, path: Path, paths: tuple[Path, ...]) -> None:
        self._rule_id, self._path, self._paths = rule_id, path, paths
        self._items: tuple[Example, ...] | None = None

    def _built(self) -> tuple[Example, ...]:
        if self._items is None:
            raw = _whole_pack(self._paths).get(str(self._path))
            if not isinstance(raw, dict) or "examples" not in raw:
                try:
                    raw = safe_load(self._path.read_text(encoding="utf-8"))
                except yaml_errors() as exc:
                    raise ConfigError(f"cannot read rule file {self._path}: {exc}") from None
            if not isinstance(raw, dict) or "examples" not in raw:
                raise ConfigError(f"rule file {self._path} lacks examples")
            self._items = _examples(self._rule_id, raw["examples"], self._path)
        return self._items

    def __getitem__(self, index):
        return self._built()[index]

    def __iter__(self):
        return iter(self._built())

    def __len__(self) -> int:
        return len(self._built())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, (tuple, _Examples)) and self._built() == tuple(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(self._built())


def _load_rule(path: Path, raw: Any = None, lazy_examples: tuple[Path, ...] | None = None) -> Rule:
    """The rule of one YAML file; with `lazy_examples` (the pack's paths), `raw` lacks its examples and they
    are read from the pack's copy when first asked for."""
    if raw is None:
        try:
            raw = safe_load(path.read_text(encoding="utf-8"))
        except yaml_errors() as exc:  # evaluated only when something was raised: yaml is imported by then
            raise ConfigError(f"cannot read rule file {path}: {exc}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"rule file {path} is not a mapping")
    missing = [k for k in REQUIRED if k not in raw and not (k == "examples" and lazy_examples)]
    if missing:
        raise ConfigError(f"rule file {path} lacks {', '.join(missing)}")
    if raw["engine"] not in ENGINES:
        raise ConfigError(f"rule file {path}: unknown engine {raw['engine']!r}")
    return Rule(
        id=raw["id"],
        name=raw["name"],
        title=raw["title"],
        message=raw["message"],
        area=raw["area"],
        engine=raw["engine"],
        level=raw["level"],
        core=bool(raw.get("core", False)),
        status=raw.get("status", "stable"),
        category=raw.get("category", "security" if "security" in (raw.get("tags") or []) else "maintainability"),
        precision=raw.get("precision", "high"),
        security_severity=raw.get("security_severity"),
        tags=tuple(raw.get("tags") or ()),
        cwe=tuple(int(c) for c in raw.get("cwe") or ()),
        owasp_2021=tuple(str(o) for o in raw.get("owasp_2021") or ()),
        checklist=tuple(raw.get("checklist") or ()),
        frameworks=tuple(raw.get("frameworks") or ("any",)),
        bandit_tests=tuple(raw.get("bandit_tests") or ()),
        options=dict(raw.get("options") or {}),
        help=dict(raw["help"]),
        equivalents=dict(raw.get("equivalents") or {}),
        examples=_Examples(raw["id"], path, lazy_examples) if lazy_examples else _examples(raw["id"], raw["examples"], path),
        source=str(path),
        fix=raw.get("fix"),
        levels={str(k): str(v) for k, v in (raw.get("levels") or {}).items()},
        subchecks={str(k): dict(v or {}) for k, v in (raw.get("subchecks") or {}).items()},
    )


@functools.lru_cache(maxsize=4)
def load_rules(rules_dir: str | None = None) -> tuple[Rule, ...]:
    base = Path(rules_dir) if rules_dir else data_dir("rules")
    rules: dict[str, Rule] = {}
    paths = sorted(base.glob("*/*.yaml"))
    parsed, lazy = _rule_copies(paths)
    for path in paths:
        rule = _load_rule(path, parsed.get(str(path)), lazy)
        if rule.id in rules:
            raise ConfigError(f"duplicate rule id {rule.id} in {path} and {rules[rule.id].source}")
        if path.stem != rule.id:
            raise ConfigError(f"rule file {path} must be named after its id {rule.id}")
        rules[rule.id] = rule
    for rule_id, entries in _calibration(base / CALIBRATION_FILE, rules).items():
        rules[rule_id] = replace(rules[rule_id], calibration=entries)
    return tuple(sorted(rules.values(), key=lambda r: r.id))


CALIBRATION_FILE = "calibration.yaml"
LEVEL_ORDER = ("error", "warning", "note")
_CALIBRATION_KEYS = ("rule", "sub", "level", "to", "real", "reviewed", "projects")


def _calibration(path: Path, rules: dict[str, Rule]) -> dict[str, tuple[dict[str, Any], ...]]:
    """rules/calibration.yaml (benchmarks/calibrate.py writes it) by rule id; absent in a rules folder of
    one's own (`load_rules(dir)` in tests), which then has no calibration."""
    if not path.is_file():
        return {}
    data = parsed_copy([path], "calibration").get(str(path))  # yaml is not imported on a second run
    if data is None:
        data = safe_load(path.read_text(encoding="utf-8"))
    entries = (data or {}).get("entries") or []
    out: dict[str, list[dict[str, Any]]] = {}
    for e in entries:
        if not isinstance(e, dict) or any(k not in e for k in _CALIBRATION_KEYS) or e["rule"] not in rules or \
                e["level"] not in LEVEL_ORDER or e["to"] not in LEVEL_ORDER or \
                LEVEL_ORDER.index(e["to"]) <= LEVEL_ORDER.index(e["level"]):
            raise ConfigError(f"{path}: entry {e!r} needs {', '.join(_CALIBRATION_KEYS)}, a known rule and a `to` "
                              "below its `level`")
        out.setdefault(e["rule"], []).append({k: e[k] for k in _CALIBRATION_KEYS[1:]})
    return {k: tuple(v) for k, v in out.items()}


def parsed_copy(paths: list[Path], kind: str = "rules") -> dict[str, Any]:
    """Bundled YAML files (the rule pack, the checklist vocabulary, the taint models) as parsed data, from
    a JSON copy in the user's own cache home named by their stat (libyaml takes about 25 ms for the rule
    pack, JSON a fifth of that, and yaml's import is not needed at all), made on first use. Best effort:
    {} on any problem, and the caller parses the YAML as before. Only data JSON gives back exactly is copied."""
    from . import __version__
    from .untrusted import user_cache

    try:
        name = f"{kind}-{user_cache.files_digest(paths, f'{kind} 1 {__version__}')}.json"
    except OSError:
        return {}
    data = user_cache.read_json(name)
    if isinstance(data, dict) and set(data) == {str(p) for p in paths}:
        return data
    data = {}
    for p in paths:
        try:
            data[str(p)] = safe_load(p.read_text(encoding="utf-8"))
        except yaml_errors():
            return {}  # the caller reports it
    if user_cache.round_trips(data):
        user_cache.write_json(name, data, prune_prefix=f"{kind}-")
    return data


def _rule_copies(paths: list[Path]) -> tuple[dict[str, Any], tuple[Path, ...] | None]:
    """The rule files' data without their examples, from a second copy in the user cache next to the whole
    pack's (named by the same stat), and the paths the examples are then read from; else the whole pack's
    copy (or {}: the YAML is parsed) and None. A scan reads 200 KB of JSON instead of 600 KB."""
    from . import __version__
    from .untrusted import user_cache

    try:
        name = f"rule-meta-{user_cache.files_digest(paths, f'rules 1 {__version__}')}.json"
    except OSError:
        return parsed_copy(paths), None
    meta = user_cache.read_json(name)
    if isinstance(meta, dict) and set(meta) == {str(p) for p in paths} and all(
            isinstance(v, dict) and "examples" not in v for v in meta.values()):
        return meta, tuple(paths)
    whole = parsed_copy(paths)
    if set(whole) != {str(p) for p in paths} or not all(isinstance(v, dict) and "examples" in v
                                                        for v in whole.values()):
        return whole, None  # loaded as before: what is wrong is reported at once
    meta = {k: {f: v for f, v in raw.items() if f != "examples"} if isinstance(raw, dict) else raw
            for k, raw in whole.items()}
    user_cache.write_json(name, meta, prune_prefix="rule-meta-")
    return whole, None


@functools.lru_cache(maxsize=2)
def _whole_pack(paths: tuple[Path, ...]) -> dict[str, Any]:
    """The whole pack's copy, read once per process for every rule's examples."""
    return parsed_copy(list(paths))


def rules_by_id() -> dict[str, Rule]:
    return {r.id: r for r in load_rules()}


@functools.lru_cache(maxsize=1)
def pack_version() -> str:
    """A digest of the rule pack, shown in reports: it changes whenever any rule file changes. Once per
    process, as the rules themselves (load_rules): every report and the cache's salt ask for it. Kept in the
    user cache under the files' stat, as the parsed pack the scan's rules come from (parsed_copy): a scan
    stats the 81 files instead of reading and hashing their 900 KB."""
    import hashlib

    from .untrusted import user_cache

    base = data_dir("rules")
    paths = sorted(base.rglob("*.yaml"))
    try:
        name = f"pack-version-{user_cache.files_digest(paths, 'pack version 1')}.json"
    except OSError:
        name = None
    stored = user_cache.read_json(name) if name else None
    if isinstance(stored, str) and len(stored) == 12 and all(c in "0123456789abcdef" for c in stored):
        return stored
    h = hashlib.sha256()
    for p in paths:
        h.update(p.relative_to(base).as_posix().encode())
        h.update(p.read_bytes())
    version = h.hexdigest()[:12]
    if name:
        user_cache.write_json(name, version, prune_prefix="pack-version-")
    return version
