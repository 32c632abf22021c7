from fastapi import APIRouter

from .schema import Registration
from .seed import seed

router = APIRouter()


@router.post("/register")
def register(data: Registration):
    return seed(data)
