from pydantic import BaseModel, field_validator

LOCALES = {"en-US", "de-DE", "fr-FR"}


class Registration(BaseModel):
    name: str
    locale: str = "en-US"

    @field_validator("locale")
    def known_locale(cls, value):
        if value not in LOCALES:
            raise ValueError("unknown locale")
        return value
