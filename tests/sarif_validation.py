"""Checks every SARIF log the suite writes must pass: the OASIS schema (a copy ships in tests/fixtures/sarif,
so a fresh clone validates on its own), a structural check, and the GitHub code scanning rules of
sarif-and-ci.md §5."""

from __future__ import annotations

import gzip
import json
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
# Tests may read the shared folder beside the repository; a developer in a git worktree elsewhere can
# point BACKEND_AUDIT_SHARED at it.
SHARED = Path(os.environ.get("BACKEND_AUDIT_SHARED") or REPO.parent / "shared")
BUNDLED_SCHEMA = REPO / "tests" / "fixtures" / "sarif" / "sarif-schema-2.1.0.json"
SCHEMA_PATH = BUNDLED_SCHEMA if BUNDLED_SCHEMA.is_file() else SHARED / "sarif" / "sarif-schema-2.1.0.json"

LEVELS = {"none", "note", "warning", "error"}
ROOT_KEYS = {"$schema", "version", "runs", "inlineExternalProperties", "properties"}
HASH_RE = re.compile(r"^[0-9a-f]+:[0-9]+$")
REGION_FIELDS = ("startLine", "startColumn", "endLine", "endColumn")


@lru_cache(maxsize=1)
def _validator():
    from jsonschema import Draft7Validator

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft7Validator.check_schema(schema)
    return Draft7Validator(schema)


def schema_errors(log: dict[str, Any]) -> list[str]:
    """Errors against the official OASIS schema (bundled with the tests)."""
    assert SCHEMA_PATH.is_file(), f"SARIF schema missing at {SCHEMA_PATH}"
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in _validator().iter_errors(log)]


def _is_int_ge1(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _message_ok(msg: Any) -> bool:
    return isinstance(msg, dict) and isinstance(msg.get("text"), str) and bool(msg["text"])


def _physical_errors(where: str, loc: Any) -> list[str]:
    errs = []
    phys = loc.get("physicalLocation") if isinstance(loc, dict) else None
    if not isinstance(phys, dict) or not isinstance(phys.get("artifactLocation", {}).get("uri"), str):
        return [f"{where}: physicalLocation.artifactLocation.uri missing"]
    for key, value in (phys.get("region") or {}).items():
        if key in REGION_FIELDS and not _is_int_ge1(value):
            errs.append(f"{where}: region.{key} = {value!r} is not an integer >= 1")
    return errs


def structural_errors(log: Any) -> list[str]:
    """The parts of the SARIF 2.1.0 schema our writer relies on, without the schema file."""
    if not isinstance(log, dict):
        return ["log is not an object"]
    errs = [f"unknown root key {k!r}" for k in log if k not in ROOT_KEYS]
    if log.get("version") != "2.1.0":
        errs.append("version is not '2.1.0'")
    runs = log.get("runs")
    if not isinstance(runs, list):
        return errs + ["runs is not an array"]
    for r, run in enumerate(runs):
        driver = (run.get("tool") or {}).get("driver") if isinstance(run, dict) else None
        if not isinstance(driver, dict) or not isinstance(driver.get("name"), str):
            errs.append(f"runs[{r}].tool.driver.name missing")
            continue
        for i, rule in enumerate(driver.get("rules", [])):
            if not isinstance(rule.get("id"), str):
                errs.append(f"runs[{r}] rule {i} has no id")
            level = (rule.get("defaultConfiguration") or {}).get("level", "warning")
            if level not in LEVELS:
                errs.append(f"runs[{r}] rule {i} level {level!r}")
        for i, res in enumerate(run.get("results", [])):
            where = f"runs[{r}].results[{i}]"
            if not _message_ok(res.get("message")):
                errs.append(f"{where}: message.text missing")
            if res.get("level", "warning") not in LEVELS:
                errs.append(f"{where}: level {res.get('level')!r}")
            for loc in res.get("locations", []):
                errs += _physical_errors(where, loc)
            for sup in res.get("suppressions", []):
                if sup.get("kind") not in ("inSource", "external"):
                    errs.append(f"{where}: suppression kind {sup.get('kind')!r}")
        for inv in run.get("invocations", []):
            if not isinstance(inv.get("executionSuccessful"), bool):
                errs.append(f"runs[{r}]: invocation.executionSuccessful is not a boolean")
            for n, note in enumerate(inv.get("toolExecutionNotifications", [])):
                if not _message_ok(note.get("message")) or note.get("level", "warning") not in LEVELS:
                    errs.append(f"runs[{r}] notification {n} malformed")
                for loc in note.get("locations", []):
                    errs += _physical_errors(f"runs[{r}] notification {n}", loc)
    return errs


def github_errors(log: dict[str, Any], text: str, include_suppressed: bool = False) -> list[str]:
    """sarif-and-ci.md §5: what GitHub code scanning needs that the schema does not check."""
    errs: list[str] = []
    if log.get("version") != "2.1.0":
        errs.append("version != 2.1.0")
    if len(log.get("runs", [])) != 1:
        return errs + ["not exactly one run"]
    run = log["runs"][0]
    if "results" not in run:
        errs.append("results missing")
    rules = run["tool"]["driver"].get("rules")
    if rules is None:
        errs.append("driver.rules missing")
        rules = []
    for rule in rules:
        rid = rule.get("id")
        for field in ("name", "shortDescription", "fullDescription"):
            if not rule.get(field):
                errs.append(f"{rid}: {field} missing")
        if rule.get("name") == rid:
            errs.append(f"{rid}: name equals id")
        help_ = rule.get("help") or {}
        if not help_.get("text") or not help_.get("markdown"):
            errs.append(f"{rid}: help.text or help.markdown missing")
        props = rule.get("properties") or {}
        if len(props.get("tags", [])) > 20:
            errs.append(f"{rid}: more than 20 tags")
        if "security-severity" in props:
            sev = props["security-severity"]
            if not isinstance(sev, str) or not 0 < float(sev) <= 10:
                errs.append(f"{rid}: security-severity {sev!r} is not a string in (0, 10]")
    ids = [r.get("id") for r in rules]
    for i, res in enumerate(run.get("results", [])):
        where = f"results[{i}] {res.get('ruleId')}"
        idx = res.get("ruleIndex")
        if res.get("ruleId") not in ids or not isinstance(idx, int) or idx >= len(ids) or ids[idx] != res["ruleId"]:
            errs.append(f"{where}: ruleId/ruleIndex do not point at the same driver rule")
        locs = res.get("locations") or []
        if len(locs) != 1:
            errs.append(f"{where}: {len(locs)} locations")
            continue
        phys = locs[0].get("physicalLocation", {})
        uri = phys.get("artifactLocation", {}).get("uri", "")
        if not uri or "://" in uri or ":" in uri.split("/")[0] or uri.startswith(("/", "./")) or "\\" in uri:
            errs.append(f"{where}: uri {uri!r} is not repo-relative")
        if phys.get("artifactLocation", {}).get("uriBaseId") != "%SRCROOT%":
            errs.append(f"{where}: uriBaseId is not %SRCROOT%")
        region = phys.get("region", {})
        if not all(_is_int_ge1(region.get(k)) for k in REGION_FIELDS):
            errs.append(f"{where}: region {region} lacks a field or has one < 1")
        if not HASH_RE.match((res.get("partialFingerprints") or {}).get("primaryLocationLineHash", "")):
            errs.append(f"{where}: primaryLocationLineHash missing or malformed")
        if "suppressions" in res and not include_suppressed:
            errs.append(f"{where}: suppressions without --sarif-include-suppressed")
    if len(run.get("results", [])) > 25_000:
        errs.append("more than 25,000 results")
    if len(gzip.compress(text.encode("utf-8"))) >= 10 * 1024 * 1024:
        errs.append("gzip size is 10 MB or more")
    return errs


def assert_valid(text: str, include_suppressed: bool = False) -> dict[str, Any]:
    """Every SARIF file the suite writes goes through here; the schema part skips without ../shared."""
    log = json.loads(text)
    assert structural_errors(log) == []
    assert github_errors(log, text, include_suppressed) == []
    if SCHEMA_PATH.is_file():
        assert schema_errors(log) == []
    return log
