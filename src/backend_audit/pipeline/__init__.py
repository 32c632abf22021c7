"""The scan pipeline: discover files, read and guard them, parse once, analyse each in a worker (cached by
content), then hand the per-file results to the project pass and the workflow steps.

May import: the top-level modules (config, catalog, findings, errors), engines, checks, model and workflow.
Nothing outside the CLI and `testing` imports the pipeline's runner.
"""
