"""Credit: transparent credit scores from on-chain behaviour, vouching, and the governed scorecard.

Every account the finance pallets see gets a `Behaviour` record of counters (installments on time and
late, days late, defaults, loans repaid, group meetings saved at and missed, months with inflows,
activity, vouch points, education credentials). Other pallets update it through the `note_*` methods
below; each one recomputes the score with the pure scorecard (chain/pallets/credit_scorecard.py) and
emits `ScoreUpdated` only when the score, its reasons or the scorecard version changed.

Vouching: a member stakes tokens on another member. The stake raises the vouchee's score (stake units
times the voucher's own standing), is locked while a loan the vouchee took depends on it, and is drawn
pro rata with the other vouchers' stakes if that loan defaults. A vouch's points follow the voucher: each
time the vouchee is rescored, every vouch is weighed again by its voucher's latest recorded score (the
`Scores` record, not a fresh rescore, so one account's rescore never cascades), so a voucher who defaults
stops lifting the people they vouched for.

Scorecard versions: `set_scorecard` installs a version and starts a rescoring walk that the block hook
advances by at most `RescorePerBlock` accounts a block: first every borrower with an open loan, then every
other account with a score under an older version. So with A scored accounts and B borrowers with open
loans, every borrower's score follows within ceil(B / RescorePerBlock) + 1 blocks and every score within
ceil((A + B) / RescorePerBlock) + 2 blocks (`ScorecardApplied` says when); any note, a loan request or
`refresh_score` rescores an account at once as before.
"""
from __future__ import annotations

from itertools import islice
from typing import Any, Callable

from chain.codec import (
    ACCOUNT_ID, COMPACT_U128, I32, TEXT, U8, U16, U32, U64, U128, Option, Struct, Tuple, Vec,
)
from chain.frame import (
    ConstantDef, ErrorDef, EventDef, Origin, Pallet, StorageDef, call, ensure_root, ensure_signed,
)
from chain.pallets.credit_scorecard import (
    DEFAULT_SCORECARD, MAX_SCORE, MIN_SCORE, REASONS, Features, Scorecard, compute_score, features_from_record,
    month_of, voucher_standing, vouch_points,
)
from chain.pallets.common import pro_rata
from chain.runtime import pallet_account

MAX_VOUCHES = 16  # vouches an account may receive
RESCORE_PER_BLOCK = 64  # accounts the block hook looks at per block while a new scorecard version is applied
EXAMINE_WEIGHT = 5_000_000
RESCORE_WEIGHT = 25_000_000
STAKE_ACCOUNT = pallet_account(b"pui/cred", b"stakes")

BEHAVIOUR = Struct("pallet_puhui_credit::Behaviour", (
    ("first_seen", U32), ("on_time", U32), ("late", U32), ("days_late", U32), ("defaults", U32),
    ("loans_repaid", U32), ("savings_regular", U32), ("savings_missed", U32), ("inflows", U32),
    ("inflow_months", U32), ("last_inflow_month", Option(U32)), ("activity", U32), ("vouch_points", U32),
    ("credentials", U32),
))
SCORE_RECORD = Struct("pallet_puhui_credit::ScoreRecord", (
    ("score", Option(U16)), ("reasons", Vec(U8, 8)), ("version", U32), ("block", U32),
))
SCORE_BIN = Struct("pallet_puhui_credit::Bin", (("threshold", I32), ("points", I32), ("reason", U8)))
FEATURE_BINS = Struct("pallet_puhui_credit::FeatureBins", (("feature", U8), ("bins", Vec(SCORE_BIN, 32))))
SCORECARD = Struct("pallet_puhui_credit::Scorecard", (
    ("version", U32), ("base", U16), ("min_age_days", U16), ("min_evidence", U16),
    ("features", Vec(FEATURE_BINS, 32)),
))
VOUCH = Struct("pallet_puhui_credit::Vouch", (
    ("asset", U32), ("stake", U128), ("standing", U8), ("points", U32), ("locks", U32), ("since", U32),
))
REASON_ROW = Tuple((U8, TEXT, TEXT))
RESCORING = Struct("pallet_puhui_credit::Rescoring", (
    ("version", U32), ("phase", U8), ("cursor", Option(ACCOUNT_ID)), ("rescored", U32),
), docs="A scorecard version being applied: phase 0 walks borrowers with open loans, phase 1 every scored "
        "account; cursor is the last account looked at.")
BORROWERS, SCORED = 0, 1  # rescoring phases


def new_behaviour(block: int) -> dict[str, Any]:
    return {"first_seen": block, "on_time": 0, "late": 0, "days_late": 0, "defaults": 0, "loans_repaid": 0,
            "savings_regular": 0, "savings_missed": 0, "inflows": 0, "inflow_months": 0, "last_inflow_month": None,
            "activity": 0, "vouch_points": 0, "credentials": 0}


class Credit(Pallet):
    INDEX = 21
    NAME = "Credit"
    DOC = "Explainable credit scores (300-850) from on-chain behaviour; vouching with stakes; a governed scorecard."

    EVENTS = (
        EventDef(0, "ScoreUpdated", (("who", ACCOUNT_ID), ("score", Option(U16)), ("reasons", Vec(U8)),
                                     ("scorecard_version", U32)),
                 "An account's score or reasons changed (score None: insufficient history); reasons are codes of "
                 "the ReasonCodes constant, the costliest first."),
        EventDef(1, "ScorecardSet", (("version", U32), ("features", U32)),
                 "Governance installed a new scorecard version; scores move to it as accounts are rescored."),
        EventDef(2, "Vouched", (("voucher", ACCOUNT_ID), ("vouchee", ACCOUNT_ID), ("asset", U32), ("stake", U128),
                                ("points", U32)),
                 "A member staked tokens on another member, adding vouch points to their score."),
        EventDef(3, "VouchWithdrawn", (("voucher", ACCOUNT_ID), ("vouchee", ACCOUNT_ID), ("stake", U128)),
                 "A voucher took back a vouch and what was left of its stake."),
        EventDef(4, "VouchStakeDrawn", (("loan_id", U64), ("voucher", ACCOUNT_ID), ("vouchee", ACCOUNT_ID),
                                        ("asset", U32), ("amount", U128)),
                 "A defaulted loan drew part of a voucher's stake to cover what the borrower owed."),
        EventDef(5, "VouchUnitSet", (("asset", U32), ("unit", U128)),
                 "Governance set how much stake in an asset counts as one vouch unit."),
        EventDef(6, "ScorecardApplied", (("version", U32), ("rescored", U32)),
                 "Every stored score under an older scorecard was recomputed under this version (by the block hook, "
                 "RescorePerBlock accounts a block at most); rescored counts the scores it recomputed."),
    )
    ERRORS = (
        ErrorDef(0, "CannotVouchForSelf", "An account cannot vouch for itself; ask another member to vouch."),
        ErrorDef(1, "AlreadyVouched", "You vouch for this member already; withdraw the vouch first to change the stake."),
        ErrorDef(2, "TooManyVouches", "This member has the maximum number of vouches (MaxVouches); no more can be added."),
        ErrorDef(3, "VouchNotFound", "There is no vouch from you for this member; check the account."),
        ErrorDef(4, "VouchInUse", "A loan of the member depends on this vouch; wait until it is repaid or closed."),
        ErrorDef(5, "StakeTooSmall", "The stake is below one vouch unit of the asset and would count for nothing; stake more."),
        ErrorDef(6, "AssetNotAccepted", "Vouches in this asset are not accepted (no vouch unit set); stake another asset."),
        ErrorDef(7, "InvalidScorecard", "The scorecard is malformed (unknown feature or reason, unordered or empty bins); fix it."),
        ErrorDef(8, "StaleScorecardVersion", "A scorecard version must be higher than the current one; use the next number."),
        ErrorDef(9, "ZeroUnit", "A zero vouch unit would make any stake worth unlimited units; set a unit greater than zero."),
    )
    STORAGE = (
        StorageDef("Behaviour", BEHAVIOUR, "Behaviour counters of an account, the scorecard's input.",
                   keys=(("Blake2_128Concat", ACCOUNT_ID),)),
        StorageDef("Scores", SCORE_RECORD, "The latest score of an account, its reason codes and scorecard version.",
                   keys=(("Blake2_128Concat", ACCOUNT_ID),)),
        StorageDef("Scorecards", SCORECARD, "Scorecard parameters by version.", keys=(("Twox64Concat", U32),)),
        StorageDef("ScorecardVersion", U32, "The scorecard version in force.", default=0),
        StorageDef("Vouches", VOUCH, "Vouches: (vouchee, voucher) -> stake and points.",
                   keys=(("Blake2_128Concat", ACCOUNT_ID), ("Blake2_128Concat", ACCOUNT_ID))),
        StorageDef("VouchCount", U32, "How many vouches an account has received.",
                   keys=(("Blake2_128Concat", ACCOUNT_ID),), default=0),
        StorageDef("LoanVouchers", Vec(ACCOUNT_ID), "The vouchers whose vouches a loan depends on (locked).",
                   keys=(("Twox64Concat", U64),)),
        StorageDef("VouchUnits", U128, "Stake in an asset that counts as one vouch unit.", keys=(("Twox64Concat", U32),)),
        StorageDef("Rescoring", RESCORING, "The scorecard version the block hook is applying to stored scores, and "
                   "where its walk is (absent: no walk under way)."),
    )
    CONSTANTS = (
        ConstantDef("MinScore", U16, MIN_SCORE, "The lowest score."),
        ConstantDef("MaxScore", U16, MAX_SCORE, "The highest score."),
        ConstantDef("MaxVouches", U32, MAX_VOUCHES, "Most vouches one account can receive."),
        ConstantDef("ReasonCodes", Vec(REASON_ROW), [(c, en, zh) for c, (en, zh) in sorted(REASONS.items())],
                    "Reason codes of scores: (code, English, Chinese)."),
        ConstantDef("StakeAccount", ACCOUNT_ID, STAKE_ACCOUNT, "The account holding all vouch stakes."),
        ConstantDef("RescorePerBlock", U32, RESCORE_PER_BLOCK,
                    "Most accounts the block hook looks at (and rescores) per block after a new scorecard version."),
    )

    def __init__(self, rt: Any) -> None:
        super().__init__(rt)
        self._card_cache: tuple[bytes, Scorecard] | None = None

    # -- calls ----------------------------------------------------------------------------------------
    @call(0, ("vouchee", ACCOUNT_ID), ("asset", U32), ("stake", COMPACT_U128), weight=40_000_000)
    def vouch(self, origin: Origin, vouchee: bytes, asset: int, stake: int) -> None:
        """Vouch for a member by staking tokens; the stake is at risk if the member's loans default."""
        voucher = ensure_signed(origin)
        if voucher == vouchee:
            raise self.fail("CannotVouchForSelf")
        unit = self.VouchUnits.get(asset)
        if unit is None:
            raise self.fail("AssetNotAccepted")
        if stake < unit:
            raise self.fail("StakeTooSmall", f"one unit is {unit}")
        if self.Vouches.contains(vouchee, voucher):
            raise self.fail("AlreadyVouched")
        if self.VouchCount.get(vouchee) >= MAX_VOUCHES:
            raise self.fail("TooManyVouches")
        voucher_score = self.score(voucher)
        standing, points = voucher_standing(voucher_score), vouch_points(stake, unit, voucher_score)
        self.rt.pallet("Assets").move(asset, voucher, STAKE_ACCOUNT, stake)
        self.Vouches.put(vouchee, voucher, {"asset": asset, "stake": stake, "standing": standing, "points": points,
                                           "locks": 0, "since": self.block_number})
        self.VouchCount.put(vouchee, self.VouchCount.get(vouchee) + 1)
        self.emit("Vouched", {"voucher": voucher, "vouchee": vouchee, "asset": asset, "stake": stake, "points": points})
        self._update(vouchee)  # the vouchee's vouch points are weighed again as it is rescored
        self.note_activity(voucher)

    @call(1, ("vouchee", ACCOUNT_ID), weight=35_000_000)
    def withdraw_vouch(self, origin: Origin, vouchee: bytes) -> None:
        """Take back a vouch and its stake; refused while a loan of the member depends on it."""
        voucher = ensure_signed(origin)
        v = self.Vouches.get(vouchee, voucher)
        if v is None:
            raise self.fail("VouchNotFound")
        if v["locks"]:
            raise self.fail("VouchInUse", f"{v['locks']} loan(s)")
        if v["stake"]:
            self.rt.pallet("Assets").move(v["asset"], STAKE_ACCOUNT, voucher, v["stake"])
        self.Vouches.remove(vouchee, voucher)
        self.VouchCount.put(vouchee, self.VouchCount.get(vouchee) - 1)
        self.emit("VouchWithdrawn", {"voucher": voucher, "vouchee": vouchee, "stake": v["stake"]})
        self._update(vouchee)

    @call(2, ("who", ACCOUNT_ID), weight=15_000_000)
    def refresh_score(self, origin: Origin, who: bytes) -> None:
        """Recompute an account's score now (it ages with time and follows new scorecard versions)."""
        ensure_signed(origin)
        if self.Behaviour.contains(who):
            self._rescore(who, self.Behaviour.get(who))

    @call(3, ("scorecard", SCORECARD), weight=30_000_000)
    def set_scorecard(self, origin: Origin, scorecard: dict[str, Any]) -> None:
        """Install a new scorecard version (root / governance). Scores follow as accounts are rescored, and
        the block hook rescores borrowers with open loans, then every other scored account, RescorePerBlock
        accounts a block."""
        ensure_root(origin)
        card = Scorecard.from_value(scorecard)
        if card.version <= self.ScorecardVersion.get():
            raise self.fail("StaleScorecardVersion", f"current is {self.ScorecardVersion.get()}")
        try:
            card.validate()
        except ValueError as exc:
            raise self.fail("InvalidScorecard", str(exc)) from None
        self._install(card)

    @call(4, ("asset", U32), ("unit", COMPACT_U128), weight=10_000_000)
    def set_vouch_unit(self, origin: Origin, asset: int, unit: int) -> None:
        """Set the stake that counts as one vouch unit in an asset (root / governance)."""
        ensure_root(origin)
        if unit == 0:
            raise self.fail("ZeroUnit")
        self.rt.pallet("Assets").details(asset)
        self.VouchUnits.put(asset, unit)
        self.emit("VouchUnitSet", {"asset": asset, "unit": unit})

    # -- the public API: behaviour notes (other pallets call these) ------------------------------------
    def note_repayment(self, who: bytes, on_time: bool, days_late: int) -> None:
        """An installment of `who` was settled: paid on time, or `days_late` days after it fell due (a loan
        that defaults notes its past-due installments as late ones)."""
        def f(r: dict[str, Any]) -> None:
            if on_time:
                r["on_time"] += 1
            else:
                r["late"] += 1
                r["days_late"] += max(0, days_late)
        self._update(who, f)

    def note_default(self, who: bytes) -> None:
        """A loan of `who` defaulted."""
        self._bump(who, "defaults")

    def note_loan_repaid(self, who: bytes) -> None:
        """A loan of `who` was repaid in full."""
        self._bump(who, "loans_repaid")

    def note_savings(self, who: bytes, regular: bool) -> None:
        """`who` saved at a group meeting (regular) or missed one."""
        self._bump(who, "savings_regular" if regular else "savings_missed")

    def note_saved_activity(self, who: bytes) -> None:
        """`who` saved at a group meeting, which is also a financial action: both counters, one rescore."""
        def f(r: dict[str, Any]) -> None:
            r["savings_regular"] += 1
            r["activity"] += 1
        self._update(who, f)

    def note_inflow(self, who: bytes, amount: int, asset: int) -> None:
        """`who` received money from outside (a remittance, a payment); months with inflows count."""
        month = month_of(self.block_number, self.rt.blocks_per_day)

        def f(r: dict[str, Any]) -> None:
            r["inflows"] += 1
            if r["last_inflow_month"] != month:
                r["inflow_months"] += 1
                r["last_inflow_month"] = month
        if amount > 0:
            self._update(who, f)

    def note_credential(self, who: bytes) -> None:
        """`who` earned a financial-education credential."""
        self._bump(who, "credentials")

    def note_credential_revoked(self, who: bytes) -> None:
        """A credential of `who` was revoked (e.g. issued in error): the credentials feature goes down by one."""
        self._bump(who, "credentials", -1)

    def note_activity(self, who: bytes) -> None:
        """`who` took a financial action (requested or repaid a loan, saved, vouched)."""
        self._bump(who, "activity")

    # -- the public API: reading scores -----------------------------------------------------------------
    def score(self, who: bytes) -> int | None:
        """The account's score as of now (None: insufficient history). Rescores (and may emit) if stale."""
        record = self.Behaviour.get(who)
        if record is None:
            return None
        return self._rescore(who, record)

    def score_record(self, who: bytes) -> dict[str, Any] | None:
        """The stored ScoreRecord (score, reasons, version, block) without rescoring."""
        return self.Scores.get(who)

    def features(self, who: bytes) -> Features:
        record = self.Behaviour.get(who) or new_behaviour(self.block_number)
        return features_from_record(record, self.block_number, self.rt.blocks_per_day)

    def scorecard(self) -> Scorecard:
        """The scorecard in force (decoded once per version)."""
        raw = self.rt.state.get(self.Scorecards.key(self.ScorecardVersion.get()))
        if raw is None:
            return DEFAULT_SCORECARD
        if self._card_cache is None or self._card_cache[0] != raw:
            self._card_cache = (raw, Scorecard.from_value(SCORECARD.decode(raw)))
        return self._card_cache[1]

    # -- the public API: vouches and loans (Lending calls these) ----------------------------------------
    def lock_vouches(self, borrower: bytes, loan_id: int) -> list[bytes]:
        """Lock every vouch for `borrower` to a loan (they cannot be withdrawn until it closes)."""
        vouchers = []
        for (_, voucher), v in self.Vouches.iter(borrower):
            v["locks"] += 1
            self.Vouches.put(borrower, voucher, v)
            vouchers.append(voucher)
        if vouchers:
            self.LoanVouchers.put(loan_id, vouchers)
        return vouchers

    def release_vouches(self, borrower: bytes, loan_id: int) -> None:
        """Unlock the vouches a closed loan depended on."""
        for voucher in self.LoanVouchers.get(loan_id) or []:
            v = self.Vouches.get(borrower, voucher)
            if v is not None and v["locks"]:
                v["locks"] -= 1
                self.Vouches.put(borrower, voucher, v)
        self.LoanVouchers.remove(loan_id)

    def draw_vouch_stakes(self, loan_id: int, borrower: bytes, asset: int, amount: int, dest: bytes) -> int:
        """Draw up to `amount` from the stakes (in `asset`) locked to a defaulted loan, pro rata; returns it."""
        locked = []
        for voucher in self.LoanVouchers.get(loan_id) or []:
            v = self.Vouches.get(borrower, voucher)
            if v is not None and v["asset"] == asset and v["stake"] > 0:
                locked.append((voucher, v))
        total = sum(v["stake"] for _, v in locked)
        take = min(amount, total)
        if take == 0:
            return 0
        assets = self.rt.pallet("Assets")
        points_changed = False
        for (voucher, v), part in zip(locked, pro_rata(take, [v["stake"] for _, v in locked])):
            if part == 0:
                continue
            assets.move(asset, STAKE_ACCOUNT, dest, part)
            v["stake"] -= part
            old_points = v["points"]
            v["standing"], v["points"] = self._vouch_weight(voucher, v)
            points_changed |= v["points"] != old_points
            self.Vouches.put(borrower, voucher, v)
            self.emit("VouchStakeDrawn", {"loan_id": loan_id, "voucher": voucher, "vouchee": borrower,
                                          "asset": asset, "amount": part})
        if points_changed:
            self._update(borrower)
        return take

    # -- the block hook: applying a new scorecard version ------------------------------------------------
    def on_initialize(self, n: int) -> int:
        """Advance the rescoring walk (if one is under way) by at most RescorePerBlock accounts."""
        walk = self.Rescoring.get()
        if walk is None:
            return 0
        version, budget, examined, rescored = self.ScorecardVersion.get(), RESCORE_PER_BLOCK, 0, 0
        while budget and walk["phase"] <= SCORED:
            batch = self._walk_batch(walk["phase"], walk["cursor"], budget)
            for who in batch:
                walk["cursor"] = who
                record = self.Behaviour.get(who)
                old = self.Scores.get(who)
                if record is not None and (old is None or old["version"] != version):
                    self._rescore(who, record)
                    rescored += 1
            examined += len(batch)
            budget -= len(batch)
            if budget:  # the phase ran out of accounts before the budget did
                walk.update(phase=walk["phase"] + 1, cursor=None)
        walk["rescored"] += rescored
        if walk["phase"] > SCORED:
            self.Rescoring.remove()
            self.emit("ScorecardApplied", {"version": walk["version"], "rescored": walk["rescored"]})
        else:
            self.Rescoring.put(walk)
        return examined * EXAMINE_WEIGHT + rescored * RESCORE_WEIGHT

    def _walk_batch(self, phase: int, cursor: bytes | None, limit: int) -> list[bytes]:
        """Up to `limit` accounts of a rescoring phase after `cursor`, in storage order."""
        if phase == BORROWERS:
            if not self.rt.has_pallet("Lending"):
                return []
            return self.rt.pallet("Lending").borrowers_with_open_loans(cursor, limit)
        after = None if cursor is None else (cursor,)
        return [keys[0] for keys, _ in islice(self.Behaviour.iter_from(after), limit)]

    # -- internals ------------------------------------------------------------------------------------
    def _update(self, who: bytes, change: Callable[[dict[str, Any]], None] | None = None) -> None:
        """Apply `change` to the account's Behaviour record (created on first sight) and rescore it."""
        record = self.Behaviour.get(who) or new_behaviour(self.block_number)
        if change is not None:
            change(record)
        self.Behaviour.put(who, record)
        self._rescore(who, record)

    def _bump(self, who: bytes, counter: str, by: int = 1) -> None:
        """Add `by` to one Behaviour counter (never below zero) and rescore."""
        self._update(who, lambda r: r.__setitem__(counter, max(0, r[counter] + by)))

    def _vouch_weight(self, voucher: bytes, v: dict[str, Any]) -> tuple[int, int]:
        """(standing, points) of a vouch now: its stake in units of its asset, times the voucher's standing by
        their latest recorded score (the Scores record; reading it never rescores, so nothing cascades)."""
        record = self.Scores.get(voucher)
        voucher_score = None if record is None else record["score"]
        unit = self.VouchUnits.get(v["asset"]) or 0
        return voucher_standing(voucher_score), vouch_points(v["stake"], unit, voucher_score)

    def _refresh_vouch_points(self, who: bytes, record: dict[str, Any]) -> None:
        """Weigh every vouch for `who` again and make `record["vouch_points"]` their sum (at most MaxVouches
        reads of vouchers' scores; written back only where something changed)."""
        total = 0
        if self.VouchCount.get(who):
            for (_, voucher), v in self.Vouches.iter(who):
                weight = self._vouch_weight(voucher, v)
                if weight != (v["standing"], v["points"]):
                    v["standing"], v["points"] = weight
                    self.Vouches.put(who, voucher, v)
                total += weight[1]
        if total != record["vouch_points"]:
            record["vouch_points"] = total
            self.Behaviour.put(who, record)

    def _rescore(self, who: bytes, record: dict[str, Any]) -> int | None:
        """Recompute the account's score now (vouches weighed again) and emit ScoreUpdated if it changed."""
        self._refresh_vouch_points(who, record)
        card = self.scorecard()
        score, reasons = compute_score(features_from_record(record, self.block_number, self.rt.blocks_per_day), card)
        old = self.Scores.get(who)
        if old is None or old["score"] != score or old["reasons"] != reasons or old["version"] != card.version:
            self.Scores.put(who, {"score": score, "reasons": reasons, "version": card.version, "block": self.block_number})
            self.emit("ScoreUpdated", {"who": who, "score": score, "reasons": reasons, "scorecard_version": card.version})
        return score

    def _install(self, card: Scorecard) -> None:
        self.Scorecards.put(card.version, card.to_value())
        self.ScorecardVersion.put(card.version)
        self.Rescoring.put({"version": card.version, "phase": BORROWERS, "cursor": None, "rescored": 0})
        self.emit("ScorecardSet", {"version": card.version, "features": len(card.features)})

    def build_genesis(self, config: dict[str, Any]) -> None:
        cfg = config.get("credit", {})
        card = Scorecard.from_value(cfg["scorecard"]) if "scorecard" in cfg else DEFAULT_SCORECARD
        card.validate()
        self.Scorecards.put(card.version, card.to_value())
        self.ScorecardVersion.put(card.version)
        units = dict(cfg.get("vouch_units", {}))
        for a in config.get("assets", []):
            if a["id"] not in units:
                units[a["id"]] = DEFAULT_VOUCH_UNITS.get(a["symbol"], 10) * 10 ** a["decimals"]
        for asset, unit in units.items():
            self.VouchUnits.put(int(asset), int(unit))


# One vouch unit is roughly USD 10 in each demo asset (whole tokens of the asset).
DEFAULT_VOUCH_UNITS = {"USDP": 10, "KESP": 1_300, "PHPP": 570, "NGNP": 15_000, "GTQP": 77}
