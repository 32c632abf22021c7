"""Flask endpoints of a pricing rules engine that evaluates expressions."""

import ast
import json
import operator

from flask import Flask, abort, jsonify, request

app = Flask(__name__)
OPERATORS = {"add": operator.add, "sub": operator.sub, "mul": operator.mul}
PRESET_FORMULAS = {"vat": "price * 1.2", "discount": "price * 0.9"}
ALLOW_USER_FORMULAS = False
ARITHMETIC_NODES = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Constant, ast.Add, ast.Sub, ast.Mult, ast.Div,
                    ast.USub)


@app.get("/calc")
def calc():
    expr = request.args["expr"]
    return jsonify(result=eval(expr))  # vuln: code


@app.get("/calc-literal")
def calc_literal():
    expr = request.args["expr"]
    return jsonify(result=ast.literal_eval(expr))  # safe: code


@app.get("/calc-op")
def calc_op():
    op = OPERATORS.get(request.args["op"])
    if op is None:
        abort(400)
    return jsonify(result=op(float(request.args["a"]), float(request.args["b"])))  # safe: code


@app.get("/price")
def price():
    formula = request.args.get("formula", "price")
    return jsonify(result=eval(formula, {"__builtins__": {}}, {"price": 100.0}))  # vuln: code


@app.get("/price-preset")
def price_preset():
    formula = PRESET_FORMULAS.get(request.args.get("name", "vat"), "price")
    return jsonify(result=eval(formula, {"__builtins__": {}}, {"price": 100.0}))  # safe: code


@app.get("/price-preset-or-raw")
def price_preset_or_raw():
    name = request.args.get("name", "vat")
    formula = PRESET_FORMULAS[name] if name in PRESET_FORMULAS else name
    return jsonify(result=eval(formula, {"__builtins__": {}}, {"price": 100.0}))  # vuln: code


@app.get("/price-flagged")
def price_flagged():
    formula = request.args.get("formula", "price")
    if ALLOW_USER_FORMULAS:
        return jsonify(result=eval(formula, {"price": 100.0}))  # safe: code
    return jsonify(result=eval(PRESET_FORMULAS["vat"], {"price": 100.0}))


@app.post("/rules")
def add_rule():
    body = request.get_json()
    source = f"def rule(order):\n    return {body['condition']}\n"
    namespace = {}
    exec(source, namespace)  # vuln: code
    return jsonify(ok=callable(namespace["rule"]))


@app.post("/rules-json")
def add_rule_json():
    body = request.get_json()
    rule = json.loads(body["condition"])
    namespace = {}
    exec("def rule(order):\n    return order['total'] > LIMIT\n", namespace)  # safe: code
    namespace["LIMIT"] = rule["limit"]
    return jsonify(ok=True)


@app.post("/rules-compiled")
def add_rule_compiled():
    code = compile(request.form["code"], "<rule>", "exec")  # vuln: code
    return jsonify(names=list(code.co_names))


@app.post("/rules-parsed")
def add_rule_parsed():
    tree = ast.parse(request.form["code"], mode="eval")
    for node in ast.walk(tree):
        if not isinstance(node, ARITHMETIC_NODES):
            abort(400, f"{type(node).__name__} is not allowed")
    return jsonify(result=eval(compile(tree, "<rule>", "eval"), {"__builtins__": {}}))  # safe: code
