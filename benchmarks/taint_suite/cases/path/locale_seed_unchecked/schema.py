from pydantic import BaseModel, field_validator


class Registration(BaseModel):
    name: str
    locale: str = "en-US"

    @field_validator("name")
    def strip_name(cls, value):
        if not value.strip():
            raise ValueError("empty name")
        return value.strip()
