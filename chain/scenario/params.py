"""Every parameter of the synthetic community, in one place: frozen dataclasses, one per concern.

A scenario is a `ScenarioParams`; the named ones are `SCENARIOS["demo" | "workshop" | "large"]`.
Sweep or tweak with `scenario("demo", **{"economy.purchase_prob": 0.2, "days": 30})`.

Calibrated figures name their source in a comment (the figures themselves live in calibration.py and
chain/scenario/data/). Figures marked "assumption" are modelling choices, not measurements.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from chain.scenario import calibration as cal

ROLES_HOUSEHOLD = ("farmer", "vendor", "labourer")


@dataclass(frozen=True)
class PopulationParams:
    people: int = 200  # about this many person accounts (villagers, migrants, donors), institutions aside
    countries: tuple[tuple[str, float], ...] = (("KE", 0.6), ("PH", 0.4))  # (alpha-2, weight)
    village_adults: int = 100  # adults per village (assumption)
    adults_per_household: tuple[int, ...] = (1, 2, 2, 3)  # drawn uniformly (assumption)
    role_weights: tuple[tuple[str, float], ...] = (("farmer", 0.5), ("vendor", 0.2), ("labourer", 0.3))  # assumption
    merchants_per_village: int = 3
    agents_per_village: int = 2
    educators_per_village: int = 1
    migrant_household_share: float = 0.25  # households with a member abroad who sends money (assumption)
    donors_per_1000: int = 25  # donors abroad per 1,000 people (assumption)
    ngos: int = 2
    # Global Findex 2025: 75% of adults in low- and middle-income economies have an account (2024).
    account_share_at_start: float = cal.FINDEX_ACCOUNT_OWNERSHIP_LMIC_2024
    onboarding_share_per_year: float = 0.5  # of those without an account, opened by the NGO programme (assumption)
    female_share: float = 0.5
    age_range: tuple[int, int] = (18, 70)
    migrant_age_range: tuple[int, int] = (20, 45)


@dataclass(frozen=True)
class EconomyParams:
    # World Bank international poverty line: USD 2.15 a day (2017 PPP, in use 2022-2025). Daily incomes
    # are multiples of it (assumption: rural incomes near the line, merchants and teachers above).
    poverty_line_usd: float = 2.15
    income_multiple: tuple[tuple[str, float], ...] = (
        ("farmer", 1.2), ("vendor", 1.6), ("labourer", 1.0), ("merchant", 3.0), ("educator", 2.5), ("agent", 2.0),
    )
    deposit_share: float = 0.45  # share of earnings brought to an agent and cashed in (the rest stays cash; assumption)
    deposit_interval_days: int = 7  # earnings are cashed in about weekly (assumption)
    # Harvest months (stylised from FAO GIEWS country crop calendars: Kenya long-rains maize Jul-Sep and
    # short rains Jan-Feb; Philippines rice Mar-Apr and Oct-Nov; Nigeria Sep-Nov; Guatemala maize Sep-Nov).
    harvest_months: tuple[tuple[str, tuple[int, ...]], ...] = (
        ("KE", (1, 2, 7, 8, 9)), ("PH", (3, 4, 10, 11)), ("NG", (9, 10, 11)), ("GT", (9, 10, 11)),
    )
    lean_season_factor: float = 0.35  # farm income outside harvest months, as a share of the yearly average
    labourer_harvest_factor: float = 1.6  # more paid work in harvest months
    wage_prob_harvest: float = 0.25  # a farmer pays a labourer on chain on a harvest day (assumption)
    purchase_prob: float = 0.15  # an adult pays a merchant or vendor on chain on a given day (assumption)
    purchase_usd: tuple[float, float] = (0.5, 6.0)
    max_spend_share: float = 0.6  # never spend more than this share of the wallet in one purchase
    merchant_float_usd: float = 40.0  # merchants and vendors cash out above this float
    merchant_cashout_prob: float = 0.5
    household_cashout_prob: float = 0.03  # school fees, clinic, ... (assumption)
    household_cashout_share: tuple[float, float] = (0.3, 0.7)


@dataclass(frozen=True)
class LendingParams:
    # Loan sizes, terms, sectors and repayment intervals are drawn from Kiva's public loans of the
    # household's country (calibration.kiva_loans_for), converted to the local token at the FX rate.
    request_prob_per_month: float = 0.08  # an eligible adult applies in a given month (assumption)
    female_weight: float = cal.KIVA_FEMALE_ONLY_SHARE / (1 - cal.KIVA_FEMALE_ONLY_SHARE)  # Kiva: 71% of loans to women
    max_active_share: float = 0.35  # at most this share of adults hold a loan at once (assumption)
    annual_interest_bps: int = 2_400  # 24% a year, typical of MFI portfolios (assumption)
    late_base_prob: float = 0.04  # an installment is paid late anyway (assumption)
    auto_debit_share: float = 0.3  # borrowers who opt in to auto-debit (assumption)
    borrower_deposit_share: float = 0.9  # borrowers bring most of their cash earnings to the wallet (assumption)
    max_installment_share: float = 0.5  # the MFI rejects a loan whose installment exceeds this share of the
    #   applicant's monthly earnings (a debt-service-ratio rule of thumb; assumption)
    # Returns to capital in microenterprises: about 5-6% a month (de Mel, McKenzie & Woodruff 2008, QJE,
    # "Returns to Capital in Microenterprises: Evidence from a Field Experiment").
    monthly_return_on_capital: float = 0.055


@dataclass(frozen=True)
class RemittanceParams:
    interval_days: int = 30  # migrants send about monthly (assumption)
    # RPW prices two amounts, USD 200 and USD 500; our migrants send around its USD 200 benchmark.
    amount_usd: tuple[float, float] = (100.0, 400.0)
    cashout_share: float = 0.6  # share of a received remittance cashed out at an agent soon after


@dataclass(frozen=True)
class SavingsParams:
    # VSLA methodology (CARE / VSL Associates): 10-25 members, weekly meetings, a cycle of 9-12 months.
    group_size: tuple[int, int] = (15, 25)
    member_share: float = 0.3  # adults in a savings group (assumption)
    meeting_interval_days: int = 7
    share_price_usd: float = 0.5
    shares_per_meeting: tuple[int, int] = (1, 5)  # VSLA: each member buys 1-5 shares a meeting


@dataclass(frozen=True)
class DonationParams:
    campaigns_per_ngo: int = 2
    campaign_goal_usd: tuple[float, float] = (2_000.0, 10_000.0)
    donation_usd: tuple[float, float] = (10.0, 150.0)
    donate_prob: float = 0.05  # a donor gives on a given day while a campaign runs (assumption)
    beneficiaries_per_campaign: tuple[int, int] = (10, 40)
    voucher_usd: tuple[float, float] = (10.0, 40.0)


@dataclass(frozen=True)
class EducationParams:
    courses_per_educator: int = 1
    enrol_prob_per_month: float = 0.05
    module_prob: float = 0.15  # an enrolled learner completes a module on a given day


@dataclass(frozen=True)
class ShockParams:
    drought_days: int = 60
    drought_income_factor: float = 0.4  # farm and labour income during a drought, vs normal
    devaluation_pct: float = 20.0  # the local token loses this much against the stable token
    fraud_forged: int = 20
    fraud_replayed: int = 20
    outage_days: int = 3
    outage_agent_share: float = 0.5


@dataclass(frozen=True)
class ScenarioParams:
    name: str
    days: int
    blocks_per_day: int
    population: PopulationParams = field(default_factory=PopulationParams)
    economy: EconomyParams = field(default_factory=EconomyParams)
    lending: LendingParams = field(default_factory=LendingParams)
    remittance: RemittanceParams = field(default_factory=RemittanceParams)
    savings: SavingsParams = field(default_factory=SavingsParams)
    donations: DonationParams = field(default_factory=DonationParams)
    education: EducationParams = field(default_factory=EducationParams)
    shocks: ShockParams = field(default_factory=ShockParams)
    reconcile_every_days: int = 30  # re-read wallets from the chain (the model's belief vs the chain)
    sign_workers: int = 0  # 0: the CPUs available
    description: str = ""

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


SCENARIOS: dict[str, ScenarioParams] = {
    "demo": ScenarioParams(
        name="demo", days=90, blocks_per_day=24,
        population=PopulationParams(people=200, countries=(("KE", 0.6), ("PH", 0.4)), village_adults=60),
        description="About 200 people in two countries for 90 days: opens with a story, builds in seconds.",
    ),
    "workshop": ScenarioParams(
        name="workshop", days=365, blocks_per_day=24,
        population=PopulationParams(people=2_000, countries=(("KE", 0.4), ("PH", 0.3), ("GT", 0.3))),
        description="About 2,000 people in three countries for a year.",
    ),
    "large": ScenarioParams(
        name="large", days=365, blocks_per_day=12,
        population=PopulationParams(people=10_000, countries=(("KE", 0.35), ("PH", 0.3), ("NG", 0.2), ("GT", 0.15)),
                                    village_adults=150),
        description="About 10,000 people in four countries for a year (about a million extrinsics).",
    ),
}


def scenario(name: str, **overrides: Any) -> ScenarioParams:
    """A named scenario with overrides; nested fields by dotted name: `scenario("demo", **{"economy.purchase_prob": .2})`."""
    try:
        base = SCENARIOS[name]
    except KeyError:
        raise ValueError(f"unknown scenario {name!r}; choose one of {', '.join(SCENARIOS)}") from None
    return replace(base, **overrides)


def replace(params: ScenarioParams, **overrides: Any) -> ScenarioParams:
    """`dataclasses.replace` that also takes dotted names for nested parameter groups."""
    top: dict[str, Any] = {}
    nested: dict[str, dict[str, Any]] = {}
    for key, value in overrides.items():
        if "." in key:
            group, sub = key.split(".", 1)
            nested.setdefault(group, {})[sub] = value
        else:
            top[key] = value
    for group, changes in nested.items():
        current = top.get(group, getattr(params, group))
        try:
            top[group] = dataclasses.replace(current, **changes)
        except TypeError as exc:
            raise ValueError(f"{group}: {exc}") from None
    try:
        return dataclasses.replace(params, **top)
    except TypeError as exc:
        raise ValueError(str(exc)) from None


def sweep(name: str, key: str, values: list[Any]) -> list[ScenarioParams]:
    """One scenario per value of a (dotted) parameter, e.g. `sweep("demo", "lending.late_base_prob", [0, .1])`."""
    return [scenario(name, **{key: v}) for v in values]


def params_from_dict(d: dict[str, Any]) -> ScenarioParams:
    """The inverse of `ScenarioParams.to_dict` (JSON lists become tuples again)."""
    def tup(v: Any) -> Any:
        return tuple(tup(x) for x in v) if isinstance(v, list) else v

    kwargs: dict[str, Any] = {}
    for f in dataclasses.fields(ScenarioParams):
        if f.name not in d:
            continue
        v = d[f.name]
        sub = f.default_factory if f.default_factory is not dataclasses.MISSING else None  # type: ignore[misc]
        if sub is not None and isinstance(v, dict):
            cls = type(sub())
            names = {g.name for g in dataclasses.fields(cls)}
            kwargs[f.name] = cls(**{k: tup(x) for k, x in v.items() if k in names})
        else:
            kwargs[f.name] = tup(v)
    return ScenarioParams(**kwargs)
