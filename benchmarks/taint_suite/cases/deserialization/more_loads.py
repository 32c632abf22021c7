"""Flask, FastAPI and DRF endpoints of a ML-serving and settings-sync backend."""

import io
import json
import pickle
import shelve

import joblib
import numpy as np
import torch
from fastapi import APIRouter, UploadFile
from flask import Flask, request
from rest_framework.response import Response
from rest_framework.views import APIView

app = Flask(__name__)
router = APIRouter()


@app.post("/models")
def upload_model():
    model = joblib.load(io.BytesIO(request.files["model"].read()))  # vuln: deserialization
    return {"type": type(model).__name__}


@app.post("/models-numpy")
def upload_array():
    arr = np.load(io.BytesIO(request.files["array"].read()), allow_pickle=False)  # safe: deserialization
    return {"shape": list(arr.shape)}


@router.post("/weights")
async def upload_weights(file: UploadFile):
    state = torch.load(io.BytesIO(await file.read()))  # vuln: deserialization
    return {"keys": len(state)}


@router.post("/weights-only")
async def upload_weights_only(file: UploadFile):
    state = torch.load(io.BytesIO(await file.read()), weights_only=True)  # safe: deserialization
    return {"keys": len(state)}


class SettingsSyncAPI(APIView):
    def post(self, request):
        blob = request.data["blob"].encode("latin-1")
        settings = pickle.Unpickler(io.BytesIO(blob)).load()  # vuln: deserialization
        return Response({"keys": sorted(settings)})


class SettingsSyncJsonAPI(APIView):
    def post(self, request):
        settings = json.loads(request.data["blob"])  # safe: deserialization
        return Response({"keys": sorted(settings)})


class SettingsCacheAPI(APIView):
    def get(self, request):
        with shelve.open("/var/cache/app/settings") as db:
            return Response({"theme": db.get("theme"), "asked": request.query_params.get("k")})  # safe: deserialization
