"""The brand's onboarding config (TOML), validated: catalogue, countries, partners, languages."""

from __future__ import annotations

import tomllib
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from flexloop.errors import BadInput

EXAMPLE = Path(__file__).parent / "data" / "brand.example.toml"


class Product(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sku: str = Field(min_length=1)
    name: str = Field(min_length=1)
    aliases: dict[str, list[str]] = Field(default_factory=dict, description="language code -> aliases")


class Country(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(pattern=r"^[A-Z]{2}$")
    timezone: str
    business_hours: tuple[int, int] = (9, 18)
    region: str = "other"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value


class Brand(BaseModel):
    """Everything flexloop needs to know about the brand before the first mention."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1)
    languages: list[str] = Field(min_length=1)
    owner: str = "brand owner"
    partners: list[str] = Field(default_factory=list, description="names never shown in public text")
    products: list[Product] = Field(default_factory=list)
    countries: list[Country] = Field(default_factory=list)

    def product_aliases(self) -> dict[str, str]:
        """Lower-cased alias (any language, SKU and name included) -> SKU."""
        out: dict[str, str] = {}
        for p in self.products:
            out[p.sku.lower()] = p.sku
            out[p.name.lower()] = p.sku
            for names in p.aliases.values():
                for alias in names:
                    out[alias.lower()] = p.sku
        return out


def load_brand(path: Path) -> Brand:
    """Read and validate a brand TOML file; errors name the key and the problem."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise BadInput(f"config not found: {path} (create one with `flexloop init`)") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise BadInput(f"{path} is not valid TOML: {exc}") from exc
    try:
        return Brand.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top level)"
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise BadInput(f"{path}: {where}: {first['msg']}{more}") from exc
