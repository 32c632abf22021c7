"""BA-AUTH-002: PyJWT `decode()` without `algorithms=` under a PyJWT the project pins at 2 or later. PyJWT 2
refuses such a call (DecodeError: "It is required that you pass in a value for the algorithms argument"), or,
with a PyJWK key, takes the key's own algorithm: the token's header chooses nothing, so there is no algorithm
confusion. What remains is a call that fails on every token, a functional bug that fails closed (blind set T:
an OIDC audience check no token could pass, its tests mocking jwt.decode). The file check
(tokens.JwtVerificationOff) leaves these findings here; with PyJWT 1.x allowed, or no version pinned, they
stay as it made them."""

from __future__ import annotations

from typing import Any

from ..findings import Finding
from .base import ProjectCheck, deferred_findings
from .dependency_pins import lowest_major
from .tokens import PYJWT_NO_ALGORITHMS


class PyJwtTwoRefuses(ProjectCheck):
    RULE_ID = "BA-AUTH-002"
    # on a subset the manifests may be out of view: the findings keep the file check's level
    SOUND_ON_FILE_SUBSET = True

    def run(self, project: Any) -> list[Finding]:
        deferred = deferred_findings(project, PYJWT_NO_ALGORITHMS)
        if not deferred:
            return []
        pinned = lowest_major(project, "pyjwt")
        if pinned is None or pinned[0] < 2:
            return deferred
        for finding in deferred:
            call = finding.message.partition("(")[0]
            finding.level = "note"
            finding.message = (f"{call}() without algorithms=: the project installs PyJWT {pinned[0]} or later "
                               f"({pinned[1]}), which refuses a decode without algorithms= (DecodeError) unless the "
                               "key is a PyJWK, whose own algorithm it then uses: the token header picks nothing, "
                               "but this call fails on every token, a functional bug that fails closed; pass "
                               "algorithms=[...]")
            finding.properties = {**finding.properties, "sub": "no-algorithms-refused"}
        return deferred
