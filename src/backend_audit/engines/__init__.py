"""The per-file analysis engines, all on one `ast` tree per file: our checks (ast_walk), radon
(complexity), bandit (mapped tests); libcst only as the grammar fallback for files `ast` rejects (cst)."""
