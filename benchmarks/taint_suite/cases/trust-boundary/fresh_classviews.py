"""Class-based views that keep state in the session."""

from django.views import View
from django.http import JsonResponse
from flask import request, session
from flask.views import MethodView


class CouponView(MethodView):
    def post(self):
        session["coupon_percent"] = request.form.get("percent", "0")  # vuln: trust-boundary
        return {"ok": True}


class CouponCodeView(MethodView):
    COUPONS = {"SPRING": 10, "VIP": 25}

    def post(self):
        session["coupon_percent"] = self.COUPONS.get(request.form.get("code", ""), 0)  # safe: trust-boundary
        return {"ok": True}


class ImpersonateView(View):
    def post(self, request):
        request.session["acting_as"] = request.headers.get("X-Act-As", "")  # vuln: trust-boundary
        return JsonResponse({"ok": True})


class VisitCountView(View):
    def get(self, request):
        request.session["visits"] = request.session.get("visits", 0) + 1  # safe: trust-boundary
        return JsonResponse({"visits": request.session["visits"]})
