"""backend-audit: turns backend checklists into static-analysis rules over a Python repository."""

__version__ = "0.1.0"
