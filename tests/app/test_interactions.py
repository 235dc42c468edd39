"""What users do on the pages: search the explorer, verify the chain, run SQL (and be refused a write),
the tamper demonstration, a fraud attempt and more days (staff), a receipt upload that fails to verify."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.app.conftest import make_app, open_page


@pytest.fixture(scope="module")
def public(chain_dir: Path):  # type: ignore[no-untyped-def]
    return make_app("en", "public")


@pytest.fixture(scope="module")
def staff(chain_dir: Path):  # type: ignore[no-untyped-def]
    return make_app("en", "staff")


def client():  # type: ignore[no-untyped-def]
    from pages.ui import state
    from pages.ui.settings import parse

    b = parse([]).backend
    return state._open_client(b.kind, b.target)


def test_explorer_search_block_account_and_extrinsic(public) -> None:  # type: ignore[no-untyped-def]
    at = open_page(public, "explorer")
    at.text_input(key="ex_search").input("5").run()
    assert any("Block #5" in m.value for m in at.markdown)
    c = client()
    signed = next((b, x) for n in range(1, c.head() + 1) for b in [c.block(n)] for x in b.extrinsics if x.signer)
    at.text_input(key="ex_search").input("0x" + signed[1].hash.hex()).run()
    assert not at.exception
    assert any(f"Extrinsic {signed[0].number}-{signed[1].index}" in s.value for s in at.success)
    from pages.ui.chainview import address

    at.text_input(key="ex_search").input(address(signed[1].signer)).run()
    assert not at.exception and not at.error
    assert any("Account" in m.value for m in at.markdown)
    at.text_input(key="ex_search").input("no such thing !").run()
    assert at.warning


def test_explorer_integrity_check_runs_in_the_background(public) -> None:  # type: ignore[no-untyped-def]
    from pages.ui import jobs, state

    at = open_page(public, "explorer")
    at.button(key="ex_verify").click().run()
    job = jobs.wait(f"verify:{state.app_settings().backend.target}", timeout=120)
    assert job is not None and job.error is None, job and job.error
    at.run()
    assert any("Verified" in s.value for s in at.success), [s.value for s in at.success]


def test_sql_console_runs_examples_and_refuses_writes(public) -> None:  # type: ignore[no-untyped-def]
    at = open_page(public, "sql")
    at.button(key="sql_run").click().run()
    assert not at.exception and not at.error
    assert at.dataframe, "the example query shows a result"
    at.text_area(key="sql_text").input("DELETE FROM blocks").run()
    at.button(key="sql_run").click().run()
    assert any("only SELECT" in e.value or "read-only" in e.value for e in at.error), [e.value for e in at.error]


@pytest.mark.parametrize("careful", [False, True])
def test_tamper_demonstration_detects_one_changed_byte(public, careful: bool, chain_dir: Path) -> None:  # type: ignore[no-untyped-def]
    from chain.node import verify_chain

    at = open_page(public, "presenter")
    at.checkbox(key="pr_tamper_fix").set_value(careful).run()
    at.button(key="pr_tamper").click().run()
    assert not at.exception
    detected = [e.value for e in at.error]
    assert detected and "block #" in detected[0]
    assert ("BlockError" if careful else "CorruptStore") in detected[0]
    verify_chain(chain_dir)  # the real chain was not touched


def test_presenter_actions_need_the_staff_view(public) -> None:  # type: ignore[no-untyped-def]
    at = open_page(public, "presenter")
    assert at.button(key="pr_run").disabled
    assert at.button(key="pr_inject").disabled


def test_fraud_attempt_is_refused(staff) -> None:  # type: ignore[no-untyped-def]
    at = open_page(staff, "presenter")
    at.selectbox(key="pr_shock").set_value("fraud").run()
    at.button(key="pr_inject").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("refused" in s.value for s in at.success), [s.value for s in at.success]


def test_run_more_days_advances_the_chain(staff) -> None:  # type: ignore[no-untyped-def]
    c = client()
    before = c.head()
    at = open_page(staff, "presenter")
    at.number_input(key="pr_days").set_value(1).run()
    at.button(key="pr_run").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert c.head() >= before + c.info().blocks_per_day
    at = open_page(staff, "overview")
    assert not at.exception and not at.error


def test_live_production_toggles(staff) -> None:  # type: ignore[no-untyped-def]
    c = client()
    at = open_page(staff, "presenter")
    at.slider(key="pr_interval").set_value(0.5).run()
    at.toggle(key="pr_live").set_value(True).run()
    before = c.head()
    deadline = time.time() + 60
    while c.head() == before and time.time() < deadline:
        time.sleep(0.2)
    at.toggle(key="pr_live").set_value(False).run()
    assert c.head() > before
    assert not at.exception and not at.error


def test_an_altered_receipt_does_not_verify(public) -> None:  # type: ignore[no-untyped-def]
    at = open_page(public, "donations")
    if not at.get("file_uploader"):
        pytest.skip("this chain has no Donations pallet")
    at.file_uploader(key="dn_upload").upload("receipt.json", b'{"format": "puhui-receipt/1"}', "application/json").run()
    assert not at.exception
    assert any("does NOT verify" in e.value for e in at.error), [e.value for e in at.error]


def test_staff_see_names_from_the_registry_and_the_public_does_not(public, staff, chain_dir: Path) -> None:  # type: ignore[no-untyped-def]
    try:
        from chain.scenario.registry import load_registry

        reg = load_registry(chain_dir)
    except Exception:
        pytest.skip("this chain has no off-chain registry")
    from pages.ui.chainview import address

    c = client()
    person = next((acc for acc, _rec in reg.items() if c.account(acc).get("nonce", 0) > 0), None)
    if person is None:
        pytest.skip("no registered person has sent a transaction yet")
    name = reg.get(person).name
    at = open_page(staff, "explorer")
    at.text_input(key="ex_search").input(address(person)).run()
    assert any(name in cap.value for cap in at.caption), "the staff view shows the registry name"
    at = open_page(public, "explorer")
    at.text_input(key="ex_search").input(address(person)).run()
    from tests.app.conftest import texts

    assert name not in "\n".join(texts(at)), "the public view must not show personal data"


def test_first_start_creates_the_demo_chain_with_a_progress_bar(chain_dir: Path, tmp_path: Path) -> None:
    """A fresh data directory: the app builds the demo community (scenario generator), then opens."""
    from streamlit.testing.v1 import AppTest

    from tests.app.conftest import APP

    base = tmp_path / "fresh" / "chain"
    at = AppTest.from_file(APP, default_timeout=600)
    at.session_state["base_path"] = str(base)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert (base / "chain.sqlite").exists()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert {m.label for m in at.metric} >= {"Block height", "Accounts"}


def test_a_donation_receipt_downloads_and_verifies_and_a_changed_byte_fails(staff) -> None:  # type: ignore[no-untyped-def]
    at = open_page(staff, "donations")
    if not at.get("selectbox") or not any(s.key == "dn_pick" for s in at.selectbox):
        pytest.skip("no donation on this chain yet")
    at.button(key="dn_trace_btn").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.get("plotly_chart"), "the trace shows a Sankey"
    at.button(key="dn_make_receipt").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    did = at.session_state["dn_traced"]
    doc = at.session_state[f"dn_receipt_{did}"].encode("utf-8")
    assert any(b.key == "dn_download_receipt" for b in at.get("download_button"))
    at.file_uploader(key="dn_upload").upload("receipt.json", doc, "application/json").run()
    assert any("valid" in s.value for s in at.success), [e.value for e in at.error]
    j = doc.rindex(b'"0x') + 12  # a hex digit inside the last proven value
    changed = bytearray(doc)
    changed[j] = ord("a") if changed[j] != ord("a") else ord("b")
    at.file_uploader(key="dn_upload").upload("receipt.json", bytes(changed), "application/json").run()
    assert any("does NOT verify" in e.value for e in at.error), [e.value for e in at.error]


def test_explorer_finds_a_loan_by_id_with_its_timeline(public) -> None:  # type: ignore[no-untyped-def]
    c = client()
    if not c.has_pallet("Lending") or c.storage("Lending", "Loans", 0) is None:
        pytest.skip("no loan on this chain yet")
    at = open_page(public, "explorer")
    at.text_input(key="ex_search").input("loan 0").run()
    assert not at.exception and not at.error
    assert any("Lending · loan #0" in m.value for m in at.markdown)
    assert at.json and at.dataframe
    at.text_input(key="ex_search").input("loan 987654").run()
    assert any("Nothing on chain matches" in w.value for w in at.warning)
