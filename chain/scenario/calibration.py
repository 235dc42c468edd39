"""Real public figures the scenario is calibrated on, copied into the package with their sources.

The shipped code reads only the files in `chain/scenario/data/` and the constants below, never
`../shared/data` (tests compare these copies with the originals there):

- `data/kiva_loans_ke_ph_ng_gt.csv`: the 363 rows for Kenya, the Philippines, Nigeria and Guatemala of
  a 1,000-row random sample of Kiva's public loans table (2014-2017; Kaggle "Data Science for Good:
  Kiva Crowdfunding", sample from GitHub feng443/RUDS-Proj1-Kiva-Crowd-Funding-Visualization,
  resource/kiva_loans_sample.csv): loan amount (USD), term (months), sector, activity, repayment interval.
  Borrower names, genders, free-text uses and places were left out.
- `data/rpw_corridors_2025q1.csv`: World Bank Remittance Prices Worldwide, 2025 Q1, the corridors
  into KEN, PHL, NGA and GTM: unweighted mean over providers of the total cost (%) of sending USD 200
  and USD 500, FX margin, provider count (derived file: GitHub jonsmirl/thesis, thesis_data/rpw_filtered.csv).
- Global Findex headline figures (constants below).
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
KIVA_FILE = DATA_DIR / "kiva_loans_ke_ph_ng_gt.csv"
RPW_FILE = DATA_DIR / "rpw_corridors_2025q1.csv"

# Global Findex: share of adults with an account. 2021 (world): 76%, 1.4 billion adults unbanked
# (Global Findex 2021 press release); 2024 (low- and middle-income economies): 75% (Global Findex 2025).
# Our villages are in low- and middle-income economies, so 75% of adults start with an account.
FINDEX_ACCOUNT_OWNERSHIP_LMIC_2024 = 0.75
FINDEX_ACCOUNT_OWNERSHIP_WORLD_2021 = 0.76
FINDEX_UNBANKED_ADULTS_2021_BILLION = 1.4

# World Bank RPW: global average cost of sending USD 200 in 2023 Q3 was 6.18% (RPW Issue 47,
# September 2023); SDG target 10.c: below 3%, and no corridor above 5%.
RPW_GLOBAL_AVERAGE_PCT_2023Q3 = 6.18
SDG_10C_TARGET_PCT = 3.0
SDG_10C_CORRIDOR_CAP_PCT = 5.0

# Kiva sample: 712 of the 1,000 loans went to women only, 213 to men only, 75 to mixed groups.
KIVA_FEMALE_ONLY_SHARE = 0.712

# Reference exchange rates, local units per USD: approximate 2025 Q1 averages of the central banks'
# published reference rates (CBK for KES, BSP for PHP, CBN for NGN, Banguat for GTQ). Approximate, and
# NOT from ../shared/data (no FX file there); the oracle pallet, when present, posts these at genesis.
USD_RATES: dict[str, float] = {"KE": 129.3, "PH": 57.9, "NG": 1_530.0, "GT": 7.71}

# ISO 3166 alpha-3 (RPW) -> alpha-2 (the chain's asset and agent country codes).
ALPHA3_TO_2 = {
    "KEN": "KE", "PHL": "PH", "NGA": "NG", "GTM": "GT", "USA": "US", "GBR": "GB", "ARE": "AE", "SAU": "SA",
    "CAN": "CA", "AUS": "AU", "DEU": "DE", "ESP": "ES", "ITA": "IT", "JPN": "JP", "KWT": "KW", "MYS": "MY",
    "NLD": "NL", "NZL": "NZ", "QAT": "QA", "SGP": "SG", "ZAF": "ZA", "TZA": "TZ", "RWA": "RW", "GHA": "GH",
    "CMR": "CM",
}


@dataclass(frozen=True)
class KivaLoan:
    kiva_id: int
    country: str  # alpha-2
    amount_usd: float
    term_months: int
    sector: str
    activity: str
    repayment_interval: str  # monthly | irregular | bullet | weekly


@dataclass(frozen=True)
class Corridor:
    source: str  # alpha-2 of the sending country
    source_name: str
    destination: str  # alpha-2
    cost_pct_200: float  # total cost % of sending USD 200 (fee + FX margin)
    cost_pct_500: float
    fx_margin_pct_200: float
    providers: int

    @property
    def code(self) -> str:
        return f"{self.source}-{self.destination}"

    def cost_pct(self, amount_usd: float) -> float:
        """Total cost % for an amount: RPW's two price points, linear in between, flat outside."""
        if amount_usd <= 200:
            return self.cost_pct_200
        if amount_usd >= 500:
            return self.cost_pct_500
        w = (amount_usd - 200) / 300
        return self.cost_pct_200 * (1 - w) + self.cost_pct_500 * w


@lru_cache(maxsize=1)
def kiva_loans() -> tuple[KivaLoan, ...]:
    with KIVA_FILE.open(newline="", encoding="utf-8") as fh:
        return tuple(
            KivaLoan(int(r["kiva_id"]), r["country_code"], float(r["loan_amount_usd"]), int(r["term_in_months"]),
                     r["sector"], r["activity"], r["repayment_interval"])
            for r in csv.DictReader(fh)
        )


def kiva_loans_for(country: str) -> tuple[KivaLoan, ...]:
    """Kiva loans of a country (alpha-2); all four countries' loans if the country has none."""
    rows = tuple(r for r in kiva_loans() if r.country == country)
    return rows or kiva_loans()


@lru_cache(maxsize=1)
def corridors() -> tuple[Corridor, ...]:
    with RPW_FILE.open(newline="", encoding="utf-8") as fh:
        return tuple(
            Corridor(ALPHA3_TO_2[r["source_code"]], r["source_name"], ALPHA3_TO_2[r["destination_code"]],
                     float(r["avg_cost_pct_200usd"]), float(r["avg_cost_pct_500usd"]),
                     float(r["avg_fx_margin_200usd"]), int(r["num_providers"]))
            for r in csv.DictReader(fh)
        )


def corridors_to(country: str) -> tuple[Corridor, ...]:
    """RPW corridors into a country (alpha-2), cheapest first."""
    return tuple(sorted((c for c in corridors() if c.destination == country), key=lambda c: c.cost_pct_200))
