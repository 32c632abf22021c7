from flask import abort, session

DISCOUNTS = {"WELCOME10": 10, "SPRING20": 20}


class SessionState:
    def remember_discount(self, code):
        if code not in DISCOUNTS:
            abort(400)
        session["discount_percent"] = DISCOUNTS[code]  # safe: trust-boundary
