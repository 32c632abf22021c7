"""Errors the CLI turns into one line and an exit code."""


class BackendAuditError(Exception):
    exit_code = 3


class ConfigError(BackendAuditError):
    """Bad configuration, unknown rule id, missing target: exit 2 with one clear line."""

    exit_code = 2


class UsageError(ConfigError):
    pass
