"""Configuration from the environment (12-factor): nothing secret lives in code."""

from functools import lru_cache

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SHOP_")

    database_url: str = "sqlite:///./shop.db"
    debug: bool = False
    jwt_secret: SecretStr = SecretStr("")
    thumbnail_dir: str = "/var/lib/shop/thumbnails"
    cors_origins: list[str] = ["https://shop.example.com"]


@lru_cache
def get_settings() -> Settings:
    return Settings()
