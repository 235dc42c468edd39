"""Small rendering helpers shared by the pages: the page guard (clear messages instead of tracebacks),
key-figure rows, tables with CSV and Parquet downloads, plotly figures in the app's style."""
from __future__ import annotations

import functools
import io
import logging
from typing import Any, Callable, Iterable, Sequence

import pandas as pd
import streamlit as st

from chain.client import PalletMissing
from chain.errors import ChainError
from pages.ui.i18n import status_label
from pages.ui.state import T, ConnectError, FeatureMissing, IndexUnavailable, is_staff, lang

log = logging.getLogger("puhui.ui")


def page(render: Callable[..., None]) -> Callable[..., None]:
    """Wrap a page's render function: a missing pallet, a missing module or a chain error becomes a
    clear message naming what is missing, never a traceback."""

    @functools.wraps(render)
    def run(*args: Any, **kwargs: Any) -> None:
        try:
            render(*args, **kwargs)
        except PalletMissing as exc:
            st.warning(T("err.pallet_missing", pallet=exc.pallet), icon="🧩")
        except FeatureMissing as exc:
            st.info(T("err.feature_missing", what=exc.what), icon="🧩")
        except IndexUnavailable as exc:
            st.error(T("err.index", detail=str(exc)), icon="🗂️")
        except ConnectError as exc:
            st.error(T("err.connect", detail=str(exc)), icon="🔌")
        except ChainError as exc:
            st.error(T("err.chain", detail=f"{type(exc).__name__}: {exc}"), icon="⛓️")
        except Exception as exc:  # last resort: say what went wrong, log the traceback for developers
            log.exception("page %s failed", render.__name__)
            st.error(T("err.unexpected", detail=f"{type(exc).__name__}: {exc}"), icon="⚠️")

    return run


guard = page  # the same protection for a fragment's body: `@st.fragment(...)` over `@guard`


def metrics(items: Sequence[tuple[str, str] | tuple[str, str, str | None]], border: bool = True) -> None:
    """A row of key figures: (label, value[, help])."""
    cols = st.columns(len(items))
    for col, item in zip(cols, items):
        label, value = item[0], item[1]
        col.metric(label, value, help=item[2] if len(item) > 2 else None, border=border)  # type: ignore[misc]


def localized(df: pd.DataFrame, prefix: str) -> pd.DataFrame:
    """The table with its columns named in the user's language (`{prefix}.{column}` labels)."""
    return df.rename(columns={c: T(f"{prefix}.{c}", default=str(c)) for c in df.columns})


def localized_status(df: pd.DataFrame, kind: str, column: str = "status") -> pd.DataFrame:
    """The table with its status column in words in the user's language (i18n.status_label); the
    downloads then carry the same words as the screen."""
    if df.empty or column not in df.columns:
        return df
    L = lang()
    return df.assign(**{column: df[column].map(lambda v: status_label(kind, v, L))})


def to_csv(df: pd.DataFrame) -> bytes:
    return df.to_csv(index=False).encode("utf-8")


def to_parquet(df: pd.DataFrame) -> bytes:
    buf = io.BytesIO()
    safe = df.copy()
    for c in safe.columns:
        if safe[c].dtype == object:
            safe[c] = safe[c].map(lambda v: v if v is None or isinstance(v, (str, int, float, bool)) else str(v))
    safe.to_parquet(buf, index=False)
    return buf.getvalue()


def downloads(df: pd.DataFrame, name: str, key: str) -> None:
    """CSV and Parquet download buttons for a table (the files are made only when clicked)."""
    c1, c2, _ = st.columns([1, 1, 4])
    c1.download_button(T("btn.csv"), lambda: to_csv(df), f"{name}.csv", "text/csv", key=f"{key}_csv")
    c2.download_button(T("btn.parquet"), lambda: to_parquet(df), f"{name}.parquet", "application/vnd.apache.parquet",
                       key=f"{key}_parquet")


MAX_ROWS_SHOWN = 1_000


def table(rows: pd.DataFrame | Iterable[dict[str, Any]], name: str, key: str, *, download: bool = True,
          height: int | str = "auto") -> pd.DataFrame:
    """A table (at most MAX_ROWS_SHOWN rows on screen; the downloads hold all of them)."""
    df = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
    if df.empty:
        st.caption(T("msg.no_rows"))
        return df
    shown = df if len(df) <= MAX_ROWS_SHOWN else df.head(MAX_ROWS_SHOWN)
    floats = {c: 2 for c, dt in shown.dtypes.items() if getattr(dt, "kind", "") == "f"}
    if floats and shown.columns.is_unique:
        shown = shown.round(floats)
    st.dataframe(shown, hide_index=True, key=f"{key}_df", height=height)  # type: ignore[arg-type]
    if len(df) > MAX_ROWS_SHOWN:
        st.caption(T("msg.rows_shown", shown=f"{MAX_ROWS_SHOWN:,}", total=f"{len(df):,}"))
    if download:
        downloads(df, name, key)
    return df


@st.cache_resource(show_spinner=False, max_entries=256)
def _figure(kind: str, args: tuple, kwargs: tuple) -> Any:
    from pages.ui import charts

    fig = getattr(charts, kind)(*args, **dict(kwargs))
    fig.update_layout(margin=dict(l=10, r=10, t=40, b=10))  # colours and fonts: Streamlit's theme
    return fig


def plot(kind: str, *args: Any, key: str, **kwargs: Any) -> None:
    """A pages.ui.charts figure (built once per distinct data and labels, then shared) as a Plotly chart."""
    st.plotly_chart(_figure(kind, args, tuple(sorted(kwargs.items()))), key=key, config={"displaylogo": False})


def staff_only() -> bool:
    """True for staff; otherwise shows why the section is hidden."""
    if is_staff():
        return True
    st.info(T("msg.staff_only"), icon="🔒")
    return False


def header(title_key: str, caption_key: str | None = None) -> None:
    st.title(T(title_key))
    if caption_key:
        st.caption(T(caption_key))


__all__ = ["page", "metrics", "localized", "localized_status", "downloads", "table", "plot", "staff_only", "header",
           "lang"]
