"""The pull-request workflow on top of a finished analysis: changed lines (`--changed-since`), baselines,
inline suppressions and GitHub's line-hash fingerprints.

May import: the top-level modules, `pipeline.discovery` and `checks` (the meta rules about suppressions).
The runner calls these; they never call back into it (the base pass of --changed-since is data it consumes).
"""
