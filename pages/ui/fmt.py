"""Number, date and amount formatting per language (no streamlit here: pure and tested).

English: 1,234.56 · 5 Mar 2026 · 1.2M.  中文: 1,234.56 · 2026年3月5日 · 120万.
"""
from __future__ import annotations

import math
from datetime import date, datetime, timezone
from typing import Literal

Lang = Literal["en", "zh"]
LANGS: tuple[Lang, ...] = ("en", "zh")
LANG_NAMES = {"en": "English", "zh": "中文"}
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def fmt_int(n: int | float | None, lang: Lang = "en") -> str:
    if n is None or (isinstance(n, float) and math.isnan(n)):
        return "—"
    return f"{int(round(n)):,}"


def fmt_num(x: float | int | None, digits: int = 2, lang: Lang = "en") -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    return f"{x:,.{digits}f}"


def fmt_pct(x: float | None, digits: int = 1, lang: Lang = "en") -> str:
    """A ratio as a percentage: 0.034 -> 3.4%."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    return f"{x * 100:,.{digits}f}%"


def fmt_compact(x: float | int | None, lang: Lang = "en") -> str:
    """Short large numbers: 1.2M / 3.4K in English, 120万 / 3.4亿 in Chinese."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    a = abs(x)
    if lang == "zh":
        for div, unit in ((10**8, "亿"), (10**4, "万")):
            if a >= div:
                return f"{x / div:,.1f}".rstrip("0").rstrip(".") + unit
        return fmt_num(x, 0 if float(x).is_integer() else 2, lang)
    for div, unit in ((10**9, "B"), (10**6, "M"), (10**3, "K")):
        if a >= div:
            return f"{x / div:,.1f}".rstrip("0").rstrip(".") + unit
    return fmt_num(x, 0 if float(x).is_integer() else 2, lang)


def to_units(raw: int, decimals: int) -> float:
    """A chain amount (integer in the smallest unit) as a float for display and charts only."""
    return raw / 10**decimals


def fmt_amount(raw: int | None, decimals: int, symbol: str = "", lang: Lang = "en", digits: int = 2) -> str:
    """An on-chain integer amount in a token's units: 1234560000 (6 dec) -> "1,234.56 USDP"."""
    if raw is None:
        return "—"
    whole, frac = divmod(abs(int(raw)), 10**decimals)
    if digits:
        scaled = round(frac * 10**digits / 10**decimals)
        if scaled >= 10**digits:
            whole, scaled = whole + 1, 0
        text = f"{whole:,}.{scaled:0{digits}d}"
    else:
        text = f"{whole + (1 if frac * 2 >= 10**decimals else 0):,}"
    sign = "-" if raw < 0 else ""
    return f"{sign}{text} {symbol}".rstrip()


def _as_datetime(value: int | float | datetime | date) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=timezone.utc)
    return datetime.fromtimestamp(value / 1000, tz=timezone.utc)  # chain timestamps are ms


def fmt_date(value: int | float | datetime | date | None, lang: Lang = "en") -> str:
    """A date: "5 Mar 2026" / "2026年3月5日" (ints are chain timestamps in ms, UTC)."""
    if value is None:
        return "—"
    d = _as_datetime(value)
    if lang == "zh":
        return f"{d.year}年{d.month}月{d.day}日"
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def fmt_datetime(value: int | float | datetime | None, lang: Lang = "en") -> str:
    if value is None:
        return "—"
    d = _as_datetime(value)
    return f"{fmt_date(d, lang)} {d.hour:02d}:{d.minute:02d}"


def fmt_month(value: int | float | datetime | date | None, lang: Lang = "en") -> str:
    if value is None:
        return "—"
    d = _as_datetime(value)
    return f"{d.year}年{d.month}月" if lang == "zh" else f"{_MONTHS[d.month - 1]} {d.year}"


def fmt_duration_days(days: float | None, lang: Lang = "en") -> str:
    if days is None or (isinstance(days, float) and math.isnan(days)):
        return "—"
    if days < 1:
        hours = days * 24
        return f"{hours:,.1f} 小时" if lang == "zh" else f"{hours:,.1f} h"
    return f"{days:,.1f} 天" if lang == "zh" else f"{days:,.1f} days"
