"""The compliance matrix: every checklist item of every agent file ends in exactly one state (catalog §7.4).

Runs as a scan postprocessor (after findings are final) and fills `ScanResult.checklist` with plain data
that the JSON, SARIF and HTML reporters read as is:

    {"source": "bundled|target|option", "agents": [{"name", "path", "description", "summary": {state: n},
     "items": [{"text", "section", "state", "keys", "rules", "findings", "evidence", "hint", ...}]}]}
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from .agents import AgentFile, Item, find_agents, parse_file
from .checklist import Match, Vocabulary, load_vocabulary, rules_by_key
from ..config import Settings, matches_any
from ..pipeline.discovery import repository_files
from ..findings import LEVEL_RANK, ScanResult
from ..untrusted.files import read_tree_text

STATES = ("pass", "fail", "partial", "manual", "n/a", "not evaluated", "unmapped")
COVERAGE_KEY = "test-coverage"
COVERAGE_HINT = "pytest --cov --cov-report=xml"
# Top-level imports that tell which framework a rule's `frameworks:` list is waiting for.
FRAMEWORK_IMPORTS = {"fastapi": "fastapi", "flask": "flask", "django": "django", "rest_framework": "drf",
                     "sqlalchemy": "sqlalchemy", "celery": "celery", "starlette": "starlette"}
_MAX_WALK = 20000


@dataclass
class Project:
    """What evidence is read from: the repository's files, imports and declared dependencies."""

    root: Path
    files: list[str] = field(default_factory=list)
    imports: set[str] = field(default_factory=set)
    dependencies: set[str] = field(default_factory=set)
    frameworks: set[str] = field(default_factory=set)

    @classmethod
    def from_result(cls, result: ScanResult) -> "Project":
        root = Path(result.root)
        project = cls(root=root, files=repository_files(root, _MAX_WALK))
        for fr in result.file_results:
            for name in fr.facts.get("imports", ()):
                top = name.lstrip(".").split(".")[0]
                if top and not name.startswith("."):
                    project.imports.add(top.lower())
        project.frameworks = {fw for mod, fw in FRAMEWORK_IMPORTS.items() if mod in project.imports}
        for rel in project.files:
            if rel.count("/") <= 1:
                project.dependencies |= declared_dependencies(root / rel, root)
        return project

    def has_package(self, name: str) -> bool:
        name = name.lower()
        return name.replace("_", "-") in self.dependencies or name.replace("-", "_") in self.imports

    def matching_files(self, patterns: Iterable[str]) -> list[str]:
        patterns = tuple(patterns)
        return [f for f in self.files if matches_any(f, patterns)]


_REQ_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def _req_names(lines: Iterable[str]) -> set[str]:
    out = set()
    for line in lines:
        m = _REQ_NAME.match(str(line).split("#", 1)[0])
        if m:
            out.add(m.group(1).lower().replace("_", "-"))
    return out


def declared_dependencies(path: Path, root: Path | None = None) -> set[str]:
    """Distribution names a requirements file, pyproject.toml or Pipfile declares (lower case, dashes).
    Read only when it stays inside `root` and is a regular file (a FIFO would block the scan)."""
    from ..config import tomllib

    name = path.name
    is_requirements = re.match(r"requirements.*\.(txt|in)$", name)
    if not is_requirements and name not in ("pyproject.toml", "Pipfile"):
        return set()
    text = read_tree_text(root or path.parent, path)
    if text is None:
        return set()
    try:
        if is_requirements:
            return _req_names(text.splitlines())
        data = tomllib.loads(text)
    except (ValueError, RecursionError):
        return set()
    reqs: list[str] = []
    project = data.get("project") or {}
    reqs += project.get("dependencies") or []
    for group in (project.get("optional-dependencies") or {}).values():
        reqs += group or []
    for group in (data.get("dependency-groups") or {}).values():
        reqs += [r for r in group or [] if isinstance(r, str)]
    names = _req_names(reqs)
    poetry = (data.get("tool") or {}).get("poetry") or {}
    tables = [poetry.get("dependencies"), poetry.get("dev-dependencies"), data.get("packages"),
              data.get("dev-packages")]
    tables += [g.get("dependencies") for g in (poetry.get("group") or {}).values() if isinstance(g, dict)]
    for table in tables:
        if isinstance(table, dict):
            names |= _req_names(table)
    return names


@dataclass
class KeyState:
    state: str
    rules: list[str]
    evidence: str | None = None
    hint: str | None = None


class Evaluator:
    def __init__(self, result: ScanResult, vocabulary: Vocabulary, all_rules: Iterable[Any]):
        self.result = result
        self.vocabulary = vocabulary
        all_rules = tuple(all_rules)
        self.index = rules_by_key(all_rules)
        self.enabled = {r.id for r in result.rules}
        self.project = Project.from_result(result)
        gate = LEVEL_RANK.get(result.fail_on, 1)
        gate = LEVEL_RANK["note"] if gate > LEVEL_RANK["error"] else gate  # --fail-on never: every finding counts
        # key -> rule -> level -> findings: a finding counts against the keys of its sub-check when the
        # rule's metadata gives the sub-check its own (an X-Frame-Options note is no TLS failure)
        self.key_counts: dict[str, dict[str, dict[str, int]]] = {}
        by_id = {r.id: r for r in all_rules}
        for f in result.active_findings:
            if LEVEL_RANK.get(f.level, 0) >= gate:
                rule_id, _, sub = f.rule_id.partition("/")
                rule = by_id.get(rule_id)
                keys = rule.checklist_for(f.properties.get("sub") or sub) if rule is not None else ()
                for key in keys:
                    levels = self.key_counts.setdefault(key, {}).setdefault(rule_id, {})
                    levels[f.level] = levels.get(f.level, 0) + 1
        self._cache: dict[str, KeyState] = {}

    # ------------------------------------------------------------------------------------------ keys

    def key_state(self, key_id: str) -> KeyState:
        if key_id not in self._cache:
            self._cache[key_id] = self._key_state(key_id)
        return self._cache[key_id]

    def _key_state(self, key_id: str) -> KeyState:
        key = self.vocabulary.keys[key_id]
        rules = sorted(self.index.get(key_id, []), key=lambda r: r.id)
        if key_id == COVERAGE_KEY and self.result.coverage is None:
            return KeyState("not evaluated", [r.id for r in rules], "no coverage data was found",
                            f"run `{COVERAGE_HINT}` before the scan")
        if not rules:
            return KeyState("manual", [], self.manual_evidence(key_id), key.manual_evidence.get("prompt")
                            or f"no rule checks '{key.title}'; a reviewer decides")
        enabled = [r for r in rules if r.id in self.enabled]
        if not enabled:
            ids = ", ".join(r.id for r in rules)
            return KeyState("not evaluated", [r.id for r in rules], f"its rules did not run: {ids}",
                            f"enable them with --select {ids.replace(' ', '')}")
        applicable = [r for r in enabled if "any" in r.frameworks or set(r.frameworks) & self.project.frameworks]
        if not applicable:
            expected = sorted({fw for r in enabled for fw in r.frameworks})
            return KeyState("n/a", [r.id for r in enabled],
                            f"its rules apply to {', '.join(expected)}, which this project does not use", None)
        ids = [r.id for r in applicable]
        key_counts = self.key_counts.get(key_id, {})
        failing = {rid: key_counts[rid] for rid in ids if rid in key_counts}
        if failing:
            return KeyState("fail", ids, _describe(failing), "see the findings of these rules")
        if key.has_manual_side:
            return KeyState("partial", ids, f"enforced by {_plural(len(ids), 'rule')} ({', '.join(ids)}), no "
                            f"findings; {self.manual_evidence(key_id)}", key.manual_evidence.get("prompt"))
        return KeyState("pass", ids, f"enforced by {_plural(len(ids), 'rule')} ({', '.join(ids)}), no findings")

    def manual_evidence(self, key_id: str) -> str:
        spec = self.vocabulary.keys[key_id].manual_evidence
        files_wanted, packages_wanted = spec.get("files") or [], spec.get("packages") or []
        if not files_wanted and not packages_wanted:
            return "no evidence can be collected from the repository"
        found_files = self.project.matching_files(files_wanted)
        found_packages = sorted(p for p in packages_wanted if self.project.has_package(p))
        parts = []
        if found_files:
            shown = ", ".join(found_files[:5]) + (f" and {len(found_files) - 5} more" if len(found_files) > 5 else "")
            parts.append(f"files: {shown}")
        if found_packages:
            parts.append(f"packages: {', '.join(found_packages)}")
        if parts:
            return "found " + "; ".join(parts)
        looked = ", ".join([*files_wanted[:3], *packages_wanted[:4]])
        return f"nothing found (looked for {looked}, ...)"

    # ------------------------------------------------------------------------------------------ items

    def item(self, agent: AgentFile, item: Item) -> dict[str, Any]:
        matches, nearest = self._matches(agent, item)
        data: dict[str, Any] = {"text": item.text, "section": item.section, "line": item.line,
                                "keys": [m.key for m in matches], "matches": [m.to_dict() for m in matches]}
        if item.also_in:
            data["also_in"] = list(item.also_in)
        if not matches:
            near = ", ".join(f"{m.key} ({m.score:.2f})" for m in nearest) or "none"
            pin_key = nearest[0].key if nearest else "KEY"
            data.update(state="unmapped", rules=[], findings=0, evidence=f"nearest keys: {near}",
                        hint=f"pin it: add `<!-- backend-audit: {pin_key} -->` after the item, or in the front "
                             f"matter `backend-audit: {{map: {{\"{item.text[:60]}\": [{pin_key}]}}}}`")
            return data
        states = [self.key_state(m.key) for m in matches]
        rules = sorted({r for s in states for r in s.rules})
        failed_keys = [m.key for m, s in zip(matches, states) if s.state == "fail"]
        # a finding counting against two of the item's keys is still one finding
        findings = sum(max(sum(self.key_counts.get(k, {}).get(rid, {}).values()) for k in failed_keys)
                       for rid in rules) if failed_keys else 0
        state = _combine([s.state for s in states])
        chosen = [s for s in states if s.state == state] or states
        evidence = "; ".join(dict.fromkeys(f"{m.key}: {s.evidence}" for m, s in zip(matches, states) if s.evidence))
        hints = [s.hint for s in chosen if s.hint]
        if item.notes:
            hints.append(f"the item states {', '.join(item.notes)}: no rule measures that")
        data.update(state=state, rules=rules, findings=findings if state == "fail" else 0,
                    evidence=evidence or None, hint="; ".join(dict.fromkeys(hints)) or None)
        if item.threshold:
            data["threshold"] = dict(item.threshold)
        return data

    def _matches(self, agent: AgentFile, item: Item) -> tuple[list[Match], list[Match]]:
        if item.pins:
            known = [k for k in item.pins if k in self.vocabulary]
            unknown = [k for k in item.pins if k not in self.vocabulary]
            if unknown:
                agent.warnings.append(f"line {item.line}: pinned key(s) {', '.join(unknown)} are not in the vocabulary")
            if known:
                return [Match(k, 1.0, "pinned") for k in known], []
        return self.vocabulary.match(item.text)

    def agent(self, agent: AgentFile) -> dict[str, Any]:
        kept = [i for i in agent.items if i.pins != ("ignore",)]
        items = [self.item(agent, i) for i in kept]
        summary = {s: 0 for s in STATES}
        for it in items:
            summary[it["state"]] += 1
        data: dict[str, Any] = {"name": agent.name, "path": agent.path, "description": agent.description,
                                "summary": summary, "items": items}
        if len(kept) != len(agent.items):
            data["ignored"] = len(agent.items) - len(kept)
        if agent.settings:
            data["settings"] = agent.settings
        if agent.warnings:
            data["warnings"] = list(agent.warnings)
        return data


def _combine(states: list[str]) -> str:
    """One state for an item from the states of its keys."""
    if "fail" in states:
        return "fail"
    live = [s for s in states if s != "n/a"]
    if not live:
        return "n/a"
    kinds = set(live)
    if len(kinds) == 1:
        return live[0]
    if kinds & {"pass", "partial"}:
        return "partial"  # part enforced, part manual or not evaluated
    return "not evaluated" if "not evaluated" in kinds else "manual"


def _describe(failing: dict[str, dict[str, int]]) -> str:
    parts = []
    for rid, per in sorted(failing.items()):
        levels = ", ".join(f"{n} {lvl}" for lvl, n in sorted(per.items(), key=lambda kv: -LEVEL_RANK[kv[0]]))
        parts.append(f"{rid}: {levels}")
    return "findings: " + "; ".join(parts)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


# ---------------------------------------------------------------------------------------------- pipeline


@dataclass
class AgentSet:
    source: str  # bundled | target | option
    agents: list[AgentFile]

    @property
    def settings(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for agent in self.agents:
            for k, v in agent.settings.items():
                out.setdefault(k, v)
        return out


def git_root_candidates(targets: Iterable[Path]) -> list[Path]:
    """The targets' folders and their parents up to the repository root: where .claude/agents may live.
    Outside git only the target's own folder: the folders above it are not part of the scanned tree."""
    out: list[Path] = []
    for t in targets:
        d = t.resolve()
        d = d if d.is_dir() else d.parent
        chain = []
        for cur in [d, *d.parents]:
            chain.append(cur)
            if (cur / ".git").exists():
                break
        else:
            chain = [d]
        out += [c for c in chain if c not in out]
    return out


def load_agent_set(targets: list[Path], explicit: Iterable[Path] = (), confine: Path | None = None) -> AgentSet:
    """`confine`: the folder the explicit paths must stay in (they came from a config file, not the user);
    agent files found in the tree always stay in the tree."""
    explicit = list(explicit)
    candidates = git_root_candidates(targets or [Path.cwd()])
    root = candidates[-1] if candidates else Path.cwd()
    source, found = find_agents(root, explicit, candidates)
    limit = root if source == "target" else confine if source == "option" else None
    return AgentSet(source, [parse_file(path, display, limit) for path, display in found])


def apply_agent_settings(settings: Settings, agents: AgentSet, rules: Iterable[Any]) -> Settings:
    """A coverage figure an agent states ("> 80% test coverage") becomes the coverage rules' minimum,
    unless the project configured that option itself."""
    minimum = agents.settings.get("tests.coverage_min")
    if minimum is None:
        return settings
    options = {rid: dict(opts) for rid, opts in settings.rule_options.items()}
    changed = False
    for rule in rules:
        if COVERAGE_KEY not in rule.checklist:
            continue
        for name in ("coverage_min", "min_coverage", "fail_under"):
            if name in rule.options and name not in options.get(rule.id, {}):
                options.setdefault(rule.id, {})[name] = minimum
                changed = True
    return settings.with_(rule_options=options) if changed else settings


def postprocessor(agents: AgentSet) -> Callable[[ScanResult], None]:
    def fill(result: ScanResult) -> None:
        from ..catalog import load_rules

        evaluator = Evaluator(result, load_vocabulary(), load_rules())
        result.checklist = {"source": agents.source, "agents": [evaluator.agent(a) for a in agents.agents]}

    return fill


# ---------------------------------------------------------------------------------------------- text


_LABELS = {"pass": "pass", "fail": "FAIL", "partial": "partial", "manual": "manual", "n/a": "n/a",
           "not evaluated": "not eval", "unmapped": "unmapped"}


def render_text(checklist: dict[str, Any], verbose: bool = True) -> str:
    out: list[str] = []
    for agent in checklist.get("agents", []):
        total = sum(agent["summary"].values())
        counts = " · ".join(f"{n} {s}" for s, n in agent["summary"].items() if n)
        out.append(f"{agent['name']}  ({agent['path']}): {total} items · {counts or 'none'}")
        for w in agent.get("warnings", []):
            out.append(f"  warning: {w}")
        section = None
        for it in agent["items"]:
            if it["section"] != section:
                section = it["section"]
                out.append(f"  {section or '(top level)'}")
            label = _LABELS[it["state"]] + (f" ({it['findings']})" if it["state"] == "fail" else "")
            keys = ", ".join(it["keys"]) or "-"
            rules = f"  {', '.join(it['rules'])}" if it["rules"] else ""
            out.append(f"    {label:<12} {it['text']}  [{keys}]{rules}")
            if verbose and it["state"] not in ("pass",):
                if it.get("evidence"):
                    out.append(f"    {'':<12}   {it['evidence']}")
                if it.get("hint"):
                    out.append(f"    {'':<12}   -> {it['hint']}")
        out.append("")
    return "\n".join(out)
