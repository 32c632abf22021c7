"""bandit in-process on one file, with only the test ids our rules map; its issues are re-keyed.

bandit's node visitor walks the `ast` tree the runner already parsed (its manager would parse the
file again, count its lines and start a tokenizer: a third of bandit's time on a file).

bandit runs with ignore_nosec: `# nosec` is applied by suppressions.py from the one tokenize pass we
already make, so nosec'd findings are kept and counted as suppressed instead of vanishing (and bandit
skips its own tokenize of the file). Its logger is silenced (it warns on every
comment containing "nosec" and draws progress bars). One manager per worker process, reused.
"""

from __future__ import annotations

import ast
import functools
import io
import logging

from ..checks.base import BanditCheck, FileContext
from ..findings import Finding

logging.getLogger("bandit").setLevel(logging.CRITICAL + 1)
logging.getLogger("stevedore").setLevel(logging.CRITICAL + 1)


@functools.lru_cache(maxsize=8)
def _manager(test_ids: tuple[str, ...]):
    from bandit.core import config as b_config
    from bandit.core import manager as b_manager

    for name in ("bandit", "stevedore"):
        logging.getLogger(name).setLevel(logging.CRITICAL + 1)
    return b_manager.BanditManager(b_config.BanditConfig(), "file", quiet=True,
                                   profile={"include": set(test_ids), "exclude": set()}, ignore_nosec=True)


@functools.lru_cache(maxsize=8)
def _blacklist_config(test_ids: tuple[str, ...]) -> dict:
    """The blacklist data (B3xx/B4xx) for these test ids, filtered the way bandit's test set filters it."""
    from bandit.core import extension_loader

    wanted = set(test_ids)
    config = {node: [t for t in tests if t["id"] in wanted]
              for node, tests in extension_loader.MANAGER.blacklist.items()}
    return {node: tests for node, tests in config.items() if tests}


def _activate_blacklist(test_ids: tuple[str, ...]) -> None:
    """bandit keeps the filtered blacklist on a module-global function, so the last manager built wins for
    every manager: with two rule selections (per-file ignores, the test suite) B301 vanished after a B323-only
    manager was built. Put this selection's data back before each run."""
    from bandit.core import blacklisting

    config = _blacklist_config(test_ids)
    if config:
        blacklisting.blacklist._checks = config.keys()
        blacklisting.blacklist._config = config


class BanditFailed(Exception):
    pass


def run_checks(tree: ast.Module, data: bytes, abs_path: str, ctx: FileContext,
               checks: list[type[BanditCheck]]) -> list[Finding]:
    if not checks:
        return []
    from bandit.core import node_visitor

    owners: dict[str, BanditCheck] = {}
    for cls in checks:
        inst = cls(ctx)
        for test_id in inst.rule.bandit_tests:
            owners[test_id] = inst
    mgr = _manager(tuple(sorted(owners)))
    _activate_blacklist(tuple(sorted(owners)))
    # What BanditManager._parse_file -> BanditNodeVisitor.process do, minus the parse: bandit annotates
    # the nodes it visits (_bandit_parent/_bandit_sibling), harmless as it is the tree's last reader.
    visitor = node_visitor.BanditNodeVisitor(abs_path, io.BytesIO(data), mgr.b_ma, mgr.b_ts, mgr.debug, {},
                                             mgr.metrics)
    try:
        visitor.generic_visit(tree)
        visitor.context = {"file_data": visitor.fdata, "filename": abs_path, "lineno": 0, "linerange": [0, 1],
                           "col_offset": 0}
        visitor.update_scores(visitor.tester.run_tests(visitor.context, "File"))
    except RecursionError:
        raise
    except Exception as exc:  # noqa: BLE001 - a bandit plugin failing on odd code costs its findings only
        raise BanditFailed(f"exception while scanning file: {type(exc).__name__}: {exc}") from None
    out: list[Finding] = []
    for issue in visitor.tester.results:
        owner = owners.get(issue.test_id)
        if owner is None:
            continue
        finding = owner.convert(issue)
        if finding is not None:
            out.append(finding)
    return out
