"""aiohttp handlers of a metrics API on asyncpg."""

from aiohttp import web

routes = web.RouteTableDef()
METRIC_TABLES = {"cpu": "metrics_cpu", "mem": "metrics_mem"}


@routes.get("/hosts/{host}/metrics")
async def host_metrics(request: web.Request) -> web.Response:
    host = request.match_info["host"]
    pool = request.app["pool"]
    rows = await pool.fetch(f"SELECT ts, value FROM metrics WHERE host = '{host}'")  # vuln: sql
    return web.json_response([dict(r) for r in rows])


@routes.get("/hosts/{host}/metrics-bound")
async def host_metrics_bound(request: web.Request) -> web.Response:
    host = request.match_info["host"]
    pool = request.app["pool"]
    rows = await pool.fetch("SELECT ts, value FROM metrics WHERE host = $1", host)  # safe: sql
    return web.json_response([dict(r) for r in rows])


@routes.get("/metrics/{kind}")
async def metrics_by_kind(request: web.Request) -> web.Response:
    table = METRIC_TABLES.get(request.match_info["kind"])
    if table is None:
        raise web.HTTPNotFound()
    rows = await request.app["pool"].fetch(f"SELECT ts, value FROM {table} ORDER BY ts DESC LIMIT 100")  # safe: sql
    return web.json_response([dict(r) for r in rows])


@routes.get("/metrics-table")
async def metrics_by_table(request: web.Request) -> web.Response:
    table = request.query.get("table", "metrics_cpu")
    rows = await request.app["pool"].fetch(f"SELECT ts, value FROM {table} ORDER BY ts DESC LIMIT 100")  # vuln: sql
    return web.json_response([dict(r) for r in rows])


@routes.post("/annotations")
async def add_annotation(request: web.Request) -> web.Response:
    form = await request.post()
    note = form["note"]
    await request.app["pool"].execute("INSERT INTO annotations (note) VALUES ('%s')" % note)  # vuln: sql
    return web.Response(status=201)


@routes.post("/annotations-bound")
async def add_annotation_bound(request: web.Request) -> web.Response:
    form = await request.post()
    note = form["note"]
    await request.app["pool"].execute("INSERT INTO annotations (note) VALUES ($1)", note)  # safe: sql
    return web.Response(status=201)
