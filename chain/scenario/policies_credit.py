"""Microfinance on the Lending pallet: each country's MFI funds its vault through an agent, offers products
shaped like Kiva's loans of that country (term in months; monthly, irregular (repaid monthly here),
bullet or weekly repayment), borrowers request loans drawn from Kiva's public loans (amount in USD at the
day's FX rate; 71% of Kiva's loans go to women, so women ask more often), the MFI approves the next day,
borrowers repay on schedule by hand or by auto-debit (opt-in), and pay late when their wallet is short.

The model cannot know everything the chain does on its own (auto-debits, late fees), so on the day an
installment falls due it re-reads that loan and the borrower's wallet; until it is paid it keeps the
amount due aside from the borrower's spending.
"""
from __future__ import annotations

import random
from typing import Any

from chain.scenario import calibration as cal
from chain.scenario.params import ScenarioParams
from chain.scenario.policies import addr
from chain.scenario.population import Population
from chain.scenario.state import EXPECT, Action, ModelState, daily_prob, pick

POOL_TERM = 6  # community pool loans: six monthly installments (assumption)
POOL_SHARE = 0.2  # share of applicants who borrow from their community's pool when it has the cash (assumption)
POOL_DEPOSIT_SHARE = 0.5  # merchants and vendors put this share of their surplus into the pool, monthly (assumption)
PRESCREENED = 0.75  # a loan officer sizes most applications to repayment capacity before they are filed (assumption)
MFI_TOPUP_LOANS = 40  # the MFI tops its vault up to about this many average loans
GRACE_DAYS, LATE_FEE_BPS, DEFAULT_DAYS = 3, 200, 90  # product terms (assumption: typical MFI practice)


def available(names: set[str]) -> bool:
    return "Lending" in names


def genesis(params: ScenarioParams, pop: Population, cfg: dict[str, Any]) -> None:
    return None


def _shape(loan: cal.KivaLoan) -> tuple[int, int]:
    """(installments, interval_days) of a Kiva loan."""
    months = max(1, loan.term_months)
    if loan.repayment_interval == "bullet":
        return 1, min(360, 30 * months)  # the pallet caps an interval at 366 days
    if loan.repayment_interval == "weekly":
        return min(104, months * 4), 7
    return min(104, months), 30  # monthly; Kiva's "irregular" is repaid monthly here


def _lend(st: ModelState) -> dict[str, Any]:
    return st.extra.setdefault("lend", {"products": {}, "loans": {}, "vault": {}, "pools": {}, "ready": False})


def setup(sim: Any) -> list[Action]:
    """Day 0: products. Every day: re-read loans that fall due (or are overdue) and the new ones."""
    st: ModelState = sim.state
    lend = _lend(st)
    rt = sim.node.rt
    out: list[Action] = []
    if not lend["ready"]:
        with sim.node.lock:
            next_product = rt.pallet("Lending").NextProductId.get()
            lend["next_loan"] = rt.pallet("Lending").NextLoanId.get()
            if rt.has_pallet("Credit"):
                lend["vouch_units"] = {str(a): rt.pallet("Credit").VouchUnits.get(a) for a in st.assets.values()}
        for country, asset in st.assets.items():
            mfi = st.pop.mfi[country]
            for shape in sorted({_shape(k) for k in cal.kiva_loans_for(country)}):
                terms = {"asset": asset, "min_amount": 1_000, "max_amount": 10**15, "term": shape[0], "interval_days": shape[1],
                         "interest_kind": ("Declining", None), "rate_bps": st.params.lending.annual_interest_bps, "tiers": [],
                         "grace_days": GRACE_DAYS, "late_fee_bps": LATE_FEE_BPS, "default_days": DEFAULT_DAYS,
                         "min_score": 0, "min_guarantors": 0, "newcomer_guarantors": None, "guarantee_bps": 0,
                         "auto_approve": False}
                out.append(Action(mfi, "Lending", "create_product", {"terms": terms}, "loan.product"))
                lend["products"][f"{country}/{shape[0]}/{shape[1]}"] = next_product
                next_product += 1
        if rt.has_pallet("InvestmentPool"):
            with sim.node.lock:
                next_pool = rt.pallet("InvestmentPool").NextPoolId.get()
            for country, asset in st.assets.items():
                manager = next((v.merchants[0] for v in st.pop.villages if v.country == country and v.merchants), None)
                if manager is None:
                    continue
                terms = {"asset": asset, "min_amount": 1_000, "max_amount": 10**15, "term": POOL_TERM, "interval_days": 30,
                         "interest_kind": ("Declining", None), "rate_bps": st.params.lending.annual_interest_bps, "tiers": [],
                         "grace_days": GRACE_DAYS, "late_fee_bps": LATE_FEE_BPS, "default_days": DEFAULT_DAYS,
                         "min_score": 0, "min_guarantors": 0, "newcomer_guarantors": None, "guarantee_bps": 0,
                         "auto_approve": False}
                out.append(Action(manager, "InvestmentPool", "create_pool", {"asset": asset}, "pool.create"))
                out.append(Action(manager, "InvestmentPool", "create_product", {"pool_id": next_pool, "terms": terms},
                                  "pool.product"))
                lend["pools"][country] = {"id": next_pool, "manager": manager, "asset": asset, "product": next_product,
                                          "cash": 0}
                next_pool += 1
                next_product += 1
        lend["ready"] = True
        return out
    _refresh(sim, st, lend)
    return out


def _refresh(sim: Any, st: ModelState, lend: dict[str, Any]) -> None:
    pallet = sim.node.rt.pallet("Lending")
    assets = sim.node.rt.pallet("Assets")
    last_block = (st.day + 1) * st.blocks_per_day
    with sim.node.lock:
        for lid, ln in list(lend["loans"].items()):
            if ln["status"] == "Rejected":
                del lend["loans"][lid]
                continue
            if ln["status"] == "Requested" and ln["day"] < st.day - 1 or ln["status"] == "Approved" or (
                    ln["status"] == "Active" and ln.get("due_block", 0) <= last_block):
                loan = pallet.Loans.get(int(lid))
                if loan is None or loan["borrower"] != st.pop.people[ln["b"]].public:
                    del lend["loans"][lid]  # not what the model expected: forget it (counted below)
                    st.count("loan.model_mismatch")
                    continue
                ln["status"] = loan["status"][0]
                b = ln["b"]
                st.bal[ln["a"]][b] = assets.Account.get(ln["a"], st.pop.people[b].public)
                if ln["status"] != "Active":
                    if ln["status"] not in ("Requested", "Approved"):
                        del lend["loans"][lid]
                        st.reserve.pop(b, None)
                    continue
                nxt = loan["next_unpaid"]
                inst = pallet.Installments.get(int(lid), nxt) if nxt < loan["term"] else None
                if inst is None:
                    continue
                ln["due_block"] = inst["due_block"]
                due = 0
                n = nxt
                while n < loan["term"]:
                    i = pallet.Installments.get(int(lid), n)
                    if i["due_block"] > last_block:
                        break
                    due += i["principal"] + i["interest"] + i["fee"] - i["principal_paid"] - i["interest_paid"] - i["fee_paid"]
                    n += 1
                ln["due"] = due
                if due:
                    st.reserve[b] = due
                else:
                    st.reserve.pop(b, None)


def reconcile(sim: Any, full: bool) -> None:
    st: ModelState = sim.state
    lend = _lend(st)
    if full and lend["ready"]:
        lend["next_loan"] = sim.node.rt.pallet("Lending").NextLoanId.get()


# -- state updates (off chain) ------------------------------------------------------------------------------
def business_returns(p: ScenarioParams, st: ModelState, rng: random.Random) -> None:
    """Invested loans earn: the borrower's cash earnings rise by the return on the capital put to work
    (scaled by the season and droughts like the rest of their income). Also notes who is borrowing."""
    from chain.scenario.policies import season_factor

    lend = _lend(st)
    daily = p.lending.monthly_return_on_capital / 30
    borrowers = []
    for ln in lend["loans"].values():
        if ln["status"] != "Active":
            continue
        b = st.pop.people[ln["b"]]
        borrowers.append(b.idx)
        if ln.get("capital"):
            st.accrued[b.idx] += ln["capital"] * daily * season_factor(p, st, b.role, b.country)
    st.extra["borrowers"] = sorted(set(borrowers))


STATE_UPDATES = (("business_returns", business_returns),)


# -- policies ---------------------------------------------------------------------------------------------
def mfi_capital(p: ScenarioParams, st: ModelState, rng: random.Random) -> list[Action]:
    """Each MFI keeps its vault funded: a village agent cashes in its capital, it deposits it in its vault."""
    lend = _lend(st)
    out = []
    for country, asset in st.assets.items():
        target = st.usd_to_local(asset, 500 * MFI_TOPUP_LOANS)
        have = lend["vault"].get(str(asset), 0)
        if have >= target // 3:
            continue
        mfi = st.pop.mfi[country]
        agent = next((v.agents[0] for v in st.pop.villages if v.country == country and v.agents), None)
        if agent is None or not st.agent_online.get(agent, False):
            continue
        amount = target - have
        out.append(Action(agent, "Assets", "cash_in", {"asset": asset, "who": addr(st.pop.people[mfi].public), "amount": amount},
                          "loan.capital_in"))
        out.append(Action(mfi, "Lending", "deposit_liquidity", {"asset": asset, "amount": amount}, "loan.capital"))
    return out


def approvals(p: ScenarioParams, st: ModelState, rng: random.Random) -> list[Action]:
    """The MFI approves yesterday's requests (the loan is disbursed from its vault at once)."""
    lend = _lend(st)
    out = []
    for lid, ln in sorted(lend["loans"].items(), key=lambda kv: int(kv[0])):
        if ln["status"] == "Requested" and ln["day"] < st.day:
            country = st.pop.people[ln["b"]].home
            pool = lend["pools"].get(country) if ln.get("pool") else None
            if pool is not None:
                if pool["cash"] >= ln["amount"]:
                    out.append(Action(pool["manager"], "InvestmentPool", "approve_loan",
                                      {"pool_id": pool["id"], "loan_id": int(lid)}, "pool.approve"))
            elif not _affordable(p, st, ln):
                out.append(Action(st.pop.mfi[country], "Lending", "reject", {"loan_id": int(lid)}, "loan.reject"))
            elif lend["vault"].get(str(ln["a"]), 0) >= ln["amount"]:
                out.append(Action(st.pop.mfi[country], "Lending", "approve", {"loan_id": int(lid)}, "loan.approve"))
    return out


def _max_affordable(p: ScenarioParams, st: ModelState, idx: int, asset: int, months: int) -> int:
    """The MFI's repayment-capacity rule: the largest principal whose monthly installment (principal and
    flat-equivalent interest) stays within a share of the applicant's monthly earnings."""
    m = dict(p.economy.income_multiple).get(st.pop.people[idx].role, 1.0)
    monthly = 30 * st.usd_to_local(asset, p.economy.poverty_line_usd * m, at_reference=True)
    months = max(1, months)
    rate = p.lending.annual_interest_bps / 10_000
    return int(p.lending.max_installment_share * monthly * months / (1 + rate * months / 12))


def _affordable(p: ScenarioParams, st: ModelState, ln: dict[str, Any]) -> bool:
    return ln["amount"] <= _max_affordable(p, st, ln["b"], ln["a"], ln.get("months", 12))


def requests(p: ScenarioParams, st: ModelState, rng: random.Random) -> list[Action]:
    """Adults with an account and no open loan ask for one now and then; women more often (Kiva)."""
    lp = p.lending
    lend = _lend(st)
    borrowing = {ln["b"] for ln in lend["loans"].values()}
    fs = p.population.female_share
    mean_w = fs * lp.female_weight + (1 - fs)
    base = daily_prob(lp.request_prob_per_month, 30)
    cache = st.pop.cache
    if "adults_by_gender" not in cache:
        adults = [i for v in st.pop.villages for i in v.adults]
        cache["adults_by_gender"] = ([i for i in adults if st.pop.people[i].female],
                                     [i for i in adults if not st.pop.people[i].female])
    women, men = cache["adults_by_gender"]
    cap = int(lp.max_active_share * (len(women) + len(men)))
    chosen = sorted([*pick(women, base * lp.female_weight / mean_w, rng), *pick(men, base / mean_w, rng)])
    out = []
    for i in chosen:
        if len(borrowing) >= cap:
            break
        person = st.pop.people[i]
        if i in borrowing or not st.active[i]:
            continue
        kiva = rng.choice(cal.kiva_loans_for(person.country))
        installments, interval = _shape(kiva)
        product = lend["products"].get(f"{person.country}/{installments}/{interval}")
        asset = st.assets[person.country]
        amount = st.usd_to_local(asset, kiva.amount_usd)
        if str(i) in lend.setdefault("caps", {}) or rng.random() < PRESCREENED:  # sized to what the MFI lends
            amount = min(amount, _max_affordable(p, st, i, asset, kiva.term_months))
        pool = lend["pools"].get(person.country)
        if pool is not None and rng.random() < POOL_SHARE and 2 * amount <= pool["cash"]:
            product = pool["product"]
        if product is None or amount < 1_000:
            continue
        borrowing.add(i)
        out.append(Action(i, "Lending", "request_loan", {"product_id": product, "amount": amount, "guarantors": [],
                                                         "auto_debit": rng.random() < lp.auto_debit_share},
                          f"loan.request.{kiva.sector}:{kiva.term_months}"))
    return out


def invest(p: ScenarioParams, st: ModelState, rng: random.Random) -> list[Action]:
    """The day after disbursement borrowers put most of the loan to work (seed, stock, livestock: paid
    in cash at a village agent); installments then come out of what they earn."""
    lend = _lend(st)
    out = []
    for lid, ln in sorted(lend["loans"].items(), key=lambda kv: int(kv[0])):
        if ln["status"] != "Active" or ln.get("invested") or ln.get("approved_day", st.day) >= st.day:
            continue
        b = st.pop.people[ln["b"]]
        agents = st.pop.villages[b.village].agents if b.village >= 0 else []
        agent = next((a for a in agents if st.agent_online.get(a, False)), None)
        amount = min(int(ln["amount"] * rng.uniform(0.8, 0.95)), st.spendable(ln["a"], b.idx))
        if agent is None or amount <= 0:
            continue
        out.append(Action(b.idx, "Assets", "cash_out", {"asset": ln["a"], "agent": addr(st.pop.people[agent].public),
                                                        "amount": amount}, f"loan.invest:{lid}"))
    return out


def pool_deposits(p: ScenarioParams, st: ModelState, rng: random.Random) -> list[Action]:
    """Monthly, merchants and vendors with a surplus above their float put part of it in their
    community's investment pool (shares at NAV; the pool lends to neighbours)."""
    lend = _lend(st)
    out = []
    for v in st.pop.villages:
        pool = lend["pools"].get(v.country)
        if pool is None:
            continue
        float_ = st.usd_to_local(pool["asset"], p.economy.merchant_float_usd, at_reference=True)
        for i in v.merchants + [a for a in v.adults if st.pop.people[a].role == "vendor"]:
            if (i + st.day) % 30 or not st.active[i]:
                continue
            surplus = st.spendable(pool["asset"], i) - float_ // 2
            if surplus > float_ // 4:
                out.append(Action(i, "InvestmentPool", "deposit", {"pool_id": pool["id"], "amount": int(surplus * POOL_DEPOSIT_SHARE)},
                                  "pool.deposit"))
    return out


def repayments(p: ScenarioParams, st: ModelState, rng: random.Random) -> list[Action]:
    """Borrowers who repay by hand pay what is due when their wallet allows; some pay late anyway (more
    so in a drought). Auto-debit borrowers leave it to the chain."""
    lend = _lend(st)
    out = []
    for lid, ln in sorted(lend["loans"].items(), key=lambda kv: int(kv[0])):
        due = ln.get("due", 0)
        if ln["status"] != "Active" or ln["auto"] or not due:
            continue
        b = ln["b"]
        country = st.pop.people[b].country
        late_p = p.lending.late_base_prob * (2.0 if st.in_shock("drought", country) else 1.0)
        if st.bal[ln["a"]][b] < due or rng.random() < late_p:
            continue  # late: the chain's hook charges the late fee after the grace days
        out.append(Action(b, "Lending", "repay", {"loan_id": int(lid), "amount": due}, "loan.repay"))
    return out


def vouching(p: ScenarioParams, st: ModelState, rng: random.Random) -> list[Action]:
    """Before the MFI decides, a neighbour or two vouch for yesterday's applicants with a small stake
    (Credit pallet: at risk if the loan defaults; it raises the applicant's score)."""
    lend = _lend(st)
    units = lend.get("vouch_units", {})
    out = []
    for lid, ln in sorted(lend["loans"].items(), key=lambda kv: int(kv[0])):
        if ln["status"] != "Requested" or ln["day"] != st.day - 1 or ln.get("vouched"):
            continue
        b = st.pop.people[ln["b"]]
        unit = units.get(str(ln["a"]))
        if unit is None or b.village < 0:
            continue
        hh = st.pop.households[b.household].members if b.household >= 0 else []
        near = [i for i in hh if i != b.idx] + rng.sample(st.pop.villages[b.village].adults,
                                                          min(4, len(st.pop.villages[b.village].adults)))
        chosen: list[int] = []
        vouched = lend.setdefault("vouches", {})
        busy = set(st.extra.get("borrowers", ()))  # a borrower's wallet can move under auto-debit: not a voucher
        for v in near:
            if f"{v}/{b.idx}" in vouched or v in busy:  # a vouch stays until withdrawn: one per pair
                continue
            if v != b.idx and v not in chosen and st.active[v] and st.spendable(ln["a"], v) >= 3 * unit and rng.random() < 0.5:
                chosen.append(v)
            if len(chosen) == 2:
                break
        for v in chosen:
            out.append(Action(v, "Credit", "vouch", {"vouchee": b.public, "asset": ln["a"], "stake": unit * rng.randint(1, 2)},
                              "credit.vouch"))
    return out


POLICIES = (("mfi_capital", mfi_capital), ("loan_vouching", vouching), ("loan_approvals", approvals), ("loan_invest", invest),
            ("pool_deposits", pool_deposits), ("loan_repayments", repayments),
            ("loan_requests", requests))


# -- expected effects ----------------------------------------------------------------------------------------
def _expect_deposit(st: ModelState, a: Action) -> None:
    lend = _lend(st)
    st.bal[a.args["asset"]][a.signer] -= a.args["amount"]
    key = str(a.args["asset"])
    lend["vault"][key] = lend["vault"].get(key, 0) + a.args["amount"]


def _expect_request(st: ModelState, a: Action) -> None:
    lend = _lend(st)
    lid = lend["next_loan"]
    lend["next_loan"] = lid + 1
    pool = any(x["product"] == a.args["product_id"] for x in lend["pools"].values())
    months = int(a.tag.rpartition(":")[2]) if ":" in a.tag else 12
    lend["loans"][str(lid)] = {"b": a.signer, "a": st.asset_of(a.signer), "amount": a.args["amount"],
                               "auto": a.args["auto_debit"], "status": "Requested", "day": st.day, "pool": pool,
                               "months": months}


def _pool_of(st: ModelState, ln: dict[str, Any]) -> dict[str, Any] | None:
    return _lend(st)["pools"].get(st.pop.people[ln["b"]].home) if ln.get("pool") else None


def _expect_pool_deposit(st: ModelState, a: Action) -> None:
    pool = next(x for x in _lend(st)["pools"].values() if x["id"] == a.args["pool_id"])
    st.bal[pool["asset"]][a.signer] -= a.args["amount"]
    pool["cash"] += a.args["amount"]


def _expect_approve(st: ModelState, a: Action) -> None:
    lend = _lend(st)
    ln = lend["loans"].get(str(a.args["loan_id"]))
    if ln is None:
        return
    key = str(ln["a"])
    ln["status"] = "Active"
    ln["approved_day"] = st.day
    ln["due_block"] = 0  # re-read tomorrow: the schedule is written at disbursement
    pool = _pool_of(st, ln)
    if pool is not None:
        pool["cash"] -= ln["amount"]
    else:
        lend["vault"][key] = lend["vault"].get(key, 0) - ln["amount"]
    st.bal[ln["a"]][ln["b"]] += ln["amount"]


def _expect_repay(st: ModelState, a: Action) -> None:
    lend = _lend(st)
    ln = lend["loans"].get(str(a.args["loan_id"]))
    if ln is None:
        return
    st.bal[ln["a"]][a.signer] -= a.args["amount"]
    key = str(ln["a"])
    pool = _pool_of(st, ln)
    if pool is not None:
        pool["cash"] += a.args["amount"]
    else:
        lend["vault"][key] = lend["vault"].get(key, 0) + a.args["amount"]
    ln["due"] = 0
    st.reserve.pop(a.signer, None)


def _expect_vouch(st: ModelState, a: Action) -> None:
    st.bal[a.args["asset"]][a.signer] -= a.args["stake"]
    vouchee = st.idx(a.args["vouchee"])
    _lend(st).setdefault("vouches", {})[f"{a.signer}/{vouchee}"] = st.day
    for ln in _lend(st)["loans"].values():
        if ln["b"] == vouchee and ln["status"] == "Requested":
            ln["vouched"] = True


EXPECT[("Credit", "vouch")] = _expect_vouch
EXPECT[("Lending", "deposit_liquidity")] = _expect_deposit
EXPECT[("Lending", "request_loan")] = _expect_request
def _expect_reject(st: ModelState, a: Action) -> None:
    ln = _lend(st)["loans"].get(str(a.args["loan_id"]))
    if ln is not None:
        ln["status"] = "Rejected"  # dropped at the next refresh
        _lend(st).setdefault("caps", {})[str(ln["b"])] = st.day


EXPECT[("Lending", "reject")] = _expect_reject
EXPECT[("Lending", "approve")] = _expect_approve
EXPECT[("InvestmentPool", "approve_loan")] = _expect_approve
EXPECT[("InvestmentPool", "deposit")] = _expect_pool_deposit
EXPECT[("Lending", "repay")] = _expect_repay
