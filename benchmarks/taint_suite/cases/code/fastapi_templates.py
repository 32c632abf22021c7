"""FastAPI endpoints of a report builder."""

from fastapi import APIRouter, Request

router = APIRouter()
COLUMNS = {"revenue": "row.price * row.qty", "margin": "row.price - row.cost"}


class Row:
    price = 10.0
    qty = 3
    cost = 4.0


@router.get("/reports/column")
def column(expr: str):
    return {"value": eval(expr, {"row": Row()})}  # vuln: code


@router.get("/reports/named-column")
def named_column(name: str):
    return {"value": eval(COLUMNS.get(name, "0"), {"row": Row()})}  # safe: code


@router.post("/reports/macro")
async def macro(request: Request):
    body = await request.json()
    lines = [body["setup"], "result = total()"]
    env = {"total": lambda: 42}
    exec("\n".join(lines), env)  # vuln: code
    return {"result": env["result"]}


@router.post("/reports/macro-fixed")
async def macro_fixed(request: Request):
    body = await request.json()
    lines = ["x = 1", "result = total()"]
    env = {"total": lambda: 42, "label": body.get("label")}
    exec("\n".join(lines), env)  # safe: code
    return {"result": env["result"]}
