"""SQL: a read-only DuckDB console over the chain's analytics tables, with example queries and downloads."""
from __future__ import annotations

import streamlit as st

from pages.ui import state
from pages.ui.fmt import fmt_int, fmt_num
from pages.ui.state import T, lang
from pages.ui.widgets import page, table


def choose_example() -> None:
    key = st.session_state.get("sql_example")
    for k, _title, sql in state.resolve("analytics.views", "example_queries")():
        if k == key:
            st.session_state["sql_text"] = sql


@page
def render() -> None:
    st.title(T("sql.title"))
    st.caption(T("sql.caption"))
    console = state.sql_console()
    examples = state.resolve("analytics.views", "example_queries")()
    titles = {k: T(f"sql.ex.{k}", default=title) for k, title, _ in examples}
    st.session_state.setdefault("sql_text", examples[0][2])
    st.selectbox(T("sql.examples"), list(titles), key="sql_example", format_func=titles.__getitem__,
                 on_change=choose_example, index=None, placeholder=T("sql.pick"))
    sql = st.text_area(T("sql.query"), key="sql_text", height=160)
    run = st.button(T("sql.run"), key="sql_run", type="primary")
    with st.expander(T("sql.tables")):
        st.write(", ".join(f"`{t}`" for t in console.tables()))
    if not run and "sql_last" not in st.session_state:
        return
    if run:
        from analytics.console import ConsoleError

        try:
            st.session_state["sql_last"] = (sql, console.execute(sql), None)
        except ConsoleError as exc:
            st.session_state["sql_last"] = (sql, None, str(exc))
    _q, result, error = st.session_state["sql_last"]
    if error:
        st.error(T("sql.refused", error=error))
        return
    L = lang()
    st.caption(T("sql.result", rows=fmt_int(result.table.num_rows, L), secs=fmt_num(result.seconds, 3, L),
                 block=fmt_int(result.as_of_block, L)) + (" " + T("sql.truncated") if result.truncated else ""))
    table(result.df(), "query_result", "sql_result")


render()
