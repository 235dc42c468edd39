"""Plain views of the chain through the `ChainClient` interface only (no streamlit, no chain internals):
what the Explorer and the Overview show when they talk to the chain directly (recent blocks, one block's
extrinsics and events, accounts, search), and what happened in plain words.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable, Literal

from chain.client import ChainClient, DecodedBlock, DecodedEvent, DecodedExtrinsic
from chain.crypto import account_from_str, ss58_encode
from chain.node import DEFAULT_ASSETS

from pages.ui.fmt import Lang, fmt_amount, fmt_datetime
from pages.ui.i18n import t

_HEX = re.compile(r"^(0x)?[0-9a-fA-F]+$")
AMOUNT_FIELDS = {"amount", "free_balance", "free", "actual_fee", "principal", "fee", "value", "stake", "outstanding",
                 "shortfall", "late_fee", "raised", "goal", "to_principal", "to_interest", "to_fees", "send_amount",
                 "receive_amount"}
ASSETS: dict[int, tuple[str, int]] = {a["id"]: (a["symbol"], a["decimals"]) for a in DEFAULT_ASSETS}


def hexs(b: bytes | None) -> str:
    return "" if b is None else "0x" + b.hex()


def short_hex(b: bytes | None, n: int = 6) -> str:
    if b is None:
        return "—"
    h = b.hex()
    return f"0x{h[:n]}…{h[-4:]}"


def address(who: bytes | None) -> str:
    """An account as SS58 (the way wallets and explorers show it)."""
    return "—" if who is None else ss58_encode(who)


def short_address(who: bytes | None) -> str:
    a = address(who)
    return a if len(a) < 14 else f"{a[:6]}…{a[-4:]}"


def plain(value: Any) -> Any:
    """A decoded value made readable and JSON-able: bytes as hex (32 bytes: SS58), enums as text."""
    if isinstance(value, bytes):
        return ss58_encode(value) if len(value) == 32 else hexs(value)
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], str):
        variant, payload = value
        if payload is None or payload == ():
            return variant
        if variant == "Id" and isinstance(payload, bytes):
            return ss58_encode(payload)
        return {variant: plain(payload)}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def account_arg(value: Any) -> bytes | None:
    """An account from a call argument (AccountId or MultiAddress::Id)."""
    if isinstance(value, bytes) and len(value) == 32:
        return value
    if isinstance(value, tuple) and len(value) == 2 and value[0] == "Id" and isinstance(value[1], bytes):
        return value[1]
    return None


# -- blocks ----------------------------------------------------------------------------------------------
def block_row(b: DecodedBlock, lang: Lang) -> dict[str, Any]:
    signed = sum(1 for x in b.extrinsics if x.signer is not None)
    return {
        t("col.block", lang): b.number,
        t("col.time", lang): fmt_datetime(b.timestamp_ms, lang) if b.timestamp_ms else "—",
        t("col.hash", lang): hexs(b.hash),
        t("col.signed_extrinsics", lang): signed,
        t("col.events", lang): len(b.events),
        t("col.failed", lang): sum(1 for x in b.extrinsics if not x.success),
    }


def recent_blocks(client: ChainClient, count: int = 20, head: int | None = None) -> list[DecodedBlock]:
    head = client.head() if head is None else head
    start = max(0, head - count + 1)
    return list(reversed(list(client.blocks(start, head))))


def extrinsic_rows(b: DecodedBlock, lang: Lang) -> list[dict[str, Any]]:
    return [{
        t("col.index", lang): f"{b.number}-{x.index}",
        t("col.hash", lang): hexs(x.hash),
        t("col.call", lang): f"{x.pallet}.{x.call}",
        t("col.signer", lang): address(x.signer) if x.signer else t("word.inherent", lang),
        t("col.result", lang): t("word.ok", lang) if x.success else f"{t('word.failed', lang)}: {x.error}",
        t("col.fee", lang): fmt_amount(x.fee, 12, "PUI", lang, 4),
        t("col.args", lang): str(plain(x.args)),
    } for x in b.extrinsics]


def event_rows(b: DecodedBlock, lang: Lang) -> list[dict[str, Any]]:
    return [{
        t("col.index", lang): f"{b.number}-{e.index}",
        t("col.extrinsic", lang): "—" if e.extrinsic_index is None else f"{b.number}-{e.extrinsic_index}",
        t("col.event", lang): f"{e.pallet}.{e.event}",
        t("col.what", lang): describe_event(e, lang),
        t("col.fields", lang): str(plain(e.fields)),
    } for e in b.events]


# -- plain words --------------------------------------------------------------------------------------------
_BORING = {("System", "ExtrinsicSuccess"), ("TransactionPayment", "TransactionFeePaid"), ("Balances", "Withdraw"),
           ("Balances", "Deposit")}


def describe_event(e: DecodedEvent, lang: Lang, names: dict[bytes, str] | None = None,
                   asset_hint: int | None = None) -> str:
    """One event in plain words, e.g. "5.00 PUI sent from 5Grw…utQY to 5FHn…94ty"."""
    f = e.fields

    def who(k: str) -> str:
        v = f.get(k)
        if isinstance(v, bytes) and names and v in names:
            return names[v]
        return short_address(v) if isinstance(v, bytes) else str(plain(v))

    params: dict[str, Any] = {}
    native = e.pallet in ("Balances", "TransactionPayment")
    asset = f.get("asset") if isinstance(f.get("asset"), int) else asset_hint
    token = ASSETS.get(asset) if asset is not None else None
    for k, v in f.items():
        if isinstance(v, bytes) and len(v) == 32:
            params[k] = who(k)
        elif isinstance(v, int) and not isinstance(v, bool) and (k in AMOUNT_FIELDS or k.endswith("_amount")):
            own = f.get(k.removesuffix("_amount") + "_asset")  # send_amount -> send_asset
            tok = ASSETS.get(own) if isinstance(own, int) and not isinstance(own, bool) else token
            if native:
                params[k] = fmt_amount(v, 12, "PUI", lang)
            elif tok is not None:
                params[k] = fmt_amount(v, tok[1], tok[0], lang)
            else:
                params[k] = f"{v:,}"
        else:
            params[k] = plain(v)
    key = f"ev.{e.pallet}.{e.event}"
    text = t(key, lang, default="", **params)
    if text:
        return text
    if e.pallet == "System" and e.event == "ExtrinsicFailed":
        return t("ev.failed", lang)
    shown = ", ".join(f"{k}={params[k]}" for k in list(params)[:4])
    return f"{e.pallet}.{e.event}" + (f" ({shown})" if shown else "")


def _from_json(value: Any) -> Any:
    """Analytics' JSON form back to the chain's Python form where it matters for words (0x hex -> bytes)."""
    if isinstance(value, str) and value.startswith("0x") and len(value) == 66:
        return bytes.fromhex(value[2:])
    return value


def describe_json_event(row: dict[str, Any], lang: Lang, names: dict[bytes, str] | None = None) -> str:
    """An indexed event row (analytics' JSON fields) in plain words."""
    fields = {k: _from_json(v) for k, v in (row.get("fields") or {}).items()}
    return describe_event(DecodedEvent(row.get("event_index", 0), row.get("extrinsic_index"), row["pallet"],
                                       row["event"], fields), lang, names)


@dataclass(frozen=True)
class Happening:
    block: int
    time_ms: int
    extrinsic: str  # "12-1" or "" for block hooks
    text: str


def what_happened(blocks: Iterable[DecodedBlock], lang: Lang, limit: int = 12,
                  names: dict[bytes, str] | None = None) -> list[Happening]:
    """The latest notable events (fees and bookkeeping left out), newest first, in plain words."""
    out: list[Happening] = []
    for b in blocks:
        # an event without an asset (a loan repayment) takes the asset its extrinsic moved (the transfer)
        assets_of = {e.extrinsic_index: e.fields["asset"] for e in b.events
                     if isinstance(e.fields.get("asset"), int) and e.extrinsic_index is not None}
        for e in reversed(b.events):
            if (e.pallet, e.event) in _BORING or (e.pallet == "System" and e.event == "NewAccount"):
                continue
            xt = "" if e.extrinsic_index is None else f"{b.number}-{e.extrinsic_index}"
            out.append(Happening(b.number, b.timestamp_ms, xt,
                                 describe_event(e, lang, names,
                                                assets_of.get(e.extrinsic_index) if e.extrinsic_index is not None else None)))
            if len(out) >= limit:
                return out
    return out


# -- accounts -----------------------------------------------------------------------------------------------
def parse_account(text: str) -> bytes | None:
    text = text.strip()
    try:
        return account_from_str(text)
    except Exception:
        pass
    if _HEX.match(text) and len(text.removeprefix("0x")) == 64:
        return bytes.fromhex(text.removeprefix("0x"))
    return None


def account_summary(client: ChainClient, who: bytes) -> dict[str, Any]:
    info = client.account(who)
    data = info.get("data", {})
    return {"address": address(who), "nonce": info.get("nonce", 0), "free": data.get("free", 0),
            "reserved": data.get("reserved", 0), "frozen": data.get("frozen", 0),
            "providers": info.get("providers", 0)}


def asset_balances(client: ChainClient, who: bytes) -> list[dict[str, Any]]:
    """The account's token balances (asset id, symbol, decimals, raw amount) from the Assets pallet."""
    if not client.has_pallet("Assets"):
        return []
    out = []
    for keys, details in client.storage_iter("Assets", "Asset"):
        asset = keys[-1] if keys else None
        if asset is None:
            continue
        bal = client.storage("Assets", "Account", asset, who)
        if bal:
            out.append({"asset": asset, "symbol": details.get("symbol", str(asset)),
                        "decimals": details.get("decimals", 0), "balance": bal})
    return out


# -- search -------------------------------------------------------------------------------------------------
SearchKind = Literal["block", "account", "hash", "id", "empty", "unknown"]


@dataclass(frozen=True)
class Query:
    kind: SearchKind
    number: int | None = None
    data: bytes | None = None
    text: str = ""


def classify(text: str) -> Query:
    """What a search box entry is: a block number, an account (SS58 or 32-byte hex), a 32-byte hash, an id."""
    s = text.strip().replace(",", "").lstrip("#")
    if not s:
        return Query("empty")
    if s.isdigit():
        return Query("block", number=int(s), text=s)
    if _HEX.match(s) and len(s.removeprefix("0x")) == 64:  # a block or extrinsic hash, or an account in hex
        return Query("hash", data=bytes.fromhex(s.removeprefix("0x")), text=s)
    try:
        return Query("account", data=account_from_str(s), text=s)
    except Exception:
        pass
    if re.match(r"^[A-Za-z]+[-:# ]?\d+$", s):
        return Query("id", text=s)
    return Query("unknown", text=s)


def find_hash_recent(client: ChainClient, h: bytes, scan_blocks: int,
                     head: int | None = None) -> tuple[str, DecodedBlock, DecodedExtrinsic | None] | None:
    """Look for a block or extrinsic hash in the latest `scan_blocks` blocks (the index covers the rest)."""
    head = client.head() if head is None else head
    for n in range(head, max(-1, head - scan_blocks), -1):
        if client.block_hash(n) == h:
            return ("block", client.block(n), None)
    for b in recent_blocks(client, scan_blocks, head):
        for x in b.extrinsics:
            if x.hash == h:
                return ("extrinsic", b, x)
    return None


# -- key figures of the chain itself -------------------------------------------------------------------------
@dataclass(frozen=True)
class ChainFigures:
    name: str
    backend: str
    head: int
    head_hash: bytes
    head_time_ms: int
    blocks_per_day: int
    total_issuance: int
    token_symbol: str
    token_decimals: int
    day_extrinsics: int  # signed extrinsics in the last simulated day
    day_failed: int
    pallets: tuple[str, ...]


def chain_figures(client: ChainClient, head: int | None = None) -> ChainFigures:
    info = client.info()
    head = client.head() if head is None else head
    last_day = list(client.blocks(max(0, head - info.blocks_per_day + 1), head))
    top = last_day[-1]
    signed = [x for b in last_day for x in b.extrinsics if x.signer is not None]
    return ChainFigures(info.name, info.backend, head, top.hash, top.timestamp_ms, info.blocks_per_day,
                        int(client.storage("Balances", "TotalIssuance") or 0), info.token_symbol,
                        info.token_decimals, len(signed), sum(1 for x in signed if not x.success), info.pallets)


def latest_blocks(client: ChainClient, count: int, head: int | None = None) -> list[DecodedBlock]:
    """The latest `count` blocks, newest first (cache-friendly name for the pages)."""
    return recent_blocks(client, count, head)


def block_or_none(client: ChainClient, number: int) -> DecodedBlock | None:
    if number < 0 or number > client.head():
        return None
    return client.block(number)


def account_rows(client: ChainClient, lang: Lang, with_names: bool = False, limit: int = 500,
                 names: dict[bytes, str] | None = None) -> list[dict[str, Any]]:
    """Accounts by free balance (largest first); the name column only when names are given (staff)."""
    info = client.info()
    items = [(k[-1], v) for k, v in client.storage_iter("System", "Account")]
    items.sort(key=lambda kv: -int(kv[1]["data"]["free"]))
    rows = []
    for who, acc in items[:limit]:
        row: dict[str, Any] = {t("col.account", lang): address(who)}
        if with_names and names is not None:
            row[t("col.name", lang)] = names.get(who, "")
        row[t("col.free", lang)] = fmt_amount(acc["data"]["free"], info.token_decimals, info.token_symbol, lang)
        row[t("col.nonce", lang)] = acc["nonce"]
        rows.append(row)
    return rows


ID_KINDS = {"loan": ("Lending", "Loans"), "donation": ("Donations", "Donations"), "group": ("SavingsGroups", "Groups"),
            "campaign": ("Donations", "Campaigns"), "course": ("Education", "Courses"),
            "remittance": ("Remittance", "Remittances")}


def lookup_id(client: ChainClient, text: str) -> dict[str, Any] | None:
    """"loan 12", "donation-5", "group:3"...: the on-chain record from the owning pallet's storage.
    Raises PalletMissing when the chain has no such pallet."""
    from chain.client import PalletMissing

    m = re.match(r"^([A-Za-z]+)[-:# ]?(\d+)$", text.strip())
    if not m:
        return None
    kind, number = m.group(1).lower().rstrip("s"), int(m.group(2))
    if kind not in ID_KINDS:
        return None
    pallet, item = ID_KINDS[kind]
    if not client.has_pallet(pallet):
        raise PalletMissing(pallet, client.info().name)
    try:
        value = client.storage(pallet, item, number)
    except Exception:
        return None
    return None if value is None else {"kind": kind, "id": number, "pallet": pallet, "record": plain(value)}


def happenings(client: ChainClient, count: int, lang: Lang, limit: int = 15,
               names: dict[bytes, str] | None = None) -> list[Happening]:
    """What happened in the latest `count` blocks, in plain words (cache-friendly for the Overview)."""
    return what_happened(recent_blocks(client, count), lang, limit=limit, names=names)


def explorer_tables(client: ChainClient, count: int, lang: Lang) -> tuple[list[DecodedBlock], list[dict[str, Any]],
                                                                         list[dict[str, Any]], list[dict[str, Any]]]:
    """The latest `count` blocks and their rows for the Explorer's blocks, extrinsics and events tabs."""
    blocks = recent_blocks(client, count)
    return (blocks, [block_row(b, lang) for b in blocks], [r for b in blocks for r in extrinsic_rows(b, lang)],
            [r for b in blocks for r in event_rows(b, lang)])
