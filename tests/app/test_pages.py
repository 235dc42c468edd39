"""Every page in both languages and both roles: no exception, no traceback, its key elements; the key
figures equal what the analytics queries return; no personal data in the public view."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.app.conftest import PAGES, make_app, open_page, texts


@pytest.fixture(scope="module")
def apps(chain_dir: Path) -> dict[tuple[str, str], object]:
    """One AppTest session per (language, role), reused across pages as a user would click through."""
    return {(lang, role): make_app(lang, role) for lang in ("en", "zh") for role in ("public", "staff")}


@pytest.mark.parametrize("role", ["public", "staff"])
@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("page", PAGES)
def test_page_renders(apps: dict, page: str, lang: str, role: str) -> None:
    from pages.ui.i18n import t

    at = open_page(apps[(lang, role)], page)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    titles = [x.value for x in at.title]
    assert titles, f"{page} shows no title"
    assert any(t(f"nav.{page}", lang) in x or x in t(f"nav.{page}", lang) or x == t(f"{_prefix(page)}.title", lang)
               for x in titles), titles
    shown = "\n".join(texts(at))
    if lang == "zh":
        assert any("\u4e00" <= ch <= "\u9fff" for ch in shown)
    if role == "public":
        assert_no_personal_data(shown, Path(str(at.session_state["base_path"])))


def _prefix(page: str) -> str:
    return {"overview": "ov", "explorer": "ex", "sql": "sql", "presenter": "pr", "lending": "ln", "remittances": "rm",
            "donations": "dn", "credit": "cr", "community": "cm", "education": "ed"}[page]


def assert_no_personal_data(shown: str, base: Path) -> None:
    try:
        from chain.scenario.registry import load_registry
    except ModuleNotFoundError:
        return
    try:
        reg = load_registry(base)
    except Exception:
        return  # a chain without a registry has no personal data to leak
    leaked = sorted(s for s in reg.personal_strings() if len(s) > 3 and s in shown)
    assert not leaked, f"personal data in the public view: {leaked[:5]}"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_statuses_are_shown_in_words_of_the_language(apps: dict, lang: str) -> None:
    """Loan, installment, remittance and campaign statuses reach the screen as labels, never as the chain's
    variant names (CashedOut) or analytics' forms (cashed_out)."""
    from pages.ui.i18n import TEXT, t

    words = {kind: {pair[1 if lang == "zh" else 0] for key, pair in TEXT.items() if key.startswith(f"status.{kind}.")}
             for kind in ("loan", "installment", "remittance", "campaign")}
    checks = {"lending": (("ln.col.status", "ln.col.state"), words["loan"] | words["installment"]),
              "remittances": (("rm.col.status",), words["remittance"]),
              "donations": (("dn.col.status",), words["campaign"])}
    shown_any = False
    for page, (column_keys, labels) in checks.items():
        at = open_page(apps[(lang, "public")], page)
        columns = {t(k, lang) for k in column_keys}
        seen: set[str] = set()
        for df in at.dataframe:
            v = df.value
            for column in columns & set(getattr(v, "columns", [])):
                seen |= {str(x) for x in v[column].dropna()}
        seen |= {str(m.value) for m in at.metric if m.label in columns}
        assert seen <= labels, (page, sorted(seen - labels))
        shown_any = shown_any or bool(seen)
    assert shown_any, "the fixture chain shows no status at all"


def test_overview_figures_equal_the_analytics_queries(apps: dict) -> None:
    from analytics import views
    from pages.ui import state
    from pages.ui.fmt import fmt_int

    at = open_page(apps[("en", "public")], "overview")
    shown = {m.label: m.value for m in at.metric}
    db = state._analytics("embedded", str(at.session_state["base_path"]))[0]
    o = views.overview(db)
    assert shown["Accounts"] == fmt_int(o.accounts)
    assert shown["Transactions"] == fmt_int(o.extrinsics)
    assert shown["Failed transactions"] == fmt_int(o.failed)
    assert shown["Payments"] == fmt_int(o.native_transfers + o.token_moves)
    assert shown["Active accounts, 30 days"] == fmt_int(o.active_30d)
    assert shown["Block height"] == f"#{fmt_int(db.last_block())}"


def test_staff_view_needs_the_right_password(chain_dir: Path) -> None:
    from streamlit.testing.v1 import AppTest

    from tests.app.conftest import APP

    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.session_state["role"] = "staff"
    at.run()
    at.sidebar.text_input(key="staff_password_input").input("wrong").run()
    assert at.session_state["staff_ok"] is False
    assert at.sidebar.warning, "a wrong password must say so"


def test_without_a_configured_password_the_staff_view_says_how_to_set_one(chain_dir: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.testing.v1 import AppTest

    from tests.app.conftest import APP

    monkeypatch.delenv("PUHUI_STAFF_PASSWORD")
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.session_state["role"] = "staff"
    at.run()
    assert at.session_state["staff_ok"] is False
    assert any("PUHUI_STAFF_PASSWORD" in i.value for i in at.sidebar.info)


def test_domain_figures_equal_the_analytics_metrics(apps: dict) -> None:
    """Lending, remittance, donation and credit key figures are analytics' metrics, converted for display."""
    from analytics.metrics import run_metric
    from pages.ui import state
    from pages.ui.fmt import fmt_int, fmt_num, fmt_pct
    from pages.ui.insights import portfolio

    at = open_page(apps[("en", "public")], "overview")
    db = state._analytics("embedded", str(at.session_state["base_path"]))[0]
    at = open_page(apps[("en", "public")], "lending")
    book = run_metric(db, "lending_loan_book")
    shown = {m.label: m.value for m in at.metric}
    if not book.empty:
        from tests.app.test_interactions import client
        from pages.ui import domain

        c = client()
        assets = domain.assets(c)
        p = portfolio(book, run_metric(db, "lending_par"), run_metric(db, "lending_performance"), assets,
                      domain.usd_rates(c))
        assert shown["Loans"] == fmt_int(len(book))
        assert shown["Active loans"] == fmt_int(p.active)
        assert shown["PAR30"] == fmt_pct(p.par[30], 1)
        assert shown["On-time installments"] == fmt_pct(p.on_time_rate, 1)
        assert shown["Defaulted"] == fmt_int(p.defaulted)
    at = open_page(apps[("en", "public")], "remittances")
    o = run_metric(db, "remittance_overview")
    shown = {m.label: m.value for m in at.metric}
    if not o.empty and int(o["remittances"].iloc[0] or 0):
        assert shown["Remittances"] == fmt_int(int(o["remittances"].iloc[0]))
        assert shown["Average total cost"] == f"{fmt_num(float(o['avg_total_cost_pct'].iloc[0]), 2)}%"
        assert shown["At or below 3%"] == fmt_pct(float(o["share_meeting_sdg_target"].iloc[0]), 1)
    at = open_page(apps[("zh", "public")], "credit")
    latest = run_metric(db, "credit_latest_scores")
    shown = {m.label: m.value for m in at.metric}
    if not latest.empty:
        assert shown["账户数"] == fmt_int(len(latest), "zh")
        assert shown["有评分"] == fmt_int(int(latest["score"].notna().sum()), "zh")
    at = open_page(apps[("en", "public")], "donations")
    camps = run_metric(db, "donation_campaigns")
    shown = {m.label: m.value for m in at.metric}
    if not camps.empty:
        assert shown["Campaigns"] == fmt_int(len(camps))
        assert shown["Donations"] == fmt_int(int(camps["donations"].sum()))
