"""Parse once with libcst and run every enabled CST check in ONE batched traversal.

Only the metadata the enabled checks declare is resolved, on the tree we own (unsafe_skip_copy),
which keeps libcst's costly metadata off the hot path.
"""

from __future__ import annotations

import functools
import inspect

import libcst as cst
from libcst.metadata import MetadataWrapper

from ..checks.base import FileContext
from ..checks.cst_base import ContextEnter, ContextLeave, CstCheck


class CstParseError(Exception):
    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


def parse(text: str) -> cst.Module:
    try:
        return cst.parse_module(text)
    except cst.ParserSyntaxError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else "syntax error"
        raise CstParseError(f"syntax error at line {exc.raw_line}: {first}", exc.raw_line) from None
    except cst.CSTValidationError as exc:  # parsed, but not a valid tree: b"x" "y" (found by fuzzing)
        raise CstParseError(f"invalid syntax: {exc}", None) from None
    except RecursionError:
        raise CstParseError("code nested too deeply for the parser", None) from None


def run_checks(module: cst.Module, ctx: FileContext, checks: list[type[CstCheck]],
               collectors: list[type] = ()) -> None:
    """Run checks (findings go to ctx.findings) and fact collectors (facts go to ctx.facts)."""
    ctx.module = module
    visitors = [ContextEnter(ctx)]
    visitors += [cls(ctx) for cls in collectors]
    visitors += [cls(ctx) for cls in checks]
    visitors.append(ContextLeave(ctx))
    for v in visitors:
        v.get_visitors = functools.partial(_bound_visitors, v)
    MetadataWrapper(module, unsafe_skip_copy=True).visit_batched(visitors)


@functools.lru_cache(maxsize=None)
def _visitor_names(cls: type) -> tuple[str, ...]:
    """libcst's BatchableCSTVisitor.get_visitors selection, once per class instead of once per instance.

    libcst runs inspect.getmembers on every visitor of every file (about a tenth of the cold scan); the
    answer only depends on the class. Same filter: the function's own name starts with visit_/leave_ and
    it is not one of libcst's no-op stubs.
    """
    out = []
    for name, member in inspect.getmembers(cls):
        fn = getattr(member, "__func__", member)
        if (inspect.isfunction(fn) and fn.__name__.startswith(("visit_", "leave_"))
                and not getattr(fn, "_is_no_op", False)):
            out.append(name)
    return tuple(out)


def _bound_visitors(visitor: cst.BatchableCSTVisitor) -> dict:
    return {name: getattr(visitor, name) for name in _visitor_names(type(visitor))}
