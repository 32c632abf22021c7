"""The HTML report: one self-contained page a reviewer reads offline (no CDN, fonts or requests).

Server side (jinja2, autoescape always on, StrictUndefined) renders the summary and the small
sections; the findings list is drawn by the page's own script from a JSON data block, one page at a
time, so 20,000 findings load fast. Everything from scanned code, file names, config and rule text is
data: escaped by jinja in markup, and JSON-escaped (`<`, `>`, `&`, U+2028/2029) in the data block,
which the script only ever puts into the page through textContent. A Content-Security-Policy meta
tag allows nothing but the page's one script and one style sheet (by sha256) and data: images.

Optional sections appear only when their ScanResult field is not None. Other stages fill them in
these shapes (extra keys are ignored, missing optional keys are shown as unknown):

    result.checklist = {"agents": [{"name": str, "path": str, "items": [
        {"text": str, "section": str, "state": "pass" | "fail" | "not-checkable" | "not-measured",
         "keys": [str], "rules": [rule id], "findings": int}]}]}
    result.endpoints = [{"framework": str, "methods": [str], "path": str, "handler": str, "file": str,
         "line": int, "auth": V, "validation": V, "pagination": V, "rate_limit": V,
         "response_model": V}]
        where V is True/False, None (unknown), or a short string ("jwt", "none", "n/a"...);
        False and "none"/"missing"/"no" are highlighted as problems.
    result.coverage = {"total": float percent, "modules": [{"path": str, "percent": float}],
                       "diff": float percent | None}

The data block, read by templates/report.js (arrays, not objects, to keep 20,000 findings small):
    {"context": lines shown before/after a span, "rules": [{"id", "title", "level", "area", "what", "why", "use_instead", "good", "references"}],
     "paths": [str], "findings": [[rule index, path index, line, column, end line, end column, level,
     message, symbol, suppressed: "" or the reason, suggested fix or null, (taint findings only) trace:
     [[path, line, column, what happened], ...] source first]], "sources": {path index: {"lines": {n: text}} or
     {"error": reason}}}
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import re
from collections import Counter
from pathlib import PurePath
from typing import Any
from urllib.parse import quote, urlencode

import jinja2
from markupsafe import Markup

from ..catalog import pack_version, rules_by_id
from ..findings import LEVELS
from .snippets import context_lines

EXTENSION = "html"
STREAM = False

CONTEXT_LINES = 2
HOTSPOT_RULE = "BA-QUAL-001"
HOTSPOT_LIMIT = 15
# the compliance matrix's states, in its order (a CSS class each: "n/a" -> st-na, "not evaluated" -> st-not-evaluated)
CHECKLIST_STATES = ("pass", "warn", "fail", "partial", "manual", "n/a", "not evaluated", "unmapped")


def _state_css(state: str) -> str:
    return state.replace("/", "").replace(" ", "-") if state in CHECKLIST_STATES else "other"
ENDPOINT_FLAGS = ("auth", "validation", "pagination", "rate_limit")
_PROBLEM_WORDS = frozenset({"none", "missing", "no", "false", "unbounded", "unauthenticated"})
_HARD_WRAP = re.compile(r"(?<!\n)\n(?!\n)")
_OK_WORDS = frozenset({"n/a", "na", "not applicable"})

# One escape table for everything that lands inside <script>: JSON text is never HTML-decoded there,
# so entities would be wrong; \u escapes keep `</script>` and `<!--` from closing or changing the
# element and U+2028/2029 from ending a line in older JS parsers.
_SCRIPT_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026",
                   0x2028: "\\u2028", 0x2029: "\\u2029"}


@functools.lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("backend_audit.reporters", "templates"),
        autoescape=True,  # always, whatever the template name: every value is escaped unless marked
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def asset(name: str) -> str:
    """A script or style sheet shipped next to the templates (our code, inlined as-is)."""
    env = environment()
    source, _, _ = env.loader.get_source(env, name)  # type: ignore[union-attr]
    if "</" in source and ("</script" in source.lower() or "</style" in source.lower()):
        raise ValueError(f"{name} must not contain a closing script/style tag")
    return source


def csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def content_security_policy(script: str, style: str) -> str:
    return ("default-src 'none'; "
            f"script-src {csp_hash(script)}; style-src {csp_hash(style)}; img-src data:; "
            "base-uri 'none'; form-action 'none'")


def script_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).translate(_SCRIPT_ESCAPES)


def fragment(**params: str) -> str:
    """A `#key=value&...` link into the findings filters (the same syntax report.js reads)."""
    return "#" + urlencode({k: v for k, v in params.items() if v}, quote_via=quote)


def _rule_lookup(result) -> dict[str, Any]:
    rules = dict(rules_by_id())
    rules.update({r.id: r for r in result.rules})
    return rules


def _base_id(rule_id: str) -> str:
    return rule_id.split("/", 1)[0]


def _prose(text: Any) -> str:
    """YAML block text with its hard line wraps joined; blank lines stay paragraph breaks."""
    return _HARD_WRAP.sub(" ", str(text or "").strip())


def _rule_entry(rule_id: str, rule: Any | None) -> dict[str, Any]:
    if rule is None:
        return {"id": rule_id, "title": "", "level": "", "area": "other", "what": "", "why": "",
                "use_instead": "", "good": "", "references": []}
    good = rule.example("good")
    return {
        "id": rule_id, "title": rule.title, "level": rule.level, "area": rule.area,
        "what": _prose(rule.help.get("what")), "why": _prose(rule.help.get("why")),
        "use_instead": _prose(rule.help.get("use_instead")),
        "good": next(iter(good.files.values())).rstrip() if good else "",
        "references": [str(r) for r in rule.help.get("references") or []],
    }


def page_data(result, context: int = CONTEXT_LINES) -> dict[str, Any]:
    catalog = _rule_lookup(result)
    rule_ids = sorted({f.rule_id for f in result.findings})
    rule_index = {rid: i for i, rid in enumerate(rule_ids)}
    paths = sorted({f.path for f in result.findings})
    path_index = {p: i for i, p in enumerate(paths)}
    sources = context_lines(result.root, ((f.path, f.line, f.end_line) for f in result.findings), context)
    return {
        "context": context,
        "rules": [_rule_entry(rid, catalog.get(_base_id(rid))) for rid in rule_ids],
        "paths": paths,
        "findings": [
            [rule_index[f.rule_id], path_index[f.path], f.line, f.column, f.end_line, f.end_column, f.level,
             f.message, f.symbol, _suppression_text(f.suppression), _fix_view(f),
             *([[[s["path"], s["line"], s["column"], s["message"]] for s in f.trace]] if f.trace else [])]
            for f in result.findings
        ],
        "sources": {
            str(path_index[p]): ({"error": s.error} if s.error else {"lines": {str(n): t for n, t in s.lines.items()}})
            for p, s in sources.items()
        },
    }


def _fix_view(f) -> list | None:
    """[title, safety, [[first line, old lines..., new text]...]]: the suggested change, shown as text."""
    fix = (f.properties or {}).get("fix")
    if not fix:
        return None
    return [fix["title"], fix["safety"], [[first, last, new] for first, last, new in fix["edits"]]]


def _suppression_text(suppression: dict[str, str] | None) -> str:
    if suppression is None:
        return ""
    reason = suppression.get("justification") or suppression.get("reason") or ""
    return f"{suppression.get('kind', 'suppressed')}: {reason}".strip(": ") or "suppressed"


def _area_counts(result, catalog: dict[str, Any]) -> list[dict[str, Any]]:
    counts: dict[str, Counter] = {}
    for f in result.active_findings:
        rule = catalog.get(_base_id(f.rule_id))
        counts.setdefault(rule.area if rule else "other", Counter())[f.level] += 1
    rows = [{"area": area, "total": sum(c.values()), **{lvl: c.get(lvl, 0) for lvl in LEVELS}}
            for area, c in counts.items()]
    return sorted(rows, key=lambda r: (-r["total"], r["area"]))


def _hotspots(result) -> list[dict[str, Any]]:
    spots = [
        {"symbol": f.symbol or PurePath(f.path).name, "path": f.path, "line": f.line,
         "complexity": int(f.properties.get("complexity", 0)), "rank": str(f.properties.get("rank", "")),
         "link": fragment(rule=HOTSPOT_RULE, q=f.path)}
        for f in result.active_findings if _base_id(f.rule_id) == HOTSPOT_RULE and f.properties.get("complexity")
    ]
    spots.sort(key=lambda s: (-s["complexity"], s["path"], s["line"]))
    return spots[:HOTSPOT_LIMIT]


def flag_state(value: Any) -> str:
    """How an endpoint property reads: "ok", "problem" or "unknown" (drives the cell highlight)."""
    if value is None or value == "":
        return "unknown"
    if isinstance(value, bool):
        return "ok" if value else "problem"
    text = str(value).strip().lower()
    if text in _PROBLEM_WORDS:
        return "problem"
    return "ok" if text not in _OK_WORDS else "unknown"


def flag_label(value: Any) -> str:
    if value is None or value == "":
        return "?"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _endpoints(endpoints: list[dict[str, Any]] | None) -> list[dict[str, Any]] | None:
    if endpoints is None:
        return None
    rows = []
    for ep in endpoints:
        methods = ep.get("methods") or []
        rows.append({
            "framework": str(ep.get("framework") or ""),
            "methods": " ".join(str(m).upper() for m in methods) if isinstance(methods, list) else str(methods),
            "path": str(ep.get("path") or ""), "handler": str(ep.get("handler") or ""),
            "file": str(ep.get("file") or ""), "line": ep.get("line") or "",
            "link": fragment(q=str(ep.get("file") or "")),
            "flags": [{"name": k, "label": flag_label(ep.get(k)), "state": flag_state(ep.get(k))}
                      for k in ENDPOINT_FLAGS],
            "response_model": flag_label(ep.get("response_model")),
        })
    return sorted(rows, key=lambda r: (r["path"], r["methods"], r["file"], str(r["line"])))


def _checklist(checklist: dict[str, Any] | None) -> list[dict[str, Any]] | None:
    if checklist is None:
        return None
    agents = []
    for agent in checklist.get("agents") or []:
        items = []
        for item in agent.get("items") or []:
            state = str(item.get("state") or "not evaluated")
            rules = [str(r) for r in item.get("rules") or []]
            items.append({
                "text": str(item.get("text") or ""), "section": str(item.get("section") or ""),
                "state": state, "css": _state_css(state),
                "keys": [str(k) for k in item.get("keys") or []], "rules": rules,
                "findings": int(item.get("findings") or 0),
                "link": fragment(rule=",".join(rules)) if rules else "",
            })
        states = Counter(i["state"] for i in items)
        agents.append({"name": str(agent.get("name") or ""), "path": str(agent.get("path") or ""),
                       "items": items,
                       "states": [(s, _state_css(s), states.get(s, 0)) for s in CHECKLIST_STATES]})
    return agents


def _coverage(coverage: dict[str, Any] | None) -> dict[str, Any] | None:
    if coverage is None:
        return None
    modules = sorted(({"path": str(m.get("path") or ""), "percent": float(m.get("percent") or 0.0)}
                      for m in coverage.get("modules") or []), key=lambda m: (m["percent"], m["path"]))
    diff = coverage.get("diff")
    return {"total": float(coverage.get("total") or 0.0), "modules": modules,
            "diff": None if diff is None else float(diff)}


def context(result, options: dict[str, Any]) -> dict[str, Any]:
    """Everything the templates show, as plain values (the template does no lookups of its own)."""
    catalog = _rule_lookup(result)
    counts = result.counts()
    script, style = asset("report.js"), asset("report.css")
    data = page_data(result)
    return {
        "title": PurePath(result.root).name or result.root,
        "verdict": "fail" if result.failed() else "pass",
        "fail_on": result.fail_on,
        "counts": counts,
        "total": sum(counts.values()),
        "suppressed": len(result.suppressed_findings),
        "areas": _area_counts(result, catalog),
        "files_scanned": result.files_scanned,
        "files_skipped": result.files_skipped,
        "files_partial": result.files_partial,
        "lines_scanned": result.lines_scanned,
        "rules_enabled": len(result.rules),
        # Wall-clock time only when asked (--timings): the same tree gives a byte-identical report.
        "duration": round(result.duration, 2) if options.get("timings") else None,
        "tool_version": result.tool_version,
        "rules_version": pack_version(),
        "notifications": [str(n.get("message", "")) for n in result.notifications],
        "skipped": [s.to_dict() for s in result.skipped],
        "hotspots": _hotspots(result),
        "checklist": _checklist(result.checklist),
        "endpoints": _endpoints(result.endpoints),
        "coverage": _coverage(result.coverage),
        "levels": LEVELS,
        "csp": content_security_policy(script, style),
        # Our own package assets and pre-escaped JSON: the only values marked safe.
        "script": Markup(script),
        "style": Markup(style),
        "data_json": Markup(script_json(data)),
    }


def render(result, options: dict[str, Any]) -> str:
    page = environment().get_template("report.html.j2").render(**context(result, options))
    # Undecodable file names reach us as lone surrogates; the report must still be writable UTF-8.
    return page.encode("utf-8", "replace").decode("utf-8")
