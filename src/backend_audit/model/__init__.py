"""What the scanner knows about the project: per-file facts (collected in the one `ast` walk), the
frameworks' routes and endpoint inventory, Django settings, coverage data, and the project model that
joins every file's facts for whole-repository rules. The semantic model and taint engine live here.

May import: the top-level modules and `checks.base` (the per-file context the collectors run in).
Must not import the pipeline, workflow, compliance or reporters.
"""
