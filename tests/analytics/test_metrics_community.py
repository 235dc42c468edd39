"""Remittance, donation, education and savings-group metrics on the community fixture chain
(tests/analytics/chains.py: build_community_chain), worked by hand."""
from __future__ import annotations

import pytest

from analytics.lineage import UnknownDonation, donation_lineage
from analytics.metrics import run_metric_rows
from tests.analytics.chains import USD, acct


def test_remittance_cost_by_corridor_against_rpw_and_sdg(community):
    # US->KE: two remittances of 200 USD at fee 1% + margin 0.5%. received = 200 x 129.2 x 0.995 = 25,710.80 KESP
    # each; total cost = (2 + 200 - 25,710.80 / 129.2) / 200 = 1.50%. RPW 2025 Q1 USA->KEN (USD 200): 5.1981%.
    # GB->KE: 200 USD at fee 3% + margin 2%: 25,323.20 KESP received, 5.00%; RPW GBR->KEN: 4.2997%.
    _, db = community
    rows = {(r["source_country"], r["destination_country"]): r for r in run_metric_rows(db, "remittance_corridors")}
    us, gb = rows[("US", "KE")], rows[("GB", "KE")]
    assert (us["remittances"], us["sent"], us["received"], us["fees"]) == (2, 400 * USD, 5_142_160, 4 * USD)
    assert us["avg_total_cost_pct"] == pytest.approx(1.5) and us["rpw_baseline_pct"] == pytest.approx(5.1981)
    assert us["vs_rpw_pct_points"] == pytest.approx(1.5 - 5.1981) and us["meets_sdg_target"] is True
    assert (gb["remittances"], gb["received"], gb["fees"]) == (1, 2_532_320, 6 * USD)
    assert gb["avg_total_cost_pct"] == pytest.approx(5.0) and gb["vs_rpw_pct_points"] == pytest.approx(5.0 - 4.2997)
    assert gb["meets_sdg_target"] is False and gb["rpw_corridor"] == "GBRKEN"


def test_remittance_overview(community):
    # (150 + 150 + 500) / 3 bps = 2.667%; 2 of 3 at or below 3%
    _, db = community
    row = run_metric_rows(db, "remittance_overview")[0]
    assert (row["remittances"], row["senders"], row["corridors"]) == (3, 2, 2)
    assert row["avg_total_cost_pct"] == pytest.approx(8 / 3) and row["share_meeting_sdg_target"] == pytest.approx(2 / 3)
    assert (row["sdg_target_pct"], row["rpw_global_average_pct"]) == (3.0, 6.18)


def test_time_from_send_to_cash_out(community):
    # R0 sent #9, cashed out #11; R1 sent #10, claimed #12: (2 blocks) / 2 blocks a day = 1 day each.
    # R2 (GB) sent #14, expired after 10 blocks: refunded at #24.
    _, db = community
    rows = {r["source_country"]: r for r in run_metric_rows(db, "remittance_timing")}
    us, gb = rows["US"], rows["GB"]
    assert (us["cashed_out"], us["claimed"], us["refunded"], us["pending"]) == (1, 1, 0, 0)
    assert us["avg_days_to_collect"] == 1.0 and us["median_days_to_collect"] == 1.0 and us["collected_share"] == 1.0
    assert (gb["refunded"], gb["collected_share"]) == (1, 0.0) and gb["avg_days_to_collect"] is None
    assert db.sql("SELECT block_number FROM remittance_updates WHERE status = 'refunded'").fetchall() == [(24,)]


def test_donations_raised_disbursed_refunded_and_overhead(community):
    # raised 50 + 30 = 80; disbursed 40 (food) + 20 (education voucher) + 8 (operations) = 68;
    # to beneficiaries 60, overhead 8 (10% of raised: exactly the cap); cancelled: 12 refunded; nothing unspent
    _, db = community
    c = run_metric_rows(db, "donation_campaigns")[0]
    assert (c["raised"], c["disbursed"], c["to_beneficiaries"], c["overhead"]) == (80 * USD, 68 * USD, 60 * USD, 8 * USD)
    assert (c["refunded"], c["unspent"], c["as_vouchers"], c["status"]) == (12 * USD, 0, 20 * USD, "cancelled")
    assert c["beneficiary_share"] == pytest.approx(60 / 68) and c["overhead_share"] == pytest.approx(8 / 68)
    assert c["overhead_pct_of_raised"] == pytest.approx(10.0) and c["overhead_cap_pct"] == 10.0
    assert c["goal_reached"] == pytest.approx(0.8) and (c["donations"], c["donors"]) == (2, 2)
    purposes = {r["purpose_name"]: r["amount"] for r in run_metric_rows(db, "donation_purposes")}
    assert purposes == {"food": 40 * USD, "education": 20 * USD, "operations": 8 * USD}


def test_lineage_of_alices_donation(community):
    # donation 0 (Alice, 50): FIFO -> 40 to Dave (food), 10 to Ferdie (education voucher); Ferdie spends 15 at Eve,
    # the oldest pieces first: 10 from donation 0; Eve redeems them for tokens; nothing refunded or unspent
    _, db = community
    g = donation_lineage(db, 0)
    assert (g.donor, g.campaign, g.amount, g.allocated, g.refunded, g.unspent) == (acct("Alice"), 0, 50 * USD, 50 * USD, 0, 0)
    assert (g.spent_at_merchants, g.redeemed) == (10 * USD, 10 * USD)
    edges = {(e.kind, e.source, e.target, e.amount) for e in g.edges.itertuples()}
    assert ("allocated", "campaign:0", f"account:{acct('Dave')}", 40 * USD) in edges
    assert ("allocated", "campaign:0", f"account:{acct('Ferdie')}", 10 * USD) in edges
    assert ("spent", f"account:{acct('Ferdie')}", f"account:{acct('Eve')}", 10 * USD) in edges
    assert ("redeemed", f"account:{acct('Eve')}", "cash:tokens", 10 * USD) in edges
    kinds = dict(zip(g.nodes["id"], g.nodes["kind"]))
    assert kinds[f"account:{acct('Alice')}"] == "donor" and kinds[f"account:{acct('Eve')}"] == "merchant"
    assert dict(zip(g.purposes()["purpose"], g.purposes()["amount"])) == {0: 40 * USD, 2: 10 * USD}


def test_lineage_of_bobs_donation_with_refund(community):
    # donation 1 (Bob, 30): 10 to Ferdie's voucher, 8 to the NGO for operations; 5 of it spent at Eve and redeemed;
    # the campaign was cancelled: the remaining 12 went back to Bob
    _, db = community
    g = donation_lineage(db, 1)
    assert (g.allocated, g.refunded, g.unspent, g.spent_at_merchants, g.redeemed) == (18 * USD, 12 * USD, 0, 5 * USD, 5 * USD)
    kinds = dict(zip(g.nodes["id"], g.nodes["kind"]))
    assert kinds[f"account:{acct('Charlie')}"] == "ngo"
    refund = g.edges[g.edges["kind"] == "refunded"]
    assert refund["target"].tolist() == [f"account:{acct('Bob')}"] and refund["amount"].tolist() == [12 * USD]
    with pytest.raises(UnknownDonation):
        donation_lineage(db, 99)


def test_courses_completions_and_ratings(community):
    # course 0: Bob 80, 90 (credential), Dave 50 (failed): 2 learners, 3 attempts, 2 passed, 1 completed;
    #   ratings 5 and 3. course 1: Bob 70 -> credential; rating 4
    _, db = community
    c0, c1 = run_metric_rows(db, "education_courses")
    assert (c0["learners"], c0["module_attempts"], c0["completed"]) == (2, 3, 1)
    assert c0["module_pass_rate"] == pytest.approx(2 / 3) and c0["mean_module_score"] == pytest.approx(220 / 3)
    assert c0["completion_rate"] == 0.5 and (c0["ratings"], c0["mean_rating"], c0["rated_3"], c0["rated_5"]) == (2, 4.0, 1, 1)
    assert (c1["learners"], c1["completed"], c1["completion_rate"], c1["mean_rating"]) == (1, 1, 1.0, 4.0)
    assert db.sql("SELECT account, course, score FROM credentials ORDER BY credential").fetchall() == \
        [(acct("Bob"), 0, 85), (acct("Bob"), 1, 70)]


def test_savings_group_share_out_return(community):
    # cycle 1 (#42-#62): shares Alice 2+1, Bob 1+1, Charlie 1+1, Dave 1+1, Ferdie 0+1 = 10 -> saved 10 USD;
    # social fund 9 x 0.10; attendance 9 of 10; Charlie's 3 USD loan earned a 10% charge (0.30);
    # share-out 10.30 over 10 shares (Alice 3.09, Bob, Charlie, Dave 2.06, Ferdie 1.03): return 3%
    _, db = community
    rows = run_metric_rows(db, "savings_groups")
    c1 = rows[0]
    assert (c1["cycle"], c1["closed"], c1["meetings"], c1["shares"], c1["saved"]) == (1, True, 2, 10, 10 * USD)
    assert (c1["social"], c1["loans"], c1["lent"], c1["charges_earned"]) == (900_000, 1, 3 * USD, 300_000)
    assert c1["attendance_rate"] == pytest.approx(0.9) and c1["shared_out"] == 10_300_000
    assert c1["share_out_return"] == pytest.approx(0.03) and c1["losses"] == 0
    assert (rows[1]["cycle"], rows[1]["closed"], rows[1]["share_out_return"]) == (2, False, None)
    payouts = dict(db.sql("SELECT account, amount FROM group_shareouts").fetchall())
    assert payouts[acct("Alice")] == 3_090_000 and payouts[acct("Ferdie")] == 1_030_000
