"""Fixture chains for the analytics tests: real nodes in temporary directories, driven by signed
extrinsics, with a timeline simple enough to work the metrics out by hand (see each builder's doc)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from chain.client import EmbeddedClient, Receipt
from chain.crypto import dev_keypair
from chain.node import Node, dev_genesis_config
from chain.types import UNIT

PUI = UNIT
USD = 10**6  # one USDP (asset 0, 6 decimals)


def pub(name: str) -> bytes:
    return dev_keypair(name).public


def acct(name: str) -> str:
    return "0x" + pub(name).hex()


def make_node(base: Path, seal: str = "instant", **cfg: Any) -> tuple[Node, EmbeddedClient]:
    extra = cfg.pop("extra", ())
    config = dev_genesis_config(blocks_per_day=cfg.pop("blocks_per_day", 24),
                                extra_balances=[(pub(n), 1_000 * PUI) for n in extra])
    config.update(cfg)
    node = Node(base, config, seal=seal)
    return node, EmbeddedClient.from_node(node)


def send(client: EmbeddedClient, signer: str, pallet: str, call: str, /, **args: Any) -> Receipt:
    """Sign and submit; the call's block is sealed at once (one extrinsic a block)."""
    return client.sign_and_submit(dev_keypair(signer), pallet, call, args)


def ok(receipt: Receipt) -> Receipt:
    assert receipt.success, receipt.error
    return receipt


def build_transfer_chain(base: Path) -> tuple[Node, EmbeddedClient]:
    """Six blocks, one signed extrinsic each (worked out by hand in test_indexer.py):
    #1 Alice -> Bob 10 PUI; #2 agent Eve cashes in 500.00 KESP to Charlie; #3 Charlie -> Dave 120.00 KESP;
    #4 Dave cashes out 50.00 KESP at Eve; #5 Bob tries to send 5,000,000 PUI (fails); #6 Bob -> Ferdie 2 PUI."""
    node, client = make_node(base, agents=[(pub("Eve"), "KE")])
    bob, charlie, eve, ferdie = pub("Bob"), pub("Charlie"), pub("Eve"), pub("Ferdie")
    ok(send(client, "Alice", "Balances", "transfer_keep_alive", dest=("Id", bob), value=10 * PUI))
    ok(send(client, "Eve", "Assets", "cash_in", asset=1, who=("Id", charlie), amount=50_000))
    ok(send(client, "Charlie", "Assets", "transfer", asset=1, dest=("Id", pub("Dave")), amount=12_000))
    ok(send(client, "Dave", "Assets", "cash_out", asset=1, agent=("Id", eve), amount=5_000))
    assert not send(client, "Bob", "Balances", "transfer_keep_alive", dest=("Id", ferdie), value=5_000_000 * PUI).success
    ok(send(client, "Bob", "Balances", "transfer_keep_alive", dest=("Id", ferdie), value=2 * PUI))
    return node, client


# -- lending ------------------------------------------------------------------------------------------------
LENDING_BPD = 2


def lending_terms(**overrides: Any) -> dict[str, Any]:
    """Weekly, four installments, flat 36.5% a year (0.7% a week), grace 2 days, late fee 1%, default
    after 10 days, approved automatically, in USDP."""
    t = dict(asset=0, min_amount=10 * USD, max_amount=1_000 * USD, term=4, interval_days=7,
             interest_kind=("Flat", None), rate_bps=3_650, tiers=[], grace_days=2, late_fee_bps=100,
             default_days=10, min_score=0, min_guarantors=0, newcomer_guarantors=None, guarantee_bps=0,
             auto_approve=True)
    t.update(overrides)
    return t


def advance_to(node: Node, block: int) -> None:
    """Seal empty blocks until the head is `block`."""
    while node.head.number < block:
        node.produce_block()


def at_block(node: Node, client: EmbeddedClient, block: int, signer: str, pallet: str, call: str, /,
             **args: Any) -> Receipt:
    """Submit so that the extrinsic lands in block `block` exactly."""
    advance_to(node, block - 1)
    r = ok(send(client, signer, pallet, call, **args))
    assert r.block_number == block, (r.block_number, block)
    return r


def build_lending_chain(base: Path) -> tuple[Node, EmbeddedClient]:
    """Two blocks a day. Alice lends USDP: product 0 (flat 0.7% a week, four weekly installments, approved
    automatically) and product 1 (the same, approved by hand). Interest: 100 USD -> 0.70 a week, 200 -> 1.40.

    #1-#6 Eve (agent) cashes in USDP; #7 Alice puts 1,000 into her vault; #8, #9 products 0 and 1;
    #10 Eve vouches 30 USD for Dave.
    #11 Bob borrows 100 (loan 0): due #25 #39 #53 #67    #12 Charlie 100 (loan 1): due #26 #40 #54 #68
    #13 Dave borrows 200 (loan 2): due #27 #41 #55 #69
    #25 Bob pays inst 0 (25.70); #26 Charlie inst 0; #32 Dave's inst 0 is late: fee 1% of 51.40 = 0.514
    #35 Dave pays inst 0 and the fee (51.914), 4 days late; #39 Bob inst 1; #41 Dave inst 1
    #45 Charlie's inst 1 is late (fee 0.257); #53 Bob pays inst 2 and the rest of the principal: the loan is
    repaid early and the future interest (0.70) is waived, so he pays 50.70; #59 Charlie's inst 2 is late
    #55 Dave inst 2; #56 Ferdie asks for 50 under product 1 (loan 3); #57 Alice rejects it
    #60 Charlie's loan defaults (75 outstanding, 10 days past due); #62 Alice writes it off
    #69 Dave pays inst 3 (repaid on the last due block); the chain ends at #72.
    """
    node, client = make_node(base, seal="manual", blocks_per_day=LENDING_BPD, agents=[(pub("Eve"), "US")],
                             credit={"scorecard": quick_scorecard()})
    for n, (who, usd) in enumerate((("Alice", 10_000), ("Bob", 500), ("Charlie", 500), ("Dave", 500),
                                    ("Ferdie", 500), ("Eve", 100)), start=1):
        at_block(node, client, n, "Eve", "Assets", "cash_in", asset=0, who=("Id", pub(who)), amount=usd * USD)
    at_block(node, client, 7, "Alice", "Lending", "deposit_liquidity", asset=0, amount=1_000 * USD)
    at_block(node, client, 8, "Alice", "Lending", "create_product", terms=lending_terms())
    at_block(node, client, 9, "Alice", "Lending", "create_product", terms=lending_terms(auto_approve=False))
    at_block(node, client, 10, "Eve", "Credit", "vouch", vouchee=pub("Dave"), asset=0, stake=30 * USD)
    for n, (who, usd) in enumerate((("Bob", 100), ("Charlie", 100), ("Dave", 200)), start=11):
        at_block(node, client, n, who, "Lending", "request_loan", product_id=0, amount=usd * USD, guarantors=[],
                 auto_debit=False)
    pay = [(25, "Bob", 0, 25_700_000), (26, "Charlie", 1, 25_700_000), (35, "Dave", 2, 51_914_000),
           (39, "Bob", 0, 25_700_000), (41, "Dave", 2, 51_400_000), (53, "Bob", 0, 51_400_000),
           (55, "Dave", 2, 51_400_000)]
    for block, who, loan_id, amount in pay:
        at_block(node, client, block, who, "Lending", "repay", loan_id=loan_id, amount=amount)
    at_block(node, client, 56, "Ferdie", "Lending", "request_loan", product_id=1, amount=50 * USD, guarantors=[],
             auto_debit=False)
    at_block(node, client, 57, "Alice", "Lending", "reject", loan_id=3)
    at_block(node, client, 62, "Alice", "Lending", "write_off", loan_id=1)
    at_block(node, client, 69, "Dave", "Lending", "repay", loan_id=2, amount=51_400_000)
    advance_to(node, 72)
    return node, client


# -- remittances, donations, education, savings ----------------------------------------------------------------
COMMUNITY_BPD = 2


def quick_scorecard(version: int = 1, base: int = 300) -> dict[str, Any]:
    """The default scorecard but scoring from the first piece of evidence (min age 0, evidence 1), so a short
    fixture chain has real scores to check."""
    from chain.pallets.credit_scorecard import DEFAULT_SCORECARD, Scorecard

    card = Scorecard(version, base, 0, 1, DEFAULT_SCORECARD.features)
    return card.to_value()


def sudo(client: EmbeddedClient, pallet: str, call: str, /, **args: Any) -> Receipt:
    rt = client.node.rt
    r = ok(send(client, "Alice", "Sudo", "sudo", call=rt.make_call(pallet, call, **args)))
    failed = [e for e in r.events if e.pallet == "Sudo" and e.event == "Sudid" and e.fields.get("sudo_result", ("Ok",))[0] != "Ok"]
    assert not failed, failed
    return r


def build_community_chain(base: Path) -> tuple[Node, EmbeddedClient]:
    """Two blocks a day; agents Eve (US, USDP) and Ferdie (KE, KESP); Alice is sudo and the oracle feeder.
    Every step is one block; the block numbers are in the test that works the metrics out.

    Remittances (fee 1% + FX margin 0.5%: total cost 150 bps): Alice (US) sends 200 USD to Bob (KE) -> Bob cashes
    out at Ferdie; Alice sends 200 USD to Charlie (KE) -> Charlie claims the KESP. Then the fee becomes 3% and the
    margin 2% (500 bps) and remittances expire after 10 blocks: Dave (GB) sends 200 USD to Bob, nobody collects,
    it is refunded.
    Donations (campaign 0 by Charlie, USDP, goal 100, FIFO, overhead cap 10%): Alice gives 50 (donation 0), Bob 30
    (donation 1); Charlie pays Dave 40 for food, Ferdie 20 as an education voucher (10 from each donation) and
    himself 8 for operations (from donation 1); Ferdie spends 15 of the voucher at merchant Eve (10 + 5), Eve
    redeems 15 for tokens; Charlie cancels: the 12 left of Bob's donation go back to him.
    Education (educator Eve): course 0 (2 modules, pass 60): Bob 80, 90 -> credential, rates 5; Dave 50 (fails),
    rates 3. Course 1 (1 module): Bob 70 -> credential, rates 4.
    Savings group 0 (USDP, share 1 USD, social 0.10, meetings every 5 days, 2 meetings, charge 10% a meeting):
    members Alice, Bob, Charlie, Dave, Ferdie. Meeting 0: Alice 2 shares, Bob, Charlie, Dave 1 each, Ferdie
    misses; Charlie borrows 3 USD for 1 meeting (charge 0.30) and repays 3.30. Meeting 1: everyone buys 1.
    Share-out of 10.30 USD over 10 shares.
    A new scorecard version (2, base 310) is installed by governance near the end.
    """
    node, client = make_node(base, seal="manual", blocks_per_day=COMMUNITY_BPD,
                             agents=[(pub("Eve"), "US"), (pub("Ferdie"), "KE")],
                             credit={"scorecard": quick_scorecard()}, oracle_max_age=100)
    steps: list[tuple[str, str, str, dict[str, Any]]] = []

    def step(signer: str, pallet: str, call: str, /, **args: Any) -> None:
        steps.append((signer, pallet, call, args))

    for who, usd in (("Alice", 2_000), ("Bob", 200), ("Charlie", 200), ("Dave", 500), ("Ferdie", 100)):
        step("Eve", "Assets", "cash_in", asset=0, who=("Id", pub(who)), amount=usd * USD)
    step("Ferdie", "Assets", "cash_in", asset=1, who=("Id", pub("Ferdie")), amount=10_000_000)  # 100,000.00 KESP
    step("Ferdie", "Remittance", "fund_desk", asset=1, amount=10_000_000)                       # #7
    step("Alice", "Oracle", "post_rates", rates=[(1, 129_200_000)])                             # #8 KESP 129.2/USD
    step("Alice", "Remittance", "send_remittance", recipient=("Account", pub("Bob")), send_asset=0, amount=200 * USD,
         receive_asset=1, source_country="US", destination_country="KE")                      # #9 R0 (available #10)
    step("Alice", "Remittance", "send_remittance", recipient=("Account", pub("Charlie")), send_asset=0,
         amount=200 * USD, receive_asset=1, source_country="US", destination_country="KE")     # #10 R1 (available #11)
    step("Bob", "Remittance", "cash_out", id=0, agent=("Id", pub("Ferdie")))                  # #11
    step("Charlie", "Remittance", "claim", id=1)                                                # #12
    step("sudo", "Remittance", "force_set_params", fee_bps=300, fx_margin_bps=200, settlement_blocks=1,
         expiry_blocks=10)                                                                      # #13
    step("Dave", "Remittance", "send_remittance", recipient=("Account", pub("Bob")), send_asset=0, amount=200 * USD,
         receive_asset=1, source_country="GB", destination_country="KE")                       # #14 R2, refunded #24
    step("Charlie", "Donations", "create_campaign", asset=0, goal=100 * USD, deadline=215, categories=[0, 2],
         rule=("Fifo", None), overhead_cap_bps=1_000, validator=None, milestones=[], info_hash=bytes(32))  # #15
    step("Alice", "Donations", "donate", campaign=0, amount=50 * USD)                           # #16 donation 0
    step("Bob", "Donations", "donate", campaign=0, amount=30 * USD)                             # #17 donation 1
    step("Charlie", "Donations", "disburse", campaign=0, to=pub("Dave"), amount=40 * USD, purpose=0, voucher=False)
    step("Charlie", "Donations", "disburse", campaign=0, to=pub("Ferdie"), amount=20 * USD, purpose=2, voucher=True)
    step("Charlie", "Donations", "disburse", campaign=0, to=pub("Charlie"), amount=8 * USD, purpose=6, voucher=False)
    step("sudo", "Donations", "register_merchant", merchant=("Id", pub("Eve")))                # #21
    step("Ferdie", "Donations", "spend_voucher", asset=0, merchant=pub("Eve"), amount=15 * USD)  # #22
    step("Eve", "Donations", "redeem", asset=0, amount=15 * USD, agent=None)                     # #23
    step("Charlie", "Donations", "cancel_campaign", campaign=0)                                 # #24
    step("sudo", "Education", "force_register_educator", educator=("Id", pub("Eve")))          # #25
    step("Eve", "Education", "create_course", title="Budgeting", content_hash=b"\x01" * 32, modules=2, pass_score=60)
    step("Eve", "Education", "create_course", title="Saving", content_hash=b"\x02" * 32, modules=1, pass_score=60)
    step("Bob", "Education", "enrol", course=0)                                                 # #28
    step("Dave", "Education", "enrol", course=0)                                                # #29
    step("Bob", "Education", "enrol", course=1)                                                 # #30
    step("Eve", "Education", "complete_module", course=0, learner=pub("Bob"), module=0, score=80)
    step("Eve", "Education", "complete_module", course=0, learner=pub("Bob"), module=1, score=90)  # #32 credential 0
    step("Eve", "Education", "complete_module", course=0, learner=pub("Dave"), module=0, score=50)
    step("Eve", "Education", "complete_module", course=1, learner=pub("Bob"), module=0, score=70)  # #34 credential 1
    step("Bob", "Education", "give_feedback", course=0, rating=5, comment_hash=None)          # #35
    step("Dave", "Education", "give_feedback", course=0, rating=3, comment_hash=None)
    step("Bob", "Education", "give_feedback", course=1, rating=4, comment_hash=bytes(32))     # #37
    members = [pub(n) for n in ("Alice", "Bob", "Charlie", "Dave", "Ferdie")]
    step("Alice", "SavingsGroups", "create_group", asset=0, members=members, committee=[pub("Alice")], threshold=1,
         share_price=USD, social_contribution=USD // 10, meeting_interval_days=5, cycle_meetings=2,
         service_charge_bps=1_000, max_loan_multiple=3)                                        # #38
    for who in ("Bob", "Charlie", "Dave", "Ferdie"):                                            # #39-#42: cycle 1 at #42
        step(who, "SavingsGroups", "join", group_id=0)
    for who, n in (("Alice", 2), ("Bob", 1), ("Charlie", 1), ("Dave", 1)):                     # #43-#46 meeting 0
        step(who, "SavingsGroups", "buy_shares", group_id=0, count=n)
    step("Charlie", "SavingsGroups", "request_loan", group_id=0, amount=3 * USD, term_meetings=1)   # #47
    step("Alice", "SavingsGroups", "approve_loan", group_id=0, member=pub("Charlie"))           # #48
    step("Charlie", "SavingsGroups", "repay_loan", group_id=0, amount=3_300_000)               # #49
    step("wait", "", "", block=52)                                                              # #52 meeting 0 closes
    for who in ("Alice", "Bob", "Charlie", "Dave", "Ferdie"):                                   # #53-#57 meeting 1
        step(who, "SavingsGroups", "buy_shares", group_id=0, count=1)
    step("wait", "", "", block=62)                                                              # #62 share-out
    step("sudo", "Credit", "set_scorecard", scorecard=quick_scorecard(2, 310))                # #63
    for who in ("Bob", "Charlie", "Dave", "Ferdie"):                                            # #64-#67
        step("Alice", "Credit", "refresh_score", who=pub(who))
    step("wait", "", "", block=70)
    run(node, client, steps)
    return node, client


def run(node: Node, client: EmbeddedClient, steps: list[tuple[str, str, str, dict[str, Any]]]) -> None:
    for signer, pallet, call, args in steps:
        if signer == "sudo":
            sudo(client, pallet, call, **args)
        elif signer == "wait":
            advance_to(node, args["block"])
        else:
            ok(send(client, signer, pallet, call, **args))
    steps.clear()
