from fastapi import APIRouter, Request

from .codec import JobCodec

router = APIRouter()
codec = JobCodec()


@router.post("/batch")
async def batch(request: Request):
    jobs = codec.decode(await request.body())
    return {"count": len(jobs)}
