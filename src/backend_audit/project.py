"""The project model: every file's facts joined once, for whole-repository rules (the reduce step)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import Settings
from .findings import FileResult


@dataclass
class ProjectModel:
    root: Path
    settings: Settings
    facts: dict[str, dict[str, Any]] = field(default_factory=dict)  # path -> facts
    analysed: list[str] = field(default_factory=list)

    @classmethod
    def build(cls, root: Path, file_results: list[FileResult], settings: Settings) -> "ProjectModel":
        model = cls(root=root, settings=settings)
        for fr in file_results:
            if fr.analysed:
                model.facts[fr.path] = fr.facts
                model.analysed.append(fr.path)
        return model

    @property
    def test_files(self) -> list[str]:
        return [p for p, f in self.facts.items() if f.get("is_test")]

    @property
    def source_files(self) -> list[str]:
        return [p for p, f in self.facts.items() if not f.get("is_test")]
