"""The synthetic community: people with roles in households and villages, institutions, and their keys.

DEMO-ONLY KEYS. Every generated account's ed25519 key is derived from the scenario seed:
`seed32 = blake2_256(b"puhui/scenario/demo-only-key" | seed (u64 LE) | role | index (u32 LE))`.
Anyone who knows the seed (it is on the command line) can sign for these accounts, which is what makes
a scenario reproducible. Never send real value to them; real keys belong in the password keystore
(`chain.keystore.Keystore`). ed25519 is used because its signatures are deterministic (sr25519's are
randomized), so the same seed gives the same extrinsics and the same block hashes.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

import nacl.bindings

from chain.crypto import KeyType
from chain.hashing import blake2_256
from chain.scenario import calibration as cal
from chain.scenario.names import person_name, village_name
from chain.scenario.params import ScenarioParams

KEY_DOMAIN = b"puhui/scenario/demo-only-key"
DONOR_COUNTRIES = ("US", "GB", "DE", "NL", "CA", "AU")
INSTITUTION_ROLES = ("operator", "oracle", "mfi", "fx_lp", "ngo", "agent_abroad")


def derive_seed(scenario_seed: int, role: str, index: int) -> bytes:
    """The 32-byte ed25519 seed of a generated account (demo only: see the module doc)."""
    return blake2_256(KEY_DOMAIN + (scenario_seed & (2**64 - 1)).to_bytes(8, "little") + role.encode()
                      + index.to_bytes(4, "little"))


class DemoSigner:
    """An ed25519 signer over libsodium (deterministic RFC 8032 signatures, the same bytes as
    chain.crypto.Keypair's ed25519-zebra; about twice as fast). Satisfies chain.extrinsic.Signer."""

    __slots__ = ("public", "secret", "key_type")

    def __init__(self, seed: bytes):
        self.public, self.secret = nacl.bindings.crypto_sign_seed_keypair(seed)
        self.key_type = KeyType.ED25519

    def sign(self, message: bytes) -> bytes:
        return nacl.bindings.crypto_sign(message, self.secret)[:64]


@dataclass
class Person:
    idx: int
    role: str  # farmer vendor labourer merchant agent educator migrant donor | operator mfi ngo agent_abroad
    country: str  # where the person lives (alpha-2)
    home: str  # the country whose token their money is in (a migrant's family's country)
    signer: DemoSigner
    village: int = -1
    household: int = -1
    female: bool = False
    age: int = 0
    has_account: bool = True  # at the start (Findex); the rest are onboarded during the run
    label: str = ""  # institutions only: a public, non-personal label ("MFI KE", "NGO 1")
    corridor: cal.Corridor | None = None  # migrants: the RPW corridor they send through
    name: str = field(default="", repr=False)  # personal: registry only
    village_name: str = field(default="", repr=False)  # personal: registry only

    @property
    def public(self) -> bytes:
        return self.signer.public

    @property
    def institution(self) -> bool:
        return self.role in INSTITUTION_ROLES


@dataclass
class Village:
    idx: int
    country: str
    agents: list[int] = field(default_factory=list)
    merchants: list[int] = field(default_factory=list)
    educators: list[int] = field(default_factory=list)
    households: list[int] = field(default_factory=list)
    adults: list[int] = field(default_factory=list)  # household adults (farmers, vendors, labourers)


@dataclass
class Household:
    idx: int
    village: int
    members: list[int] = field(default_factory=list)
    migrant: int = -1


@dataclass
class Population:
    seed: int
    people: list[Person]
    villages: list[Village]
    households: list[Household]
    operator: int
    oracle: int
    mfi: dict[str, int]  # country -> person index
    fx_lp: dict[str, int]  # country -> the licensed agent that keeps the FX desk liquid in that token
    ngos: list[int]
    agents_abroad: dict[str, int]  # country -> person index
    by_public: dict[bytes, int]
    countries: tuple[str, ...]
    cache: dict[str, Any] = field(default_factory=dict)  # static derived lists the policies reuse

    def role(self, role: str) -> list[int]:
        return [p.idx for p in self.people if p.role == role]

    def personal(self) -> list[Person]:
        """People who have a registry entry (everyone but institutions)."""
        return [p for p in self.people if not p.institution]


def _allocate(total: int, weights: list[float], minimum: int = 1) -> list[int]:
    """Split `total` by weights (largest remainder), each part at least `minimum`."""
    s = sum(weights)
    raw = [total * w / s for w in weights]
    out = [max(minimum, int(r)) for r in raw]
    order = sorted(range(len(weights)), key=lambda i: raw[i] - int(raw[i]), reverse=True)
    i = 0
    while sum(out) < total:
        out[order[i % len(order)]] += 1
        i += 1
    return out


def build_population(params: ScenarioParams, seed: int) -> Population:
    """The community of a scenario, the same for the same params and seed."""
    pp = params.population
    rng = random.Random(int.from_bytes(blake2_256(b"population" + seed.to_bytes(8, "little", signed=True)), "little"))
    people: list[Person] = []
    taken_villages: set[str] = set()

    def add(role: str, country: str, home: str, **kw: object) -> Person:
        idx = len(people)
        p = Person(idx, role, country, home, DemoSigner(derive_seed(seed, role, idx)), **kw)  # type: ignore[arg-type]
        people.append(p)
        return p

    countries = tuple(c for c, _ in pp.countries)
    special = pp.merchants_per_village + pp.agents_per_village + pp.educators_per_village
    hh_adults_per_village = max(1, pp.village_adults - special)
    mean_hh = sum(pp.adults_per_household) / len(pp.adults_per_household)
    per_village = pp.village_adults + hh_adults_per_village / mean_hh * pp.migrant_household_share
    donors_n = max(1, pp.people * pp.donors_per_1000 // 1000)
    n_villages = max(len(countries), round((pp.people - donors_n) / per_village))
    per_country = _allocate(n_villages, [w for _, w in pp.countries])
    roles, role_w = [r for r, _ in pp.role_weights], [w for _, w in pp.role_weights]

    operator = add("operator", "", "", label="Puhui operator").idx
    oracle = add("oracle", "", "", label="FX oracle").idx
    mfi = {c: add("mfi", c, c, label=f"MFI {c}").idx for c in countries}
    fx_lp = {c: add("fx_lp", c, c, label=f"FX liquidity {c}").idx for c in countries}
    ngos = [add("ngo", "", "", label=f"NGO {i + 1}").idx for i in range(pp.ngos)]

    villages: list[Village] = []
    households: list[Household] = []
    for country, nv in zip(countries, per_country):
        for _ in range(nv):
            v = Village(len(villages), country)
            villages.append(v)
            vname = village_name(country, rng, taken_villages)

            def villager(role: str, account: bool = True) -> Person:
                female = rng.random() < pp.female_share
                return add(role, country, country, village=v.idx, female=female, age=rng.randint(*pp.age_range),
                           has_account=account, name=person_name(country, female, rng), village_name=vname)

            v.agents = [villager("agent").idx for _ in range(pp.agents_per_village)]
            v.merchants = [villager("merchant").idx for _ in range(pp.merchants_per_village)]
            v.educators = [villager("educator").idx for _ in range(pp.educators_per_village)]
            adults = 0
            while adults < hh_adults_per_village:
                h = Household(len(households), v.idx)
                households.append(h)
                v.households.append(h.idx)
                for _ in range(min(rng.choice(pp.adults_per_household), hh_adults_per_village - adults)):
                    p = villager(rng.choices(roles, role_w)[0], rng.random() < pp.account_share_at_start)
                    p.household = h.idx
                    h.members.append(p.idx)
                    v.adults.append(p.idx)
                    adults += 1
                if rng.random() < pp.migrant_household_share:
                    routes = cal.corridors_to(country)
                    # corridor chosen in proportion to its RPW provider count (a proxy for its volume)
                    corridor = rng.choices(routes, [c.providers for c in routes])[0]
                    female = rng.random() < pp.female_share
                    m = add("migrant", corridor.source, country, household=h.idx, female=female,
                            age=rng.randint(*pp.migrant_age_range), corridor=corridor,
                            name=person_name(country, female, rng), village_name=vname)
                    h.migrant = m.idx
    for _ in range(donors_n):
        female = rng.random() < 0.5
        add("donor", rng.choice(DONOR_COUNTRIES), "", female=female, age=rng.randint(25, 75),
            name=person_name("", female, rng, abroad=True))
    abroad = sorted({p.country for p in people if p.role in ("migrant", "donor")})
    agents_abroad = {c: add("agent_abroad", c, "", label=f"Agent {c}").idx for c in abroad}
    return Population(seed, people, villages, households, operator, oracle, mfi, fx_lp, ngos, agents_abroad,
                      {p.public: p.idx for p in people}, countries)
