"""Sudo: one root key for demos and workshops (dispatch any call as root)."""
from __future__ import annotations

from typing import Any

from chain.codec import ACCOUNT_ID, Option
from chain.errors import DispatchError
from chain.frame import ErrorDef, EventDef, Origin, Pallet, StorageDef, call, ensure_signed, ROOT
from chain.pallets.balances import lookup
from chain.types import DISPATCH_RESULT, MULTI_ADDRESS, RUNTIME_CALL, WEIGHT


class Sudo(Pallet):
    INDEX = 4
    NAME = "Sudo"
    DOC = "A single root key that can dispatch any call as root (demo and workshop chains)."
    EVENTS = (
        EventDef(0, "Sudid", (("sudo_result", DISPATCH_RESULT),), "A sudo call just took place."),
        EventDef(1, "KeyChanged", (("old", Option(ACCOUNT_ID)), ("new", ACCOUNT_ID)), "The sudo key has been updated."),
        EventDef(3, "SudoAsDone", (("sudo_result", DISPATCH_RESULT),), "A sudo_as call just took place."),
    )
    ERRORS = (ErrorDef(0, "RequireSudo", "Sender must be the Sudo account; ask the chain's operator."),)
    STORAGE = (StorageDef("Key", ACCOUNT_ID, "The `AccountId` of the sudo key."),)

    def _ensure_sudo(self, origin: Origin) -> bytes:
        who = ensure_signed(origin)
        if who != self.Key.get():
            raise self.fail("RequireSudo")
        return who

    def _dispatch_result(self, inner: Any, origin: Origin) -> tuple[str, Any]:
        try:
            self.rt.dispatch_call(inner, origin)
            return ("Ok", ())
        except DispatchError as exc:
            return ("Err", exc.to_value())

    @call(0, ("call", RUNTIME_CALL), weight=10_000_000)
    def sudo(self, origin: Origin, call: Any) -> None:
        """Dispatch a call with the root origin."""
        self._ensure_sudo(origin)
        self.emit("Sudid", {"sudo_result": self._dispatch_result(call, ROOT)})

    @call(1, ("call", RUNTIME_CALL), ("weight", WEIGHT), weight=10_000_000)
    def sudo_unchecked_weight(self, origin: Origin, call: Any, weight: dict) -> None:
        """Dispatch a call with the root origin, declaring its weight."""
        self._ensure_sudo(origin)
        self.emit("Sudid", {"sudo_result": self._dispatch_result(call, ROOT)})

    @call(2, ("new", MULTI_ADDRESS), weight=10_000_000)
    def set_key(self, origin: Origin, new: Any) -> None:
        """Hand the sudo key to another account."""
        old = self._ensure_sudo(origin)
        acc = lookup(new)
        self.Key.put(acc)
        self.emit("KeyChanged", {"old": old, "new": acc})

    @call(3, ("who", MULTI_ADDRESS), ("call", RUNTIME_CALL), weight=10_000_000)
    def sudo_as(self, origin: Origin, who: Any, call: Any) -> None:
        """Dispatch a call as another signed account."""
        self._ensure_sudo(origin)
        self.emit("SudoAsDone", {"sudo_result": self._dispatch_result(call, Origin.signed(lookup(who)))})

    def build_genesis(self, config: dict[str, Any]) -> None:
        if config.get("sudo_key"):
            self.Key.put(config["sudo_key"])
