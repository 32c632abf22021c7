from fastapi import APIRouter

from .imaging import Resizer

router = APIRouter()


@router.post("/images/{name}/resize")
def resize(name: str, geometry: str):
    resizer = Resizer(geometry)
    return {"path": resizer.resize(name)}
