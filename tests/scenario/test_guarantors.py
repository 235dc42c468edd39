"""Group loans: a Kiva loan with several borrowers becomes a loan that names fellow villagers as
guarantors, who pledge the guarantee into its escrow the same day; the MFI then approves it."""
from __future__ import annotations

from chain.scenario import calibration as cal
from chain.scenario.policies_credit import GUARANTEE_BPS, MAX_LOAN_GUARANTORS

from scenario_helpers import build


def test_group_loans_name_guarantors_who_pledge_before_approval(tmp_path):
    assert any(k.borrowers > 1 for k in cal.kiva_loans_for("KE"))  # Kenya's sample has group loans
    # Kenya only, and applications ten times as often as calibrated, so a few weeks hold group loans
    baseline = build(tmp_path / "c", 30, **{"population.countries": (("KE", 1.0),), "lending.request_prob_per_month": 0.8})
    try:
        node = baseline.node
        with node.lock:
            node.rt.prepare_for_validation(node.head.number, node.head.hash)
            lending = node.rt.pallet("Lending")
            loans = [loan for (_,), loan in lending.Loans.iter()]
            guaranteed = [loan for loan in loans if loan["guarantors"]]
            assert guaranteed and len(guaranteed) < len(loans)  # some loans, not all
            people = {p.public: p for p in baseline.pop.people}
            for loan in guaranteed:
                borrower = people[loan["borrower"]]
                assert 1 <= len(loan["guarantors"]) <= MAX_LOAN_GUARANTORS and loan["borrower"] not in loan["guarantors"]
                assert all(people[g].village == borrower.village for g in loan["guarantors"])
                assert loan["guarantee_required"] == loan["principal"] * GUARANTEE_BPS // 10_000
                if loan["status"][0] in ("Active", "Approved"):  # approved only with the guarantee complete
                    pledged = [lending.Pledges.get(loan["id"], g) for g in loan["guarantors"]]
                    assert None not in pledged and sum(pledged) >= loan["guarantee_required"]
        assert baseline.reconcile() == 0  # the model expected the pledges it made
    finally:
        baseline.close()
