"""The dashboard's plain-Python helpers: search classification, plain words, the donation trace, PAR, the
development fallback chain, the generic fraud attempt and the tamper demonstration on it."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from chain.client import DecodedEvent
from chain.crypto import dev_keypair, ss58_encode
from pages.ui.chainview import classify, describe_event
from pages.ui.insights import lineage_sankey, portfolio


def test_classify_search_entries() -> None:
    alice = dev_keypair("Alice").public
    assert classify("1234").kind == "block" and classify("#1,234").number == 1234
    assert classify(ss58_encode(alice)).data == alice
    q = classify("0x" + "ab" * 32)
    assert q.kind == "hash" and q.data == bytes.fromhex("ab" * 32)
    assert classify("loan 12").kind == "id" and classify("donation-5").kind == "id"
    assert classify("   ").kind == "empty"
    assert classify("hello world!").kind == "unknown"


def test_events_in_plain_words_in_both_languages() -> None:
    a, b = dev_keypair("Alice").public, dev_keypair("Bob").public
    e = DecodedEvent(2, 1, "Balances", "Transfer", {"from": a, "to": b, "amount": 5 * 10**12})
    assert describe_event(e, "en").startswith("5.00 PUI sent from 5Grw")
    assert "转账 5.00 PUI" in describe_event(e, "zh")
    assert "Amina" in describe_event(e, "en", names={a: "Amina"})
    cash = DecodedEvent(0, 1, "Assets", "CashedIn", {"asset": 1, "agent": a, "who": b, "amount": 123_456})
    assert "1,234.56 KESP" in describe_event(cash, "en")
    unknown = DecodedEvent(0, None, "Mystery", "Happened", {"x": 1})
    assert describe_event(unknown, "en") == "Mystery.Happened (x=1)"


def test_donation_lineage_as_a_sankey() -> None:
    donor, ben, shop = "0x" + "11" * 32, "0x" + "22" * 32, "0x" + "33" * 32
    nodes = pd.DataFrame([{"id": f"account:{donor}", "kind": "donor", "label": donor},
                          {"id": "donation:7", "kind": "donation", "label": "donation #7"},
                          {"id": "campaign:2", "kind": "campaign", "label": "campaign 2"},
                          {"id": f"account:{ben}", "kind": "recipient", "label": ben},
                          {"id": f"account:{shop}", "kind": "merchant", "label": shop},
                          {"id": "escrow:2", "kind": "escrow", "label": "unspent"}])
    edges = pd.DataFrame([{"source": f"account:{donor}", "target": "donation:7", "amount": 100_000_000},
                          {"source": "donation:7", "target": "campaign:2", "amount": 100_000_000},
                          {"source": "campaign:2", "target": f"account:{ben}", "amount": 60_000_000},
                          {"source": f"account:{ben}", "target": f"account:{shop}", "amount": 40_000_000},
                          {"source": "campaign:2", "target": "escrow:2", "amount": 40_000_000},
                          {"source": "campaign:2", "target": "escrow:2", "amount": 0}])
    labels = {"donor": "Donor", "donation": "Donation", "campaign": "Campaign", "recipient": "To", "merchant": "Shop",
              "escrow": "Unspent"}
    sk = lineage_sankey(nodes, edges, 6, labels)
    assert sk.values == [100.0, 100.0, 60.0, 40.0, 40.0]
    assert sk.labels[0].startswith("Donor 5") and sk.labels[1] == "Donation 7" and sk.labels[5] == "Unspent 2"
    named = lineage_sankey(nodes, edges, 6, labels, {donor: "Mei"})
    assert named.labels[0] == "Donor Mei"


def test_portfolio_at_risk_in_usd_over_tokens() -> None:
    assets = {1: ("KESP", 2), 2: ("PHPP", 2)}
    rates = {1: 100.0, 2: 50.0}  # units per USD
    par_df = pd.DataFrame([{"asset": 1, "outstanding": 100_000, "at_risk_1": 50_000, "at_risk_7": 0, "at_risk_30": 0,
                            "at_risk_90": 0},
                           {"asset": 2, "outstanding": 50_000, "at_risk_1": 50_000, "at_risk_7": 50_000,
                            "at_risk_30": 50_000, "at_risk_90": 0}])
    book = pd.DataFrame({"outstanding": [1.0, 0.0, 2.0], "status": ["active", "repaid", "defaulted"]})
    perf = pd.DataFrame({"installments_due": [10, 30], "paid_on_time": [9, 15], "repayment_rate": [1.0, 0.5]})
    p = portfolio(book, par_df, perf, assets, rates)
    assert p.outstanding_usd == pytest.approx(20.0)  # 1,000 KESP = 10 USD; 500 PHPP = 10 USD
    assert p.par[1] == pytest.approx(0.75) and p.par[30] == pytest.approx(0.5) and p.par[90] == 0.0
    assert (p.loans, p.active, p.defaulted) == (3, 2, 1)
    assert p.on_time_rate == pytest.approx(0.6) and p.repayment_rate == pytest.approx(0.625)


@pytest.fixture(scope="module")
def fallback_chain(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from pages.ui.bootstrap import build_dev_fallback

    base = tmp_path_factory.mktemp("fallback") / "chain"
    build_dev_fallback(base, days=3, transfers=30)
    return base


def test_the_fallback_chain_is_real_signed_transfers_that_verify(fallback_chain: Path) -> None:
    from chain.client import EmbeddedClient
    from chain.node import verify_chain

    assert verify_chain(fallback_chain) == 72
    c = EmbeddedClient(fallback_chain)
    try:
        xts = [x for n in range(1, c.head() + 1) for x in c.block(n).extrinsics if x.signer is not None]
        assert len(xts) == 30 and all(x.success and x.call == "transfer_keep_alive" for x in xts)
        assert c.block(24).timestamp_ms - c.block(0 + 1).timestamp_ms == 23 * 3_600_000
    finally:
        c.close()


def test_generic_fraud_attempt_is_refused_and_tamper_is_detected(fallback_chain: Path) -> None:
    from chain.client import EmbeddedClient
    from pages.ui.fraud import fraud_attempt
    from pages.ui.tamper import tamper_and_verify

    c = EmbeddedClient(fallback_chain)
    try:
        out = {a.what: a for a in fraud_attempt(c, dev_keypair("Alice"), dev_keypair("Eve"), 10**15)}
        assert out["genuine"].accepted
        assert not out["forged"].accepted and "BadProof" in out["forged"].answer
        assert not out["altered"].accepted and "BadProof" in out["altered"].answer
        assert not out["replay"].accepted and "Stale" in out["replay"].answer
        head = c.head()
    finally:
        c.close()
    naive = tamper_and_verify(fallback_chain, head)
    assert naive.detected and naive.error_type == "CorruptStore" and f"block #{naive.block}" in naive.message
    careful = tamper_and_verify(fallback_chain, head, fix_checksum=True)
    assert careful.detected and careful.error_type == "BlockError" and "extrinsics root mismatch" in careful.message
