"""Scores recomputed from the indexed events equal the chain's own scores, exactly, on both fixture chains
(savings, remittance inflows, credentials, vouches, repayments on time, late and before due, a default with
past-due installments, a scorecard change by governance)."""
from __future__ import annotations

from analytics.credit_replay import replay_scores
from analytics.db import AnalyticsDB
from tests.analytics.chains import acct


def test_lending_chain_scores_replay_exactly(lending):
    _, db = lending
    r = replay_scores(db)
    assert r.ok, r.mismatches[:3]
    assert r.checked == db.sql("SELECT count(*) FROM scores").fetchone()[0]
    assert r.scored >= 8  # numeric scores, not only "insufficient history"
    # Charlie's default at #60: late notes for his two past-due installments, then the default, then 3 updates
    assert db.sql("SELECT count(*) FROM scores WHERE account = ? AND block_number = 60", [acct("Charlie")]).fetchone() == (3,)


def test_community_chain_scores_replay_exactly(community):
    _, db = community
    r = replay_scores(db)
    assert r.ok, r.mismatches[:3]
    assert r.checked == db.sql("SELECT count(*) FROM scores").fetchone()[0] and r.scored >= 12
    assert db.sql("SELECT count(*) FROM scores WHERE scorecard_version = 2").fetchone()[0] >= 4  # the refreshes


def test_a_tampered_event_is_caught(community, tmp_path):
    chain, db = community
    copy = AnalyticsDB(tmp_path / "copy.duckdb")
    try:
        for t in ("index_state", "events", "installments", "loans", "credit_scorecards", "credit_genesis_vouch_units"):
            rows = db.cursor().sql(f"SELECT * FROM {t}").to_arrow_table()
            copy.con.register("rows", rows)
            copy.con.execute(f"DELETE FROM {t}")
            copy.con.execute(f"INSERT INTO {t} SELECT * FROM rows")
            copy.con.unregister("rows")
        assert replay_scores(copy).ok
        # pretend Ferdie saved at meeting 0 (he missed it): his recomputed scores no longer match
        copy.con.execute("UPDATE events SET fields = CAST(replace(CAST(fields AS VARCHAR), ?, ?) AS JSON) "
                         "WHERE event = 'SharesBought' AND block_number = 46", [acct("Dave"), acct("Ferdie")])
        bad = replay_scores(copy)
        assert not bad.ok and {m.account for m in bad.mismatches} & {acct("Ferdie"), acct("Dave")}
    finally:
        copy.close()
