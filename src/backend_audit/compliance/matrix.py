"""The compliance matrix: every checklist item of every agent file ends in exactly one state (catalog §7.4).

Runs as a scan postprocessor (after findings are final) and fills `ScanResult.checklist` with plain data
that the JSON, SARIF and HTML reporters read as is:

    {"source": "bundled|target|option", "agents": [{"name", "path", "description", "summary": {state: n},
     "items": [{"text", "section", "state", "keys", "rules", "findings", "evidence", "hint", ...}]}]}
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Iterable

from ..records import dataclass
from .agents import AgentFile, Item, find_agents, parse_file
from .checklist import Match, Vocabulary, load_vocabulary, rules_by_key
from .evidence import FRAMEWORK_IMPORTS, Project, declared_dependencies  # noqa: F401 - re-exported
from ..config import Settings
from ..findings import LEVEL_RANK, Finding, ScanResult

STATES = ("pass", "warn", "fail", "partial", "manual", "n/a", "not evaluated", "unmapped")
COVERAGE_KEY = "test-coverage"
COVERAGE_HINT = "pytest --cov --cov-report=xml"
ROUTES_HINT = "scan the application itself (its routes, app factory or Django settings), not only a library part"


def finding_keys(finding: Finding, rule: Any) -> tuple[str, ...]:
    """The checklist keys one finding counts against: its sub-check's own keys when the rule's metadata gives
    them (`subchecks: {name: {checklist: [...]}}`; a missing X-Frame-Options note says nothing about HSTS),
    else the rule's keys. The sub-check is `properties.sub`, else the `/suffix` of the finding's rule id."""
    if rule is None:
        return ()
    sub = str((finding.properties or {}).get("sub") or "") or finding.rule_id.partition("/")[2]
    if hasattr(rule, "checklist_for"):
        return tuple(rule.checklist_for(sub or None))
    spec = (getattr(rule, "subchecks", None) or {}).get(sub) if sub else None
    keys = spec.get("checklist") if isinstance(spec, dict) else None
    return tuple(keys) if keys else tuple(rule.checklist)


def _sub_keys(rule: Any) -> set[str]:
    subchecks = getattr(rule, "subchecks", None) or {}
    out: set[str] = set()
    for spec in subchecks.values() if isinstance(subchecks, dict) else ():
        keys = spec.get("checklist") if isinstance(spec, dict) else getattr(spec, "checklist", None)
        out.update(keys or ())
    return out


@dataclass
class KeyState:
    """A checklist key's state in a scan, with the rules and evidence behind it."""
    state: str
    rules: list[str]
    evidence: str | None = None
    hint: str | None = None
    findings: frozenset[int] = frozenset()  # ids of the findings behind a warn or fail


class Evaluator:
    def __init__(self, result: ScanResult, vocabulary: Vocabulary, all_rules: Iterable[Any]):
        self.result = result
        self.vocabulary = vocabulary
        all_rules = list(all_rules)
        self.index = rules_by_key(all_rules)
        for rule in all_rules:  # a rule enforces the keys its sub-checks name, too
            for key in _sub_keys(rule) - set(rule.checklist):
                self.index.setdefault(key, []).append(rule)
        self.enabled = {r.id for r in result.rules}
        self.project = Project.from_result(result)
        gate = LEVEL_RANK.get(result.fail_on, 1)
        self.gate = LEVEL_RANK["note"] if gate > LEVEL_RANK["error"] else gate  # --fail-on never: any finding fails
        by_id = {r.id: r for r in all_rules}
        # key -> rule id -> findings (every level: a finding below the gate is a warning, never a pass)
        self.by_key: dict[str, dict[str, list[Finding]]] = {}
        for f in result.active_findings:
            base = f.rule_id.split("/")[0]
            for key in finding_keys(f, by_id.get(base)):
                self.by_key.setdefault(key, {}).setdefault(base, []).append(f)
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
        found = {rid: self.by_key.get(key_id, {}).get(rid, []) for rid in ids}
        found = {rid: fs for rid, fs in found.items() if fs}
        if found:
            blocking = any(LEVEL_RANK.get(f.level, 0) >= self.gate for fs in found.values() for f in fs)
            ids_found = frozenset(id(f) for fs in found.values() for f in fs)
            if blocking:
                return KeyState("fail", ids, self._with_evidence(key_id, _describe(found)),
                                "see the findings of these rules", ids_found)
            return KeyState("warn", ids, self._with_evidence(key_id, _describe(found) + " (below the --fail-on "
                                                            f"{self.result.fail_on} gate)"),
                            "findings below the gate still break the item: fix them or suppress them with a reason",
                            ids_found)
        if "routes" in key.needs and not self.project.routes_read:
            return KeyState("not evaluated", ids, f"no route, middleware or settings module was read, so "
                            f"{', '.join(ids)} had nothing to check", ROUTES_HINT)
        if key.has_manual_side:
            return KeyState("partial", ids, f"enforced by {_plural(len(ids), 'rule')} ({', '.join(ids)}), no "
                            f"findings; {self.manual_evidence(key_id)}", key.manual_evidence.get("prompt"))
        return KeyState("pass", ids, self._with_evidence(
            key_id, f"enforced by {_plural(len(ids), 'rule')} ({', '.join(ids)}), no findings"))

    def _with_evidence(self, key_id: str, text: str) -> str:
        """Rule results plus what the repository shows for the key, when it shows something."""
        found = self.manual_evidence(key_id)
        return f"{text}; repository: {found}" if found.startswith("found ") else text

    def manual_evidence(self, key_id: str) -> str:
        return self.project.describe(self.vocabulary.keys[key_id].manual_evidence)

    # ------------------------------------------------------------------------------------------ items

    def item(self, agent: AgentFile, item: Item) -> dict[str, Any]:
        matches, nearest = self._matches(agent, item)
        data: dict[str, Any] = {"text": item.text, "section": item.section, "line": item.line,
                                "keys": [m.key for m in matches], "matches": [m.to_dict() for m in matches]}
        if item.also_in:
            data["also_in"] = list(item.also_in)
        if not matches:
            data.update(state="unmapped", rules=[], findings=0, **self._pin_hint(item, nearest))
            return data
        states = [self.key_state(m.key) for m in matches]
        rules = sorted({r for s in states for r in s.rules})
        state = _combine([s.state for s in states])
        # one finding counts once for the item, however many of its keys it touches
        findings = len(frozenset().union(*(s.findings for s in states if s.state == state))) \
            if state in ("fail", "warn") else 0
        chosen = [s for s in states if s.state == state] or states
        evidence = "; ".join(dict.fromkeys(f"{m.key}: {s.evidence}" for m, s in zip(matches, states) if s.evidence))
        hints = [s.hint for s in chosen if s.hint]
        if item.notes:
            hints.append(f"the item states {', '.join(item.notes)}: no rule measures that")
        data.update(state=state, rules=rules, findings=findings, evidence=evidence or None,
                    hint="; ".join(dict.fromkeys(hints)) or None)
        if item.threshold:
            data["threshold"] = dict(item.threshold)
        return data

    def _pin_hint(self, item: Item, nearest: list[Match]) -> dict[str, str]:
        """Evidence and a pin suggestion for an unmapped item: always a real key, or `ignore` when no key is
        anywhere near (an item about team process, not code)."""
        near = nearest or self.vocabulary.loose_nearest(item.text)
        shown = ", ".join(f"{m.key} ({m.score:.2f})" for m in near) or "none"
        if near:
            pin = near[0].key
            hint = (f"pin it: add `<!-- backend-audit: {pin} -->` after the item, or in the front matter "
                    f"`backend-audit: {{map: {{\"{item.text[:60]}\": [{pin}]}}}}`")
        else:
            hint = ("no key is close: if a rule should check it, pin one of the keys in `backend-audit rules list` "
                    "(e.g. `<!-- backend-audit: maintainability -->`); if it is about process, not code, leave it "
                    "out with `<!-- backend-audit: ignore -->`")
        return {"evidence": f"nearest keys: {shown}", "hint": hint}

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
    """One state for an item from the states of its keys: any finding outranks everything else."""
    for worst in ("fail", "warn"):
        if worst in states:
            return worst
    live = [s for s in states if s != "n/a"]
    if not live:
        return "n/a"
    kinds = set(live)
    if len(kinds) == 1:
        return live[0]
    if kinds & {"pass", "partial"}:
        return "partial"  # part enforced, part manual or not evaluated
    return "not evaluated" if "not evaluated" in kinds else "manual"


def _describe(found: dict[str, list[Finding]]) -> str:
    """'findings: BA-AUTH-003: 2 warning; BA-SQL-001: 1 error': every finding, with its level."""
    parts = []
    for rid, fs in sorted(found.items()):
        per: dict[str, int] = {}
        for f in fs:
            per[f.level] = per.get(f.level, 0) + 1
        levels = ", ".join(f"{n} {lvl}" for lvl, n in sorted(per.items(), key=lambda kv: -LEVEL_RANK.get(kv[0], 0)))
        parts.append(f"{rid}: {levels}")
    return "findings: " + "; ".join(parts)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


# ---------------------------------------------------------------------------------------------- pipeline


@dataclass
class AgentSet:
    """The agent files whose checklists a scan enforces, and where they came from."""
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
        for name in ("coverage_min", "min_coverage", "fail_under", "threshold"):
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


_LABELS = {"pass": "pass", "warn": "warn", "fail": "FAIL", "partial": "partial", "manual": "manual", "n/a": "n/a",
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
            label = _LABELS[it["state"]] + (f" ({it['findings']})" if it["state"] in ("fail", "warn") else "")
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
