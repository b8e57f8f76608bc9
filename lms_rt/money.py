"""Money: integer amounts in a currency's minor unit, with the right exponent."""

from __future__ import annotations

from typing import Literal

# ISO 4217 currencies the platform prices in, with their minor-unit exponents.
MINOR_UNIT_EXPONENT: dict[str, int] = {
    "EGP": 2,
    "USD": 2,
    "EUR": 2,
    "GBP": 2,
    "SAR": 2,
    "AED": 2,
    "QAR": 2,
    "KWD": 3,
    "BHD": 3,
    "OMR": 3,
    "JOD": 3,
}

Currency = Literal["EGP", "USD", "EUR", "GBP", "SAR", "AED", "QAR", "KWD", "BHD", "OMR", "JOD"]
