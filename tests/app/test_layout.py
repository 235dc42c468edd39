"""The dashboard's layout (docs/ARCHITECTURE.md): the screens are files in pages/screens/, pages/ holds no
top-level script (one would switch Streamlit to its v1 multipage mode, where that file runs as a page of
its own without app.py), and only app.py and pages/ import streamlit."""
from __future__ import annotations

import re
from pathlib import Path

from tests.app.conftest import PAGES, ROOT, make_app, open_page

STREAMLIT_IMPORT = re.compile(r"^\s*(import streamlit|from streamlit\b)", re.MULTILINE)


def test_pages_holds_no_top_level_script() -> None:
    assert sorted(p.name for p in (ROOT / "pages").glob("*.py")) == ["__init__.py"]


def test_every_screen_is_registered_once_from_pages_screens() -> None:
    registered = re.findall(r'"pages/screens/(\w+)\.py"', (ROOT / "app.py").read_text(encoding="utf-8"))
    files = sorted(p.stem for p in (ROOT / "pages" / "screens").glob("*.py"))
    assert sorted(registered) == files == sorted(PAGES)


def test_only_app_and_pages_import_streamlit() -> None:
    offenders = [str(p.relative_to(ROOT)) for folder in ("chain", "analytics") for p in (ROOT / folder).rglob("*.py")
                 if STREAMLIT_IMPORT.search(p.read_text(encoding="utf-8"))]
    assert not offenders, offenders


def test_a_screen_opened_by_its_file_runs_inside_app_py(chain_dir: Path) -> None:
    """switch_page("pages/screens/x.py") runs app.py (its sidebar) and then the screen, not the screen alone."""
    at = make_app("en")
    for page in ("lending", "explorer"):
        open_page(at, page)
        assert not at.exception, [e.value for e in at.exception]
        assert [r.key for r in at.sidebar.radio][:2] == ["lang", "role"], page
        assert at.title and at.title[0].value, page
