"""The taint engine: request data followed to dangerous sinks, across functions, classes and modules.

- `models.py` + `models/*.yaml`: sources, sinks (with a kind), sanitizers, propagators, as data.
- `values.py`: the abstract values (origin, sanitised kinds, built, trace).
- `intra.py`: the per-function flow-sensitive interpreter; `collector.py` runs it in the worker and stores
  the summaries in the file's facts (cached by content hash).
- `interproc.py`: the project step: calls linked to definitions, flows resolved to their roots;
  `project.py` runs it once per scan.

`project.analyse(project_model)` is what the rules read (memoised per scan). docs/taint.md describes the whole engine.
"""

