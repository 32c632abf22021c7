"""Readers and matchers for what a scanned repository supplies (config, baseline, coverage, agent files,
exclude patterns), bounded in time and memory: files opened without blocking and size-limited, JSON and
YAML with nesting and alias limits, glob patterns matched in linear time. docs/security.md says why. Also
the user cache of start-up data (user_cache.py): only the user's own private files are read from it, and maps
whose keys a scanned repository chooses stay bounded.

May import: nothing of the package except `errors`; everything else may import it.
"""
