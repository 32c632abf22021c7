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
import re

from ..checks.base import BanditCheck, FileContext
from ..findings import Finding


def silence_logs() -> None:
    """Before bandit is imported (its plugin loader may already warn): `logging` itself is imported here, so
    a scan that never needs bandit does not pay for it."""
    import logging

    for name in ("bandit", "stevedore"):
        logging.getLogger(name).setLevel(logging.CRITICAL + 1)


@functools.lru_cache(maxsize=8)
def _manager(test_ids: tuple[str, ...]):
    silence_logs()
    from bandit.core import config as b_config
    from bandit.core import manager as b_manager

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


# What each mapped bandit test needs to see in a file's text before it can fire: the name it resolves a
# call to (bandit reads aliases from the imports, so the module or the function's own name is written
# somewhere), or the keyword argument it tests. Most files match none and skip bandit's walk, its
# largest cost. Each condition is (words, pattern): one of the words as a substring (a fast C scan),
# then the pattern, if any, to rule out "filesystem" for "system"; a test needs all its conditions.
# tests/test_engines.py keeps this sound against bandit's own configuration; a test id missing here
# always runs.
_SHELL_FUNCS = (("system", "popen", "Popen", "getoutput", "getstatusoutput"),
                r"\b(?:system|[pP]open\d?|get(?:status)?output)\b")
_SHELL_KW = (("shell",), r"\bshell\s*=")
TRIGGERS: dict[str, tuple[tuple[tuple[str, ...], str | None], ...]] = {
    "B201": ((("debug",), r"\bdebug\s*="),),  # app.run(debug=True)
    # jsonpickle.*, pandas.read_pickle included; dill and shelve as words ("Cordillera" in a data table is not)
    "B301": ((("pickle", "dill", "shelve"), r"pickle|\bdill\b|\bshelve\b"),),
    "B302": ((("marshal",), None),),
    **{f"B3{n}": ((("xml",), None),) for n in range(13, 21)},  # xml.etree, xml.sax, xml.dom, lxml
    "B323": ((("_create_unverified_context",), None),),
    "B304": ((("Crypto", "cryptography"), None),),  # PyCryptodome ciphers, cryptography's weak algorithms
    "B305": ((("ECB",), None),),
    # rsa/dsa/ec.generate_private_key, RSA.generate(bits): bandit resolves them through an import of
    # cryptography, Crypto or Cryptodome, so the module is named too (alembic's "autogenerate" is not a key)
    "B505": ((("generate",), None), (("Crypto", "cryptography"), None)),
    "B501": ((("verify",), r"\bverify\s*="),),  # verify=False
    "B602": (_SHELL_KW,), "B604": (_SHELL_KW,),  # shell=True
    "B605": (_SHELL_FUNCS,),
    # a shell call whose literal command names one of these (bandit tests substrings) and a "*"
    "B609": ((_SHELL_KW[0] + _SHELL_FUNCS[0], f"{_SHELL_KW[1]}|{_SHELL_FUNCS[1]}"),
             (("chown", "chmod", "tar", "rsync"), None), (("*",), None)),
    "B614": ((("torch",), None),),
}


def _holds(condition: tuple[tuple[str, ...], str | None], text: str) -> bool:
    words, pattern = condition
    return any(w in text for w in words) and (pattern is None or re.search(pattern, text) is not None)


def may_fire(test_ids: tuple[str, ...] | list[str], text: str) -> bool:
    """False when no test can fire on this text: bandit need not walk the file."""
    return any(test_id not in TRIGGERS or all(_holds(c, text) for c in TRIGGERS[test_id]) for test_id in test_ids)


class BanditFailed(Exception):
    pass


def run_checks(tree: ast.Module, data: bytes, abs_path: str, ctx: FileContext,
               checks: list[type[BanditCheck]]) -> list[Finding]:
    if not checks:
        return []
    silence_logs()
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
