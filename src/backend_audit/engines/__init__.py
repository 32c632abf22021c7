"""The per-file analysis engines: libcst (our checks), radon (complexity), bandit (mapped tests)."""
