from flask import session


class SessionState:
    def remember_discount(self, percent):
        session["discount_percent"] = percent  # vuln: trust-boundary
