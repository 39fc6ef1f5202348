"""ISO 3166-1 country codes of the region: alpha-2 to alpha-3.

People write the two-letter code they know from number plates and domains (``TR``, ``GE``); the
data and the scenario use the three-letter code (``TUR``, ``GEO``). This table turns one into the
other for hints. Kosovo has no ISO code: ``XK``/``XKX`` are the user-assigned codes in common use.
"""

from __future__ import annotations

ALPHA2_TO_ALPHA3: dict[str, str] = {
    "AL": "ALB", "AM": "ARM", "AT": "AUT", "AZ": "AZE", "BA": "BIH", "BG": "BGR", "BY": "BLR",
    "CY": "CYP", "CZ": "CZE", "DE": "DEU", "GE": "GEO", "GR": "GRC", "HR": "HRV", "HU": "HUN",
    "IL": "ISR", "IQ": "IRQ", "IR": "IRN", "IT": "ITA", "JO": "JOR", "KZ": "KAZ", "LB": "LBN",
    "LT": "LTU", "LV": "LVA", "MD": "MDA", "ME": "MNE", "MK": "MKD", "PL": "POL", "RO": "ROU",
    "RS": "SRB", "RU": "RUS", "SI": "SVN", "SK": "SVK", "SY": "SYR", "TM": "TKM", "TR": "TUR",
    "UA": "UKR", "XK": "XKX",
}  # fmt: skip
# The EU's own abbreviation for Greece, seen in EU documents and on older plates.
ALPHA2_TO_ALPHA3["EL"] = "GRC"


def alpha3_for(code: str) -> str | None:
    """The alpha-3 code for a two-letter code of the region (any case), or None."""
    return ALPHA2_TO_ALPHA3.get(code.strip().upper())
