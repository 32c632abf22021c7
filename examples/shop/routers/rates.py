"""Exchange rates, proxied from an upstream service and cached in Redis."""  # expect: BA-TEST-002

import httpx
import redis
from fastapi import APIRouter, Depends

from ..settings import get_settings

router = APIRouter(prefix="/rates", tags=["rates"])
RATES_URL = "https://rates.example.com/v1/latest"

_cache = redis.Redis.from_url(get_settings().database_url.replace("sqlite", "redis"))


def get_cache_per_request() -> redis.Redis:
    return redis.Redis(host="cache", port=6379)  # expect: BA-PERF-004


def get_cache() -> redis.Redis:
    return _cache


@router.get("/latest")
def latest(cache: redis.Redis = Depends(get_cache)) -> dict:  # expect: BA-TEST-005
    cached = cache.get("rates")
    if cached:
        return {"rates": cached}
    rates = httpx.get(RATES_URL, timeout=5).json()
    cache.setex("rates", 300, str(rates))
    return rates


@router.get("/latest-uncached")
def latest_uncached(cache: redis.Redis = Depends(get_cache_per_request)) -> dict:  # expect: BA-TEST-005
    return httpx.get(RATES_URL, timeout=5).json()
