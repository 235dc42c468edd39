"""A fraud attempt the chain refuses, shown live: a forged signature, a transaction whose amount was
altered after signing, and a replay of a transaction that is already in a block. Each goes through the
normal submission path; the chain's answer (InvalidTransaction and its reason) is what the page shows."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chain.errors import ChainError, InvalidTransaction


@dataclass(frozen=True)
class Attempt:
    what: str  # "genuine" | "forged" | "altered" | "replay"
    accepted: bool
    answer: str  # the chain's reason, or the hash of the included transaction
    block: int | None = None


class _Forger:
    """Claims to be `victim` but signs with the thief's key."""

    def __init__(self, victim: Any, thief: Any):
        self.public, self.key_type, self._thief = victim.public, victim.key_type, thief

    def sign(self, message: bytes) -> bytes:
        return self._thief.sign(message)


def _try(client: Any, what: str, raw: bytes) -> Attempt:
    try:
        h = client.submit(raw)
    except InvalidTransaction as exc:
        return Attempt(what, False, f"{type(exc).__name__}: {exc}")
    except ChainError as exc:
        return Attempt(what, False, f"{type(exc).__name__}: {exc}")
    return Attempt(what, True, "0x" + h.hex(), client.head())


def fraud_attempt(client: Any, victim: Any, thief: Any, amount: int) -> list[Attempt]:
    """Run the four submissions on an embedded chain (instant seal includes the genuine one at once)."""
    args = {"dest": ("Id", thief.public), "value": amount}
    genuine = client.sign(victim, "Balances", "transfer_keep_alive", {"dest": ("Id", thief.public), "value": 1},
                          nonce=client.nonce(victim.public))
    out = [_try(client, "forged", client.sign(_Forger(victim, thief), "Balances", "transfer_keep_alive", args,
                                               nonce=client.nonce(victim.public)))]
    altered = bytearray(genuine)
    altered[-1] ^= 0x04  # the compact-encoded amount is the last byte of the call: 1 becomes 2
    out.append(_try(client, "altered", bytes(altered)))
    first = _try(client, "genuine", genuine)
    node = getattr(client, "node", None)
    if first.accepted and node is not None and node.seal != "instant":
        node.produce_block()
    out.append(first)
    out.append(_try(client, "replay", genuine))
    return out
