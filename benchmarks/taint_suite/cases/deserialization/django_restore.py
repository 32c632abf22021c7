"""Django and DRF views that accept serialised objects."""

import json
import pickle

import yaml
from django.core import signing
from django.http import JsonResponse
from django.views import View
from rest_framework.response import Response
from rest_framework.views import APIView


def load_cart(request):
    cart = pickle.loads(bytes.fromhex(request.COOKIES.get("cart", "")))  # vuln: deserialization
    return JsonResponse({"items": len(cart)})


def load_cart_signed(request):
    cart = signing.loads(request.COOKIES.get("cart", ""), salt="cart")  # safe: deserialization
    return JsonResponse({"items": len(cart)})


def upload_config(request):
    config = yaml.unsafe_load(request.FILES["config"].read())  # vuln: deserialization
    return JsonResponse({"keys": sorted(config)})


def upload_config_safe(request):
    config = yaml.load(request.FILES["config"].read(), Loader=yaml.CSafeLoader)  # safe: deserialization
    return JsonResponse({"keys": sorted(config)})


class SnapshotView(View):
    def post(self, request):
        self.snapshot = request.body
        return JsonResponse({"size": len(self.restore())})

    def restore(self):
        return pickle.loads(self.snapshot)  # vuln: deserialization


class SnapshotJsonView(View):
    def post(self, request):
        self.snapshot = request.body
        return JsonResponse({"size": len(self.restore())})

    def restore(self):
        return json.loads(self.snapshot)  # safe: deserialization


class RulesAPI(APIView):
    def post(self, request):
        rules = yaml.load(request.data["rules"], Loader=yaml.FullLoader)  # vuln: deserialization
        return Response({"count": len(rules)})


class RulesSafeAPI(APIView):
    def post(self, request):
        rules = yaml.safe_load(request.data["rules"])  # safe: deserialization
        return Response({"count": len(rules)})
