"""FastAPI and aiohttp endpoints of a job queue that receives job payloads."""

import json
import pickle

import dill
from aiohttp import web
from fastapi import APIRouter, Request

router = APIRouter()
routes = web.RouteTableDef()


@router.post("/jobs")
async def submit_job(request: Request):
    job = pickle.loads(await request.body())  # vuln: deserialization
    return {"id": job["id"]}


@router.post("/jobs-json")
async def submit_job_json(request: Request):
    job = json.loads(await request.body())  # safe: deserialization
    return {"id": job["id"]}


@routes.post("/tasks")
async def submit_task(request: web.Request) -> web.Response:
    task = dill.loads(await request.read())  # vuln: deserialization
    return web.json_response({"name": task.__name__})


@routes.post("/tasks-json")
async def submit_task_json(request: web.Request) -> web.Response:
    task = await request.json()
    return web.json_response({"name": task["name"]})  # safe: deserialization
