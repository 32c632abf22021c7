"""Rules about suppression comments themselves: a suppression must say why, may expire, and must
still be needed. They read the comments `suppressions.apply` collected, after it marked what each one
silenced, so "unused" means unused in this very run."""

from __future__ import annotations

from .base import MetaCheck


class SuppressionWithoutReason(MetaCheck):
    RULE_ID = "BA-META-001"

    def run(self, comments):
        out = []
        for c in comments:
            if c.error:
                out.append(self.at(c, f"Suppression comment {c.error}; it silences nothing"))
            elif not c.reason:
                out.append(self.at(c, f"Suppression of {', '.join(c.rules)} gives no reason; "
                                      "add one after ' -- '"))
        return out


class UnusedSuppression(MetaCheck):
    RULE_ID = "BA-META-002"

    def run(self, comments):
        out = []
        for c in comments:
            if c.error or c.expired:
                continue
            for rule_id in c.rules:
                if rule_id not in c.known:
                    out.append(self.at(c, f"Suppression names {rule_id}, which is not a backend-audit rule; "
                                          "fix the id or remove it"))
                elif rule_id in c.ran and rule_id not in c.used:
                    out.append(self.at(c, f"Unused suppression: {rule_id} reports nothing on this statement; "
                                          "remove it"))
        return out


class ExpiredSuppression(MetaCheck):
    RULE_ID = "BA-META-003"

    def run(self, comments):
        return [self.at(c, f"Suppression of {', '.join(c.rules)} expired on {c.until} and no longer applies; "
                           "fix the finding or renew the date with a reason")
                for c in comments if c.expired and not c.error]
