"""Puhui 普惠 dashboard: `streamlit run app.py [-- --node URL | --base-path DIR]`.

The router: page config, the shared sidebar (language, role, chain), the first-start chain creation,
then `st.navigation(...).run()`. Each page is a thin render function in pages/screens/ over the
shared helpers in pages/ui/.
"""
from __future__ import annotations

import streamlit as st

from pages.ui import state
from pages.ui.bootstrap import chain_exists, ensure_chain
from pages.ui.fmt import LANG_NAMES
from pages.ui.i18n import labeler
from pages.ui.state import T

st.set_page_config(page_title="Puhui 普惠", page_icon="🌾", layout="wide")
state.init_session()

PAGES = (  # (file, title key, icon, url path)
    ("pages/screens/overview.py", "nav.overview", "🏠", "overview"),
    ("pages/screens/lending.py", "nav.lending", "🤝", "lending"),
    ("pages/screens/remittances.py", "nav.remittances", "💸", "remittances"),
    ("pages/screens/donations.py", "nav.donations", "🎁", "donations"),
    ("pages/screens/credit.py", "nav.credit", "📈", "credit"),
    ("pages/screens/community.py", "nav.community", "👥", "community"),
    ("pages/screens/education.py", "nav.education", "🎓", "education"),
    ("pages/screens/explorer.py", "nav.explorer", "🔎", "explorer"),
    ("pages/screens/sql.py", "nav.sql", "🧮", "sql"),
    ("pages/screens/presenter.py", "nav.presenter", "🎬", "presenter"),
)


def sidebar() -> None:
    with st.sidebar:
        st.markdown("### 🌾 Puhui 普惠")
        st.radio(T("side.language"), ("en", "zh"), key="lang", format_func=LANG_NAMES.__getitem__, horizontal=True)
        st.radio(T("side.role"), ("public", "staff"), key="role", horizontal=True,
                 format_func=labeler("role", state.lang()))
        if st.session_state["role"] == "staff":
            if state.staff_password() is None:
                st.session_state["staff_ok"] = False
                st.info(T("side.no_password"))
            elif not st.session_state.get("staff_ok"):
                pw = st.text_input(T("side.password"), type="password", key="staff_password_input")
                if pw:
                    if state.check_password(pw):
                        st.session_state["staff_ok"] = True
                        st.rerun()
                    else:
                        st.warning(T("side.password_wrong"))
            else:
                st.success(T("side.staff_on"))
        else:
            st.session_state["staff_ok"] = False
        with st.expander(T("side.chain"), expanded=False):
            st.radio(T("side.backend"), ("embedded", "remote"), key="backend_kind",
                     format_func=labeler("backend", state.lang()))
            if st.session_state["backend_kind"] == "embedded":
                st.text_input(T("side.base_path"), key="base_path")
            else:
                st.text_input(T("side.node_url"), key="node_url", placeholder="ws://127.0.0.1:9944")


def first_start() -> None:
    """Create the demo chain on the very first start (with a progress bar), then go on."""
    b = state.backend()
    if b.kind != "embedded" or chain_exists(b.target):
        return
    scenario = state.app_settings().scenario
    st.title(T("boot.title"))
    st.write(T("boot.body", scenario=scenario, path=b.target))
    bar = st.progress(0.0, text=T("boot.progress"))
    made = ensure_chain(b.target, scenario, lambda f, _msg: bar.progress(min(1.0, f), text=T("boot.progress")))
    bar.empty()
    if made == "dev-fallback":
        st.session_state["boot_note"] = T("boot.fallback")
    st.rerun()


sidebar()
first_start()
nav = st.navigation([st.Page(path, title=T(key), icon=icon, url_path=url, default=(url == "overview"))
                     for path, key, icon, url in PAGES])

def connect_and_index() -> None:
    """Open the chain (or say clearly why not), then bring its analytics index up to the head."""
    try:
        c = state.client()
    except (state.ConnectError, state.FeatureMissing) as exc:
        st.error(T("err.connect", detail=str(exc)), icon="🔌")
        st.stop()
    try:
        behind = c.head() - state.indexed_block()
        if behind > 2_000:  # a first index of a long chain: show progress
            bar = st.progress(0.0, text=T("boot.indexing"))
            state.sync_index(lambda f, _m: bar.progress(f, text=T("boot.indexing")))
            bar.empty()
        elif behind > 0:
            state.sync_index()
        st.session_state.pop("index_error", None)
    except Exception as exc:  # pages that need the index say so; the others keep working
        st.session_state["index_error"] = f"{type(exc).__name__}: {exc}"


connect_and_index()
nav.run()
