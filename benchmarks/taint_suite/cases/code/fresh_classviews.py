"""Class-based views of a formula service."""

import ast

from flask import request
from flask.views import MethodView


class FormulaView(MethodView):
    def post(self):
        formula = request.json.get("formula", "0")
        return {"value": eval(formula.replace("^", "**"), {"__builtins__": {}})}  # vuln: code


class FormulaLiteralView(MethodView):
    def post(self):
        formula = request.json.get("formula", "0")
        return {"value": ast.literal_eval(formula.replace("^", "**"))}  # safe: code
