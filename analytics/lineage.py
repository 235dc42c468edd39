"""The full lineage of one donation as a graph: donor -> donation -> campaign -> beneficiaries, vendors and
the NGO (per purpose) -> merchants (vouchers spent) -> redemption (tokens, or cash at an agent); refunds
back to the donor; and what is still unspent in escrow.

Built from the indexed Donated, Allocated, VoucherSpent, Redeemed and Refunded events; amounts exact.
Nodes and edges are plain DataFrames (a Sankey diagram or network plot can be drawn from them).
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analytics.db import AnalyticsDB


class UnknownDonation(KeyError):
    """Raised when no donation has the given id."""

    def __str__(self) -> str:
        return f"no donation with id {self.args[0]} (the receipt number) in the indexed blocks"


@dataclass(frozen=True)
class DonationLineage:
    donation_id: int
    donor: str
    campaign: int
    asset: int
    amount: int
    allocated: int        # drawn by disbursements
    refunded: int
    unspent: int          # still in the campaign's escrow
    spent_at_merchants: int
    redeemed: int
    nodes: pd.DataFrame   # id, kind (donor | donation | campaign | recipient | merchant | agent | cash | escrow), label
    edges: pd.DataFrame   # source, target, kind, amount (exact int), purpose, block_number

    def purposes(self) -> pd.DataFrame:
        """Allocated amounts by purpose code."""
        a = self.edges[self.edges["kind"] == "allocated"]
        return a.groupby("purpose", as_index=False)["amount"].sum()


def donation_lineage(db: AnalyticsDB, donation_id: int) -> DonationLineage:
    head = db.run("lineage/donation_header", {"donation_id": donation_id}).fetchall()
    if not head:
        raise UnknownDonation(donation_id)
    _, donor, campaign, amount, asset, ngo, _ = head[0]
    rows = db.run("lineage/donation_flows", {"donation_id": donation_id}).fetchall()
    nodes: dict[str, tuple[str, str]] = {}

    def node(node_id: str, kind: str, label: str) -> str:
        nodes.setdefault(node_id, (kind, label))
        return node_id

    donation_node = node(f"donation:{donation_id}", "donation", f"donation #{donation_id}")
    campaign_node = node(f"campaign:{campaign}", "campaign", f"campaign {campaign}")
    donor_node = node(f"account:{donor}", "donor", donor)
    edges = [(donor_node, donation_node, "donated", int(amount), None, None),
             (donation_node, campaign_node, "donated", int(amount), None, None)]
    totals = {"allocated": 0, "refunded": 0, "spent": 0, "redeemed": 0}
    for kind, block, _, source, target, amt, purpose, _ in rows:
        amt = int(amt)
        if kind == "donated":
            continue
        totals[kind] += amt
        if kind == "allocated":
            edges.append((campaign_node, node(f"account:{target}", "ngo" if target == ngo else "recipient", target),
                          kind, amt, purpose, block))
        elif kind == "spent":
            edges.append((node(f"account:{source}", "recipient", source), node(f"account:{target}", "merchant", target),
                          kind, amt, None, block))
        elif kind == "redeemed":
            dest = node(f"account:{target}", "agent", target) if target else node("cash:tokens", "cash", "kept as tokens")
            edges.append((node(f"account:{source}", "merchant", source), dest, kind, amt, None, block))
        elif kind == "refunded":
            edges.append((campaign_node, donor_node, kind, amt, None, block))
    unspent = int(amount) - totals["allocated"] - totals["refunded"]
    if unspent:
        edges.append((campaign_node, node(f"escrow:{campaign}", "escrow", "unspent in escrow"), "unspent", unspent,
                      None, None))
    node_df = pd.DataFrame([{"id": k, "kind": v[0], "label": v[1]} for k, v in nodes.items()])
    edge_df = pd.DataFrame(edges, columns=["source", "target", "kind", "amount", "purpose", "block_number"])
    edge_df["amount"] = edge_df["amount"].astype(object)  # exact Python ints, never floats
    return DonationLineage(donation_id, donor, int(campaign), int(asset) if asset is not None else -1, int(amount),
                           totals["allocated"], totals["refunded"], unspent, totals["spent"], totals["redeemed"],
                           node_df, edge_df)
