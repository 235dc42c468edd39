"""The runtime APIs the node answers through `state_call`, in SCALE as a Substrate runtime would.

Listed in the runtime version's `apis` (chain/metadata.py RUNTIME_APIS): Core (version), Metadata
(metadata), AccountNonceApi, TransactionPaymentApi (query_info, query_fee_details, weight and length to
fee) and TaggedTransactionQueue (validate_transaction). substrate-interface reads nonces and fees this way
once `state_call` is listed in `rpc_methods`; polkadot.js decorates `api.call.*` from the same list.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from chain.codec import BOOL, BYTES, U8, U32, U64, U128, Enum, Option, Struct, Variant, Vec, decode_compact
from chain.errors import (
    AncientBirthBlock, BadOriginTx, BadProof, CodecError, ExhaustsResources, FutureTransaction, InvalidTransaction,
    MalformedTransaction, Payment, StaleTransaction, UnknownCall,
)
from chain.extrinsic import decode_extrinsic
from chain.metadata import encode_runtime_version
from chain.runtime import BASE_EXTRINSIC_WEIGHT
from chain.types import DISPATCH_CLASS, WEIGHT

from chain.rpc_errors import RpcError, invalid_params

if TYPE_CHECKING:
    from chain.rpc_api import NodeApi


# SCALE shapes of runtime API answers
RUNTIME_DISPATCH_INFO = Struct("RuntimeDispatchInfo", (("weight", WEIGHT), ("class", DISPATCH_CLASS), ("partial_fee", U128)))
INCLUSION_FEE = Struct("InclusionFee", (("base_fee", U128), ("len_fee", U128), ("adjusted_weight_fee", U128)))
FEE_DETAILS = Struct("FeeDetails", (("inclusion_fee", Option(INCLUSION_FEE)), ("tip", U128)))
INVALID_TX = Enum("sp_runtime::transaction_validity::InvalidTransaction", tuple(Variant(i, n, f) for i, n, f in (
    (0, "Call", ()), (1, "Payment", ()), (2, "Future", ()), (3, "Stale", ()), (4, "BadProof", ()),
    (5, "AncientBirthBlock", ()), (6, "ExhaustsResources", ()), (7, "Custom", (("", U8),)), (8, "BadMandatory", ()),
    (9, "MandatoryValidation", ()), (10, "BadSigner", ()))))
TX_VALIDITY_ERROR = Enum("TransactionValidityError", (
    Variant(0, "Invalid", (("", INVALID_TX),)), Variant(1, "Unknown", (("", U8),))))
VALID_TX = Struct("ValidTransaction", (("priority", U64), ("requires", Vec(BYTES)), ("provides", Vec(BYTES)),
                                        ("longevity", U64), ("propagate", BOOL)))
TX_VALIDITY = Enum("Result", (Variant(0, "Ok", (("", VALID_TX),)), Variant(1, "Err", (("", TX_VALIDITY_ERROR),))))
_INVALID_VARIANT: tuple[tuple[type, str], ...] = (
    (UnknownCall, "Call"), (BadOriginTx, "Call"), (Payment, "Payment"), (FutureTransaction, "Future"),
    (StaleTransaction, "Stale"), (BadProof, "BadProof"), (AncientBirthBlock, "AncientBirthBlock"),
    (ExhaustsResources, "ExhaustsResources"),
)


def _split_extrinsic(data: bytes) -> tuple[bytes, int]:
    """An encoded extrinsic (with its length prefix) at the start of `data`; returns it and where it ends."""
    try:
        n, pos = decode_compact(data, 0)
    except CodecError as exc:
        raise invalid_params(f"extrinsic: {exc}") from None
    if pos + n > len(data):
        raise invalid_params("extrinsic is truncated")
    return data[: pos + n], pos + n


class RuntimeApi:
    """`state_call` methods over one node; `call` returns the SCALE answer."""

    def __init__(self, api: "NodeApi"):
        self.api = api
        self.node = api.node

    def call(self, method: str, raw: bytes, number: int, best: bool) -> bytes:
        fn = self.CALLS.get(method)
        if fn is None:
            raise RpcError(-32000, f"Client error: Execution failed: Exported method {method} is not found")
        return fn(self, raw, number, best)

    def fee_parts(self, xt_bytes: bytes, length: int) -> tuple[int, int, int, int]:
        """(weight, base fee, length fee, weight fee) of an extrinsic."""
        from chain.pallets.transaction_payment import BASE_FEE, LENGTH_FEE, WEIGHT_FEE_PER_MILLION

        try:
            xt = decode_extrinsic(xt_bytes)
            call = self.node.rt.decode_call(xt.call_bytes)
            weight = BASE_EXTRINSIC_WEIGHT + self.node.rt.call_weight(call)
        except InvalidTransaction as exc:
            raise RpcError(-32000, f"Client error: Execution failed: {exc.reason}: {exc}") from None
        return weight, BASE_FEE, length * LENGTH_FEE, weight * WEIGHT_FEE_PER_MILLION // 1_000_000

    def _account_nonce(self, raw: bytes, number: int, best: bool) -> bytes:
        who = raw if len(raw) == 32 else None
        if who is None:
            raise invalid_params("AccountNonceApi_account_nonce takes a 32-byte account id")
        if best:  # at the best block, count the pool too (as system_accountNextIndex does)
            return U32.encode(self.node.next_nonce(who))
        info = self.api.read(self.node.rt.system.Account.key(who), number)
        return U32.encode(0 if info is None else self.node.rt.system.Account.item.value.decode(info)["nonce"])

    def _query_info(self, raw: bytes, number: int, best: bool) -> bytes:
        xt, end = _split_extrinsic(raw)
        length = U32.decode(raw[end:]) if len(raw) > end else len(xt)
        weight, base, len_fee, weight_fee = self.fee_parts(xt, length)
        return RUNTIME_DISPATCH_INFO.encode({"weight": {"ref_time": weight, "proof_size": 0}, "class": ("Normal", None),
                                             "partial_fee": base + len_fee + weight_fee})

    def _query_fee_details(self, raw: bytes, number: int, best: bool) -> bytes:
        xt, end = _split_extrinsic(raw)
        length = U32.decode(raw[end:]) if len(raw) > end else len(xt)
        _, base, len_fee, weight_fee = self.fee_parts(xt, length)
        tip = decode_extrinsic(xt).tip
        return FEE_DETAILS.encode({"inclusion_fee": {"base_fee": base, "len_fee": len_fee, "adjusted_weight_fee": weight_fee},
                                   "tip": tip})

    def _weight_to_fee(self, raw: bytes, number: int, best: bool) -> bytes:
        from chain.pallets.transaction_payment import WEIGHT_FEE_PER_MILLION

        return U128.encode(WEIGHT.decode(raw)["ref_time"] * WEIGHT_FEE_PER_MILLION // 1_000_000)

    def _length_to_fee(self, raw: bytes, number: int, best: bool) -> bytes:
        from chain.pallets.transaction_payment import LENGTH_FEE

        return U128.encode(U32.decode(raw) * LENGTH_FEE)

    def _validate_transaction(self, raw: bytes, number: int, best: bool) -> bytes:
        if not raw:
            raise invalid_params("validate_transaction takes (source, transaction, block hash)")
        xt_bytes, _ = _split_extrinsic(raw[1:])
        node = self.node
        try:
            xt = decode_extrinsic(xt_bytes)
            with node.lock:
                node.rt.prepare_for_validation(node.head.number, node.head.hash)
                node.rt.validate_transaction(xt)
            provides = [xt.signer + U32.encode(xt.nonce)] if xt.signer else []
            requires = [xt.signer + U32.encode(xt.nonce - 1)] if xt.signer and xt.nonce else []
            return TX_VALIDITY.encode(("Ok", {"priority": xt.tip, "requires": requires, "provides": provides,
                                              "longevity": (1 << 64) - 1, "propagate": True}))
        except MalformedTransaction:
            return TX_VALIDITY.encode(("Err", ("Invalid", ("Call", None))))
        except InvalidTransaction as exc:
            variant = next((v for cls, v in _INVALID_VARIANT if isinstance(exc, cls)), "Custom")
            return TX_VALIDITY.encode(("Err", ("Invalid", (variant, 0 if variant == "Custom" else None))))

    CALLS: dict[str, Callable[..., bytes]] = {
        "Core_version": lambda self, raw, n, best: encode_runtime_version(),
        "Metadata_metadata": lambda self, raw, n, best: BYTES.encode(self.api.metadata),
        "AccountNonceApi_account_nonce": _account_nonce,
        "TransactionPaymentApi_query_info": _query_info,
        "TransactionPaymentApi_query_fee_details": _query_fee_details,
        "TransactionPaymentApi_query_weight_to_fee": _weight_to_fee,
        "TransactionPaymentApi_query_length_to_fee": _length_to_fee,
        "TaggedTransactionQueue_validate_transaction": _validate_transaction,
    }
