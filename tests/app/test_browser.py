"""A real browser: Debian's Chromium (headless) driven by Playwright for Python through its executable path.
It opens the running app, visits every page, searches and clicks through, and takes screenshots. Requests
that leave the machine are refused and recorded: nothing may be downloaded at run time."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest

from tests.app.conftest import PAGES, ROOT, STAFF_PASSWORD

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


def _require_browser() -> None:
    missing = [what for what, ok in (("chromium (apt-get install chromium)", Path(CHROMIUM).exists()),
                                      ("playwright (pip)", _has_playwright())) if not ok]
    if missing:
        if os.environ.get("CI"):
            pytest.fail("browser test needs " + ", ".join(missing) + ": tests/install.sh installs them")
        pytest.skip("needs " + ", ".join(missing) + " (tests/install.sh installs them)")


def _has_playwright() -> bool:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return True


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(chain_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    _require_browser()
    # the app under test opens its own copy: the test process already holds the fixture chain's writer lock
    copy = tmp_path_factory.mktemp("browser") / "chain"
    from pages.ui.tamper import copy_chain

    copy_chain(chain_dir, copy)
    for extra in ("registry.bin", "registry.key"):
        if (chain_dir / extra).exists():
            shutil.copy2(chain_dir / extra, copy / extra)
    port = _free_port()
    env = dict(os.environ, PUHUI_STAFF_PASSWORD=STAFF_PASSWORD, PUHUI_BASE_PATH=str(copy))
    log = open(copy.parent / "streamlit.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless=true",
                             f"--server.port={port}", "--server.address=127.0.0.1", "--server.fileWatcherType=none",
                             "--browser.gatherUsageStats=false", "--", "--base-path", str(copy)],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if urllib.request.urlopen(url + "/_stcore/health", timeout=1).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.3)
        else:
            raise AssertionError("streamlit did not start: " + (copy.parent / "streamlit.log").read_text()[-2000:])
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    keep = os.environ.get("PUHUI_SCREENSHOTS")
    path = Path(keep) if keep else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _settle(page, timeout: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    """Wait until the app has finished running the script (no running indicator, a title on the page)."""
    page.wait_for_selector("h1", timeout=timeout * 1000)
    deadline = time.time() + timeout
    while time.time() < deadline:
        busy = '[data-testid="stStatusWidget"], [data-testid="stSkeleton"]'
        if page.locator(busy).count() == 0:
            time.sleep(0.4)
            if page.locator(busy).count() == 0:
                return
        time.sleep(0.2)


def test_every_page_in_a_real_browser(server: str, shots: Path) -> None:
    from playwright.sync_api import sync_playwright

    external: list[str] = []

    def guard(route):  # type: ignore[no-untyped-def]
        u = route.request.url
        if u.startswith(server) or u.startswith("data:") or u.startswith("blob:") or u.startswith("ws://127.0.0.1"):
            route.continue_()
        else:
            external.append(u)
            route.abort()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.route("**/*", guard)
            for name in PAGES:
                page.goto(f"{server}/{'' if name == 'overview' else name}")
                _settle(page)
                assert page.locator('[data-testid="stException"]').count() == 0, f"{name}: a traceback is shown"
                page.screenshot(path=str(shots / f"{name}.png"), full_page=True)

            # Explorer: search a block number and see its extrinsics and events
            page.goto(f"{server}/explorer")
            _settle(page)
            box = page.locator('input[data-testid="stTextInputField"][aria-label="Search"]')
            box.fill("5")
            box.press("Enter")
            _settle(page)
            page.wait_for_selector("text=Block #5", timeout=20_000)
            page.screenshot(path=str(shots / "explorer_block5.png"), full_page=True)

            # Chinese
            page.goto(f"{server}/")
            _settle(page)
            page.get_by_text("中文", exact=True).click()
            _settle(page)
            page.wait_for_selector("text=概览", timeout=20_000)
            page.screenshot(path=str(shots / "overview_zh.png"), full_page=True)
            trace_donation(page, server, shots)
        finally:
            browser.close()
    assert not external, f"the app tried to download at run time: {external[:5]}"
    print(f"screenshots in {shots}")


def trace_donation(page, server: str, shots: Path) -> None:  # type: ignore[no-untyped-def]
    """Donations: click a donation's trace and see the Sankey from donor to beneficiaries and merchants."""
    page.goto(f"{server}/donations")
    _settle(page)
    button = page.locator('[data-testid="stButton"] button', has_text="追踪")
    if button.count() == 0:
        button = page.locator('[data-testid="stButton"] button', has_text="Trace")
    if button.count() == 0:
        return  # this chain has no Donations pallet: the page said so (checked above)
    button.first.click()
    _settle(page)
    page.wait_for_selector('[data-testid="stPlotlyChart"] .sankey', timeout=20_000)
    page.screenshot(path=str(shots / "donation_trace.png"), full_page=True)
