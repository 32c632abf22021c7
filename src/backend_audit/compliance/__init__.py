"""Checklists: read the team's agent files, match each checklist item to rule keys, and give every item
one state after the findings are final (a scan postprocessor).

May import: the top-level modules and `pipeline.discovery` (to list repository files for evidence).
"""
