"""The semantic model of the whole project (docs/semantic-model.md): per-file summaries collected in the
one `ast` walk (summary.py), JSON-safe value encodings and constant folding (values.py), and the project
reduce step (project.py: modules, imports, classes and their MRO, constants, the call graph)."""

from .project import SemanticModel, Symbol
from .values import UNKNOWN

__all__ = ["SemanticModel", "Symbol", "UNKNOWN"]
