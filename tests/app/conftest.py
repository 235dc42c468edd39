"""A small fixture chain built once per test session, and AppTest helpers for every page, language and role.

The chain is made the way the app makes it on first start (pages.ui.bootstrap.ensure_chain: the scenario
generator when installed, else the development fallback), but smaller, in a temporary directory; the
app is pointed at it with PUHUI_BASE_PATH. The staff password is set for the session only."""
from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any, Iterator

import pytest

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
STAFF_PASSWORD = "test-staff-password"
PAGES = ("overview", "lending", "remittances", "donations", "credit", "community", "education", "explorer", "sql",
         "presenter")


@pytest.fixture(scope="session")
def chain_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    from pages.ui.bootstrap import ensure_chain

    base = tmp_path_factory.mktemp("puhui-app") / "chain"
    t0 = time.perf_counter()
    how = ensure_chain(base, os.environ.get("PUHUI_TEST_SCENARIO", "demo"), small=True)
    print(f"fixture chain ({how}) built in {time.perf_counter() - t0:.1f} s")
    old = {k: os.environ.get(k) for k in ("PUHUI_BASE_PATH", "PUHUI_STAFF_PASSWORD", "PUHUI_NODE")}
    os.environ["PUHUI_BASE_PATH"] = str(base)
    os.environ["PUHUI_STAFF_PASSWORD"] = STAFF_PASSWORD
    os.environ.pop("PUHUI_NODE", None)
    yield base
    for k, v in old.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


def make_app(lang: str = "en", role: str = "public") -> Any:
    """An AppTest of app.py, run once, in a language and role (staff unlocked through the password box)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["lang"] = lang
    at.run()
    if role == "staff":
        at.session_state["role"] = "staff"
        at.run()
        at.sidebar.text_input(key="staff_password_input").input(STAFF_PASSWORD).run()
        assert at.session_state["staff_ok"] is True
    return at


def open_page(at: Any, page: str) -> Any:
    at.switch_page(f"pages/screens/{page}.py").run()
    return at


def texts(at: Any) -> list[str]:
    """Every text the page shows (markdown, captions, titles, alerts, metrics, tables, json) for checks."""
    out: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "text", "info", "warning", "error",
                 "success", "code", "json", "latex"):
        for el in getattr(at, kind, []):
            out.append(str(getattr(el, "value", "")))
    for m in at.metric:
        out.extend([m.label, str(m.value)])
    for df in list(at.dataframe) + list(at.table):
        v = df.value
        out.append(v.to_csv(index=False) if hasattr(v, "to_csv") else str(v))
    return out
