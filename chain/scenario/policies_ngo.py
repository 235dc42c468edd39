"""NGOs, donors and educators.

Donations (pallet Donations): each NGO opens campaigns in USDP for a purpose in one country; donors
abroad cash in USD at an agent where they live and give; every week the NGO disburses vouchers to
villagers with an account, who spend them at the village's registered merchants; merchants redeem them
for cash at an agent. Campaign descriptions stay off chain (only their hash is stored) and never name a
village or a person.

Education (pallet Education): the operator registers the village educators; each runs a
financial-education course; adults enrol, the educator attests module scores, the chain issues a
credential when all modules pass, and learners rate the course.
"""
from __future__ import annotations

import random
from typing import Any

from chain.hashing import blake2_256
from chain.scenario.params import ScenarioParams
from chain.scenario.policies import addr
from chain.scenario.population import Population
from chain.scenario.state import EXPECT, STABLE, Action, ModelState, daily_prob, pick

PURPOSES = ("food", "water", "education", "health", "livelihoods", "shelter")  # chain/pallets/donations.py codes
COURSES = ("Budgeting through the farming year", "Saving with your group", "Using mobile money safely",
           "Understanding loan interest and fees", "Sending and receiving money from abroad", "Starting a small business")
CAMPAIGN_DAYS = 60
PASS_SCORE, MODULES = 60, 4


def available(names: set[str]) -> bool:
    return bool({"Donations", "Education"} & names)


def genesis(params: ScenarioParams, pop: Population, cfg: dict[str, Any]) -> None:
    return None


def _ngo(st: ModelState) -> dict[str, Any]:
    return st.extra.setdefault("ngo", {"ready": False, "campaigns": {}, "vouchers": {}, "redeemable": {},
                                       "courses": {}, "learners": {}})


def setup(sim: Any) -> list[Action]:
    st: ModelState = sim.state
    d = _ngo(st)
    if d["ready"]:
        _after_deadlines(sim, st, d)
        return []
    rt = sim.node.rt
    root_calls = []
    if rt.has_pallet("Donations"):
        for v in st.pop.villages:
            root_calls += [rt.make_call("Donations", "register_merchant", merchant=addr(st.pop.people[m].public)) for m in v.merchants]
        with sim.node.lock:
            d["next_campaign"] = rt.pallet("Donations").NextCampaignId.get()
    if rt.has_pallet("Education"):
        with sim.node.lock:
            next_course = rt.pallet("Education").NextCourseId.get()
        for v in st.pop.villages:
            root_calls += [rt.make_call("Education", "force_register_educator", educator=addr(st.pop.people[e].public))
                           for e in v.educators]
    out = [Action(st.pop.operator, "Sudo", "sudo", {"call": rt.make_call("Utility", "batch", calls=root_calls[i:i + 500])},
                  "operator.setup") for i in range(0, len(root_calls), 500)]
    if rt.has_pallet("Education"):
        for k, v in enumerate(st.pop.villages):
            for e in v.educators:
                title = COURSES[(k + e) % len(COURSES)]
                out.append(Action(e, "Education", "create_course", {"title": title, "content_hash": blake2_256(title.encode()),
                                                                    "modules": MODULES, "pass_score": PASS_SCORE},
                                  "edu.course"))
                d["courses"][str(next_course)] = {"educator": e, "village": v.idx}
                next_course += 1
    d["ready"] = True
    return out


def reconcile(sim: Any, full: bool) -> None:
    return None


def _after_deadlines(sim: Any, st: ModelState, d: dict[str, Any]) -> None:
    """A campaign that missed its goal refunds its donors at the deadline: re-read their USDP wallets."""
    if not any(c["deadline_day"] == st.day - 1 and c["raised"] < c["goal"] for c in d["campaigns"].values()):
        return
    assets = sim.node.rt.pallet("Assets")
    with sim.node.lock:
        for p in st.pop.people:
            if p.role == "donor":
                st.bal[STABLE][p.idx] = assets.Account.get(STABLE, p.public)


# -- donations ------------------------------------------------------------------------------------------------
def campaigns(p: ScenarioParams, st: ModelState, rng: random.Random) -> list[Action]:
    """NGOs open campaigns spread over the run: one each at the start, then one every few months."""
    d = _ngo(st)
    if "next_campaign" not in d:
        return []
    dp = p.donations
    every = max(30, p.days // max(1, dp.campaigns_per_ngo))
    out = []
    for k, ngo in enumerate(st.pop.ngos):
        if (st.day - k * 7) % every or st.day < k * 7:
            continue
        country = st.pop.countries[(st.day // every + k) % len(st.pop.countries)]
        purpose = rng.randrange(len(PURPOSES))
        goal = st.usd_to_local(STABLE, rng.uniform(*dp.campaign_goal_usd))
        deadline = (st.day + CAMPAIGN_DAYS) * st.blocks_per_day + 1  # the first block of day + CAMPAIGN_DAYS
        info = blake2_256(f"{PURPOSES[purpose]} programme, {country}, day {st.day}".encode())
        out.append(Action(ngo, "Donations", "create_campaign", {
            "asset": STABLE, "goal": goal, "deadline": deadline, "categories": [purpose], "rule": ("Fifo", None),
            "overhead_cap_bps": 1_000, "validator": None, "milestones": [], "info_hash": info}, f"ngo.campaign:{country}"))
    return out


def donors(p: ScenarioParams, st: ModelState, rng: random.Random) -> list[Action]:
    """Donors abroad give to open campaigns (cashing in USD at a local agent first when they must)."""
    d = _ngo(st)
    open_ = [c for c, x in sorted(d["campaigns"].items()) if x["deadline_day"] > st.day]
    if not open_:
        return []
    out = []
    for person in st.pop.people:
        if person.role != "donor" or rng.random() >= p.donations.donate_prob:
            continue
        amount = st.usd_to_local(STABLE, round(rng.uniform(*p.donations.donation_usd)))
        agent = st.pop.agents_abroad.get(person.country)
        if st.bal[STABLE][person.idx] < amount:
            if agent is None or not st.agent_online.get(agent, False):
                continue
            out.append(Action(agent, "Assets", "cash_in", {"asset": STABLE, "who": addr(person.public), "amount": amount},
                              "ngo.donor_cash_in"))
        out.append(Action(person.idx, "Donations", "donate", {"campaign": int(rng.choice(open_)), "amount": amount},
                          "ngo.donate"))
    return out


def disbursements(p: ScenarioParams, st: ModelState, rng: random.Random) -> list[Action]:
    """Weekly, each campaign's NGO gives vouchers to villagers of its country while its escrow lasts."""
    d = _ngo(st)
    out = []
    for cid, c in sorted(d["campaigns"].items()):
        if (st.day - c["day"]) % 7 or st.day == c["day"]:
            continue
        if st.day >= c["deadline_day"] and c["raised"] < c["goal"]:
            continue  # failed at its deadline: the chain refunded the donors
        left = c["raised"] - c["disbursed"]
        people = [i for v in st.pop.villages if v.country == c["country"] for i in v.adults if st.active[i]]
        n = min(len(people), rng.randint(*p.donations.beneficiaries_per_campaign) // 4 + 1)
        for i in rng.sample(people, n):
            amount = min(left, st.usd_to_local(STABLE, round(rng.uniform(*p.donations.voucher_usd))))
            if amount <= 0:
                break
            left -= amount
            out.append(Action(c["ngo"], "Donations", "disburse", {"campaign": int(cid), "to": st.pop.people[i].public,
                                                                  "amount": amount, "purpose": c["purpose"], "voucher": True},
                              "ngo.voucher"))
    return out


def voucher_spending(p: ScenarioParams, st: ModelState, rng: random.Random) -> list[Action]:
    """Beneficiaries spend their vouchers at a registered merchant of their village; merchants redeem
    what they took for cash at a village agent about weekly."""
    d = _ngo(st)
    out = []
    for who, amount in sorted(d["vouchers"].items(), key=lambda kv: int(kv[0])):
        i = int(who)
        v = st.pop.villages[st.pop.people[i].village]
        if amount > 0 and v.merchants and rng.random() < 0.3:
            m = rng.choice(v.merchants)
            out.append(Action(i, "Donations", "spend_voucher", {"asset": STABLE, "merchant": st.pop.people[m].public,
                                                                "amount": amount}, "ngo.voucher_spent"))
    for who, amount in sorted(d["redeemable"].items(), key=lambda kv: int(kv[0])):
        m = int(who)
        v = st.pop.villages[st.pop.people[m].village]
        agent = next((a for a in v.agents if st.agent_online.get(a, False)), None)
        if amount > 0 and agent is not None and (m + st.day) % 7 == 0:
            out.append(Action(m, "Donations", "redeem", {"asset": STABLE, "amount": amount,
                                                         "agent": st.pop.people[agent].public}, "ngo.redeem"))
    return out


# -- education ------------------------------------------------------------------------------------------------
def learning(p: ScenarioParams, st: ModelState, rng: random.Random) -> list[Action]:
    """Adults enrol in their village's course; educators attest module scores; graduates rate the course."""
    d = _ngo(st)
    ep = p.education
    out = []
    by_village = {c["village"]: (int(cid), c["educator"]) for cid, c in d["courses"].items()}
    enrol_p = daily_prob(ep.enrol_prob_per_month, 30)
    for v in st.pop.villages:
        if v.idx not in by_village:
            continue
        course, educator = by_village[v.idx]
        for i in pick(v.adults, enrol_p, rng):
            if str(i) not in d["learners"] and st.active[i]:
                out.append(Action(i, "Education", "enrol", {"course": course}, "edu.enrol"))
    for who, state in sorted(d["learners"].items(), key=lambda kv: int(kv[0])):
        if state["rated"]:
            continue  # done: credential issued and course rated
        i = int(who)
        course, educator = by_village[st.pop.people[i].village]
        if state["next"] < MODULES:
            if rng.random() < ep.module_prob:
                score = max(0, min(100, int(rng.gauss(72, 15))))
                out.append(Action(educator, "Education", "complete_module", {
                    "course": course, "learner": st.pop.people[i].public, "module": state["next"], "score": score},
                    "edu.module"))
        elif rng.random() < 0.3:
            rating = rng.choices((1, 2, 3, 4, 5), (2, 4, 14, 40, 40))[0]
            out.append(Action(i, "Education", "give_feedback", {"course": course, "rating": rating, "comment_hash": None},
                              "edu.feedback"))
    return out


POLICIES = (("ngo_campaigns", campaigns), ("ngo_disbursements", disbursements), ("ngo_vouchers", voucher_spending),
            ("ngo_donors", donors), ("education", learning))


# -- expected effects --------------------------------------------------------------------------------------------
def _expect_campaign(st: ModelState, a: Action) -> None:
    d = _ngo(st)
    cid = d["next_campaign"]
    d["next_campaign"] = cid + 1
    d["campaigns"][str(cid)] = {"ngo": a.signer, "raised": 0, "disbursed": 0, "purpose": a.args["categories"][0],
                                "goal": a.args["goal"], "deadline_day": a.args["deadline"] // st.blocks_per_day,
                                "day": st.day, "country": a.tag.partition(":")[2] or st.pop.countries[0]}


def _expect_donate(st: ModelState, a: Action) -> None:
    c = _ngo(st)["campaigns"][str(a.args["campaign"])]
    st.bal[STABLE][a.signer] -= a.args["amount"]
    c["raised"] += a.args["amount"]


def _expect_disburse(st: ModelState, a: Action) -> None:
    d = _ngo(st)
    c = d["campaigns"][str(a.args["campaign"])]
    c["disbursed"] += a.args["amount"]
    who = st.idx(a.args["to"])
    d["vouchers"][str(who)] = d["vouchers"].get(str(who), 0) + a.args["amount"]


def _expect_spend(st: ModelState, a: Action) -> None:
    d = _ngo(st)
    d["vouchers"][str(a.signer)] -= a.args["amount"]
    m = st.idx(a.args["merchant"])
    d["redeemable"][str(m)] = d["redeemable"].get(str(m), 0) + a.args["amount"]


def _expect_redeem(st: ModelState, a: Action) -> None:
    _ngo(st)["redeemable"][str(a.signer)] -= a.args["amount"]  # to the merchant and burned at the agent: net zero


def _expect_enrol(st: ModelState, a: Action) -> None:
    _ngo(st)["learners"][str(a.signer)] = {"next": 0, "rated": False}


def _expect_module(st: ModelState, a: Action) -> None:
    learner = _ngo(st)["learners"].get(str(st.idx(a.args["learner"])))
    if learner is not None and a.args["score"] >= PASS_SCORE:
        learner["next"] += 1  # a failed module is retaken later


def _expect_feedback(st: ModelState, a: Action) -> None:
    _ngo(st)["learners"][str(a.signer)]["rated"] = True


EXPECT.update({
    ("Donations", "create_campaign"): _expect_campaign, ("Donations", "donate"): _expect_donate,
    ("Donations", "disburse"): _expect_disburse, ("Donations", "spend_voucher"): _expect_spend,
    ("Donations", "redeem"): _expect_redeem, ("Education", "enrol"): _expect_enrol,
    ("Education", "complete_module"): _expect_module, ("Education", "give_feedback"): _expect_feedback,
})
