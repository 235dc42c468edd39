"""What the pages do through the shared state (state.py): the presenter's actions (more days, a shock),
which clear the cached query results after changing the chain; a donation's receipt and the check of an
uploaded one against the connected chain; the Overview's row of domain key figures from analytics'
metrics. The chain reset, which closes the shared resources themselves, stays in state.py."""
from __future__ import annotations

import importlib
from typing import Any, Callable

import streamlit as st

from chain.errors import ChainError
from pages.ui import state


def domain_figures() -> list[list[tuple[str, str]]]:
    """A row of domain key figures (label key, formatted value) for the Overview from analytics' metrics, for
    each pallet this chain has and that has activity: loans and PAR30, remittances and their cost, donations
    raised, scored accounts."""
    from pages.ui.fmt import fmt_compact, fmt_int, fmt_num, fmt_pct
    from pages.ui.insights import portfolio, usd

    c, L = state.client(), state.lang()
    row: list[tuple[str, str]] = []
    assets, rates = state.asset_table(), state.usd_rates()
    if c.has_pallet("Lending"):
        book = state.metric("lending_loan_book")
        if not book.empty:
            p = portfolio(book, state.metric("lending_par"), state.metric("lending_performance"), assets, rates)
            row += [("ov.loans", fmt_int(p.active, L)), ("ov.par30", fmt_pct(p.par[30], 1, L))]
    if c.has_pallet("Remittance"):
        o = state.metric("remittance_overview")
        if not o.empty and int(o["remittances"].iloc[0] or 0):
            row += [("ov.remittances", fmt_int(int(o["remittances"].iloc[0]), L)),
                    ("ov.remit_cost", f"{fmt_num(float(o['avg_total_cost_pct'].iloc[0]), 2, L)}%")]
    if c.has_pallet("Donations"):
        camps = state.metric("donation_campaigns")
        if not camps.empty:
            raised = sum(usd(float(v) / 10 ** assets.get(int(a), ("", 0))[1], int(a), rates)
                         for v, a in zip(camps["raised"], camps["asset"]))
            row.append(("ov.raised", fmt_compact(raised, L)))
    if c.has_pallet("Credit"):
        sc = state.metric("credit_latest_scores")
        if not sc.empty:
            row.append(("ov.scored", fmt_int(int(sc["score"].notna().sum()), L)))
    return [row[i:i + 6] for i in range(0, len(row), 6)]


def run_more_days(days: int, progress: Callable[[float, str], object]) -> Any:
    """Produce `days` more days on the connected chain (pages/ui/actions.py), then drop cached results."""
    from pages.ui import actions

    result = actions.run_more_days(state.client(), days, progress)
    st.cache_data.clear()
    return result


def inject_shock(shock: str) -> Any:
    """Inject a shock into the connected chain (pages/ui/actions.py), then drop cached results."""
    from pages.ui import actions

    outcome = actions.inject_shock(state.client(), shock, lambda key, params: state.T(key, **params))
    st.cache_data.clear()
    return outcome


def donation_receipt(donation_id: int) -> str:
    """A donation's receipt (JSON text) with its proofs, built from the chain (a pass over the blocks)."""
    receipts = importlib.import_module("chain.receipts")
    return str(receipts.dumps(receipts.build_donation_receipt(state.client(), donation_id)))


def verify_receipt(data: bytes) -> tuple[bool, str]:
    """Check an uploaded receipt in this session: every proof and sum, and that its anchor block is a block
    of the connected chain. Returns (ok, the receipt's readable trace or what failed)."""
    try:
        receipts = importlib.import_module("chain.receipts")
    except ModuleNotFoundError:
        raise state.FeatureMissing("chain.receipts.verify_receipt") from None
    c = state.client()
    try:
        unchecked = receipts.verify_receipt(data)
        ours = c.block_hash(unchecked.anchor)
        verified = receipts.verify_receipt(data, trusted={ours} if ours else set())
    except (receipts.ReceiptError, ChainError) as exc:
        return False, str(exc)
    return True, verified.render()
