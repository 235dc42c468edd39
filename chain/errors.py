"""The chain's typed exceptions. Each says, in one line, when it is raised.

Two families matter:
- `InvalidTransaction` (and its subclasses): a transaction that must never enter a block. The pool and
  block import refuse it; it costs the sender nothing. Over RPC it becomes JSON-RPC error 1010.
- `DispatchError`: a valid, fee-paying transaction whose call failed. Its storage changes are rolled
  back, the fee stays paid, and `System.ExtrinsicFailed` carries the error (a pallet's `ModuleError`
  names the pallet index and error index, which metadata turns into a name and doc).
"""
from __future__ import annotations


class ChainError(Exception):
    """Raised for any failure of the chain; the base of all the others."""


class CodecError(ChainError, ValueError):
    """Raised when bytes cannot be decoded as the declared SCALE type, or a value cannot be encoded."""


class InvalidTransaction(ChainError):
    """Raised when a transaction is not valid and must not enter a block."""

    reason = "Invalid transaction"


class MalformedTransaction(InvalidTransaction):
    """Raised when extrinsic bytes do not decode (bad length, version, address, era or call)."""

    reason = "Could not decode"


class BadProof(InvalidTransaction):
    """Raised when the signature does not verify over the signing payload."""

    reason = "Transaction has a bad signature"


class BadGenesis(InvalidTransaction):
    """Raised when the transaction was signed for another chain (genesis hash differs)."""

    reason = "Transaction was signed for another chain"


class BadSpecVersion(InvalidTransaction):
    """Raised when the transaction was signed for another runtime spec or transaction version."""

    reason = "Transaction was signed for another runtime version"


class StaleTransaction(InvalidTransaction):
    """Raised when the nonce is lower than the account's next nonce (already used)."""

    reason = "Transaction is outdated"


class FutureTransaction(InvalidTransaction):
    """Raised at block import when a nonce is ahead of the account's next nonce (the pool keeps it)."""

    reason = "Transaction will be valid in the future"


class AncientBirthBlock(InvalidTransaction):
    """Raised when a mortal era's birth block is unknown or the era has expired."""

    reason = "Transaction has an ancient birth block"


class Payment(InvalidTransaction):
    """Raised when the sender cannot pay the fee (and tip) and stay alive."""

    reason = "Inability to pay some fees (e.g. account balance too low)"


class UnknownCall(InvalidTransaction):
    """Raised when the call names a pallet or call index the runtime does not have."""

    reason = "Transaction call is not expected"


class BadOriginTx(InvalidTransaction):
    """Raised when an unsigned extrinsic carries a call that needs a signed origin, or vice versa."""

    reason = "Transaction call is not expected"


class ExhaustsResources(InvalidTransaction):
    """Raised when the transaction would not fit in a block (weight or length)."""

    reason = "Transaction would exhaust the block limits"


class DuplicateTransaction(InvalidTransaction):
    """Raised when the pool already holds a transaction with the same hash or sender and nonce."""

    reason = "Transaction Already Imported"


class PoolFull(InvalidTransaction):
    """Raised when the transaction pool has no room left."""

    reason = "Transaction pool is full"


class DispatchError(ChainError):
    """Raised inside a call when it fails; rolls back the call's storage changes, keeps the fee."""

    def to_value(self) -> tuple[str, object]:
        """The `sp_runtime::DispatchError` enum value for events."""
        return ("Other", None)


class PalletDefect(DispatchError):
    """Raised as a call's outcome when a pallet raised an unexpected exception (a bug): the call is
    rolled back, the fee kept, the defect logged, and the chain goes on producing blocks."""

    def to_value(self) -> tuple[str, object]:
        return ("Corruption", None)


class BadOrigin(DispatchError):
    """Raised when a call is made by an origin that may not make it (e.g. non-root calling force_*)."""

    def to_value(self) -> tuple[str, object]:
        return ("BadOrigin", None)


class ArithmeticOverflow(DispatchError):
    """Raised when an amount computation overflows its integer type."""

    def to_value(self) -> tuple[str, object]:
        return ("Arithmetic", ("Overflow", None))


class ArithmeticUnderflow(DispatchError):
    """Raised when an amount computation underflows (goes below zero)."""

    def to_value(self) -> tuple[str, object]:
        return ("Arithmetic", ("Underflow", None))


class ModuleError(DispatchError):
    """Raised by a pallet with one of its declared errors; carries pallet and error index and name."""

    def __init__(self, pallet: str, pallet_index: int, name: str, index: int, doc: str = "", detail: str = ""):
        self.pallet, self.pallet_index, self.name, self.index, self.doc = pallet, pallet_index, name, index, doc
        self.detail = detail
        super().__init__(f"{pallet}.{name}: {doc}" + (f" ({detail})" if detail else ""))

    def to_value(self) -> tuple[str, object]:
        return ("Module", {"index": self.pallet_index, "error": bytes([self.index, 0, 0, 0])})


class BlockError(ChainError):
    """Raised when a block fails import or verification (a root, hash or body does not match)."""

    def __init__(self, number: int, what: str):
        self.number, self.what = number, what
        super().__init__(f"block #{number}: {what}")


class StoreError(ChainError):
    """Raised when the data directory is missing, locked by another process, or not a Puhui store."""


class ProofError(ChainError):
    """Raised when an inclusion proof, receipt or credential does not check out."""


class CorruptStore(StoreError):
    """Raised when bytes read back from the block store do not match what was written (a checksum,
    the framing or a link); names the block number (None for non-block data) and the part."""

    def __init__(self, number: int | None, what: str, part: str | None = None):
        self.number, self.what, self.part = number, what, part
        super().__init__(what if number is None else f"block #{number}: {what}")


class UnknownBlock(StoreError):
    """Raised when a read asks for the state at a block number the store does not hold."""

    def __init__(self, number: int, head: int | None):
        self.number, self.head = number, head
        held = "the store is empty" if head is None else f"the store holds blocks #0..#{head}"
        super().__init__(f"block #{number} is not in the store ({held})")
