"""The dashboard (with app.py, the only code that imports streamlit). `pages/screens/` holds the screens,
one a file, each a script that app.py registers with `st.Page("pages/screens/<name>.py", ...)` and that
renders through one typed function; `pages/ui/` is the package they share: labels in both languages
(i18n), number and date formats (fmt), the shared state and caches (state), widgets, charts, and the
services over the chain client and analytics. This folder holds no top-level page script on purpose: a
`.py` file directly in `pages/` (other than this one) would switch Streamlit to its old multipage mode
(every pages/*.py becomes a page that runs without app.py, so without the sidebar and the shared setup).
"""
