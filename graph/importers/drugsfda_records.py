"""Typed intermediate records for Drugs@FDA applications, from openFDA JSON or the raw
Drugs@FDA tables; `drugsfda_map` reads only these."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from graph.dates import PartialDate

APPLICATION: Final = re.compile(r"(NDA|ANDA|BLA)([0-9]{6})")


class SourceFormat(StrEnum):
    OPENFDA = "openFDA drugsfda JSON"
    TABLES = "Drugs@FDA data tables"


@dataclass(frozen=True)
class Product:
    brand_name: str | None
    active_ingredients: tuple[str, ...]
    dosage_form: str | None = None
    marketing_status: str | None = None


@dataclass(frozen=True)
class Submission:
    type: str  # ORIG or SUPPL
    number: str
    status: str  # AP (approved), TA (tentative approval), ...
    status_date: PartialDate | None
    review_priority: str | None = None  # STANDARD, PRIORITY
    class_code: str | None = None
    class_description: str | None = None
    properties: tuple[str, ...] = ()  # Orphan, ...
    public_notes: str | None = None

    @property
    def label(self) -> str:
        """ORIG-1, SUPPL-12: stable within an application."""
        return f"{self.type}-{self.number}"


@dataclass(frozen=True)
class Application:
    number: str  # NDA207145: type and six digits, as openFDA writes it
    origin: str
    source_format: SourceFormat
    sponsor_name: str | None
    products: tuple[Product, ...]
    submissions: tuple[Submission, ...]
    substance_names: tuple[str, ...] = ()  # openFDA's harmonised generic/substance names
    data_date: PartialDate | None = None  # openFDA meta.last_updated

    @property
    def digits(self) -> str:
        return self.number[-6:]

    @property
    def kind(self) -> str:
        return self.number[:-6]

    @property
    def brand_names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p.brand_name for p in self.products if p.brand_name))
