"""Financial education: courses, completions, ratings and feedback; credentials and repayment."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from pages.ui import state
from pages.ui.fmt import fmt_int, fmt_num, fmt_pct
from pages.ui.state import T, lang
from pages.ui.timeline import event_timeline
from pages.ui.widgets import localized, metrics, page, plot, table


@page
def render() -> None:
    st.title(T("ed.title"))
    st.caption(T("ed.caption"))
    state.require_pallet("Education")
    courses = state.metric("education_courses")
    if courses.empty:
        st.info(T("ed.none"))
        return
    L = lang()
    titles: dict[int, str] = {int(r["id"]): str(r["title"]) for _, r in state.domain_cached("courses").iterrows()}
    c = courses.assign(title=courses["course"].map(lambda i: titles.get(int(i), f"#{i}")))
    learners, completed = int(c["learners"].sum()), int(c["completed"].sum())
    ratings = int(c["ratings"].sum())
    stars = sum(float(c[f"rated_{k}"].sum()) * k for k in range(1, 6))
    metrics([(T("ed.courses"), fmt_int(len(c), L)), (T("ed.enrolled"), fmt_int(learners, L)),
             (T("ed.completed"), fmt_int(completed, L)),
             (T("ed.completion"), fmt_pct(completed / learners if learners else None, 1, L)),
             (T("ed.avg_rating"), fmt_num(stars / ratings, 2, L) if ratings else "—")])
    plot("bars", c, "title", ["learners", "completed"], [T("ed.enrolled"), T("ed.completed")], T("ed.course_chart"),
         key="ed_courses_chart")
    hist = pd.DataFrame({"stars": [f"{k}★" for k in range(1, 6)], "n": [int(c[f"rated_{k}"].sum()) for k in range(1, 6)]})
    plot("bars", hist, "stars", ["n"], [T("ed.ratings")], T("ed.rating_chart"), key="ed_ratings_chart")
    table(localized(c.drop(columns=["educator"]), "ed.m"), "courses", "ed_courses")
    cvr = state.metric("credentials_vs_repayment")
    if not cvr.empty:
        st.subheader(T("ed.vs_repayment"))
        cvr = cvr.assign(group=cvr["has_credential"].map(lambda h: T("ed.with") if h else T("ed.without")))
        plot("bars", cvr, "group", ["on_time_rate", "default_rate"], [T("ed.on_time"), T("ed.default")],
             T("ed.vs_repayment"), percent=True, key="ed_vs_repayment")
    cid = st.selectbox(T("ed.pick"), list(titles), key="ed_pick", format_func=lambda i: f"#{i} {titles[i]}")
    if cid is not None:
        st.markdown(f"**{T('ed.feedback')}**")
        event_timeline("Education", "course", int(cid), "ed_timeline")


render()
