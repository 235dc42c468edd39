"""What app.py and the screens (pages/screens/) share: language and formatting (i18n, fmt), settings,
the shared state (one chain client per backend, one analytics index, cached query wrappers), page
widgets, and the services the pages call (services: presenter actions, receipts, the Overview's domain
figures; chainview: blocks, accounts, search, plain words; domain: loans, remittances, campaigns, scores,
groups, courses from the pallets' storage; actions, live, tamper, fraud, bootstrap).

`state.py`, `services.py`, `widgets.py` and `timeline.py` import streamlit; the rest is plain Python that
the tests and the bench import directly.
"""
