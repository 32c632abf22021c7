"""SARIF taxonomies: the checklist vocabulary and CWE, so a SARIF consumer sees the compliance mapping.

Each rule points at the checklist items and CWE entries it enforces through `relationships` of kind
`superset`, the kind under which SARIF 2.1.0 says a result implicitly carries the target taxa.
"""

from __future__ import annotations

import functools
from typing import Any

import yaml

from ..catalog import data_dir
from ..errors import ConfigError

CHECKLIST_TAXONOMY = "backend-audit-checklist"
CWE_TAXONOMY = "CWE"
RELATIONSHIP_KINDS = ["superset"]


@functools.lru_cache(maxsize=1)
def checklist_vocabulary() -> dict[str, dict[str, str]]:
    """key -> {title, area} from rules/checklists.yaml."""
    path = data_dir("rules") / "checklists.yaml"
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the checklist vocabulary {path}: {exc}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"checklist vocabulary {path} is not a mapping")
    return {str(k): {"title": str(v.get("title", k)), "area": str(v.get("area", ""))}
            for k, v in raw.items() if isinstance(v, dict)}


class Taxonomies:
    """Builds `run.taxonomies` and the per-rule `relationships` that point into it."""

    def __init__(self, rules: list[Any]) -> None:
        vocab = checklist_vocabulary()
        enforced: dict[str, list[str]] = {}
        for rule in rules:
            for key in rule.checklist:
                enforced.setdefault(key, []).append(rule.id)
        # Unknown keys in a rule file still get a taxon, so no relationship dangles.
        self.checklist = {key: vocab.get(key, {"title": key, "area": ""}) for key in sorted({*vocab, *enforced})}
        self.enforced = enforced
        self.cwes = sorted({c for rule in rules for c in rule.cwe})
        self.index: dict[str, int] = {CHECKLIST_TAXONOMY: 0}
        if self.cwes:
            self.index[CWE_TAXONOMY] = 1

    def to_sarif(self) -> list[dict[str, Any]]:
        taxa = []
        for key, item in self.checklist.items():
            props: dict[str, Any] = {"area": item["area"], "rules": sorted(self.enforced.get(key, []))}
            taxa.append({"id": key, "name": key, "shortDescription": {"text": item["title"]}, "properties": props})
        out = [{
            "name": CHECKLIST_TAXONOMY,
            "fullName": "backend-audit checklist items (rules/checklists.yaml)",
            "organization": "backend-audit",
            "shortDescription": {"text": "Backend specialist checklist items; rules name the items they enforce."},
            "taxa": taxa,
        }]
        if self.cwes:
            out.append({
                "name": CWE_TAXONOMY,
                "organization": "MITRE",
                "informationUri": "https://cwe.mitre.org/",
                "shortDescription": {"text": "The MITRE Common Weakness Enumeration"},
                "taxa": [{"id": str(c), "name": f"CWE-{c}",
                          "helpUri": f"https://cwe.mitre.org/data/definitions/{c}.html"} for c in self.cwes],
            })
        return out

    def relationships(self, rule: Any) -> list[dict[str, Any]]:
        rels = [self._rel(key, CHECKLIST_TAXONOMY) for key in rule.checklist]
        rels += [self._rel(str(c), CWE_TAXONOMY) for c in rule.cwe]
        return rels

    def _rel(self, taxon: str, taxonomy: str) -> dict[str, Any]:
        return {"target": {"id": taxon, "toolComponent": {"name": taxonomy, "index": self.index[taxonomy]}},
                "kinds": list(RELATIONSHIP_KINDS)}
