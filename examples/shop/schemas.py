"""Request and response schemas (pydantic)."""

from pydantic import BaseModel, EmailStr, Field


class UserOut(BaseModel):
    id: int
    email: EmailStr
    name: str


class OrderIn(BaseModel):
    sku: str = Field(max_length=32)
    quantity: int = Field(gt=0, le=100)


class OrderOut(BaseModel):
    id: int
    status: str
    total_cents: int
