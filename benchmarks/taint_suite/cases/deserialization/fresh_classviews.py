"""Class-based views that accept serialised payloads."""

import json
import pickle

import yaml
from flask import request
from flask.views import MethodView


class ImportView(MethodView):
    def post(self):
        payload = request.get_data()
        return {"n": len(self.decode(payload))}

    def decode(self, payload):
        return pickle.loads(payload)  # vuln: deserialization


class ImportJsonView(MethodView):
    def post(self):
        payload = request.get_data()
        return {"n": len(self.decode(payload))}

    def decode(self, payload):
        return json.loads(payload)  # safe: deserialization


class SettingsView(MethodView):
    def put(self):
        return {"keys": sorted(yaml.load(request.stream, Loader=yaml.Loader))}  # vuln: deserialization


class SettingsSafeView(MethodView):
    def put(self):
        return {"keys": sorted(yaml.safe_load(request.stream))}  # safe: deserialization
