"""Every label in both languages, the same parameters in each, every key the app uses defined; formats."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from pages.ui.fmt import fmt_amount, fmt_compact, fmt_date, fmt_datetime, fmt_int, fmt_num, fmt_pct
from pages.ui.i18n import STATUS_ENUMS, TEXT, placeholders, status_label, t

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [ROOT / "app.py", *sorted((ROOT / "pages").rglob("*.py"))]
KEY_CALL = re.compile(r"""\bT?t?\(\s*["']([a-z_]+\.[A-Za-z0-9_.]+)["']""")
FSTRING_KEY = re.compile(r"""\bT\(\s*f["']([a-z_]+)\.\{""")


def test_every_key_has_both_languages_with_the_same_parameters() -> None:
    for key, pair in TEXT.items():
        assert isinstance(pair, tuple) and len(pair) == 2, key
        en, zh = pair
        assert en.strip() and zh.strip(), f"{key} is missing a language"
        assert placeholders(en) == placeholders(zh), f"{key}: parameters differ between English and 中文"


def test_chinese_labels_are_chinese() -> None:
    cjk = re.compile(r"[\u4e00-\u9fff]")
    for key, (en, zh) in TEXT.items():
        if key.startswith("ev.") or en == zh:
            continue
        assert cjk.search(zh), f"{key}: the 中文 label has no Chinese characters: {zh!r}"


def test_every_key_used_in_the_app_is_defined() -> None:
    missing = []
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        for key in KEY_CALL.findall(text):
            if key.split(".")[0] in {"chain", "analytics", "pages", "ui", "puhui", "st"}:
                continue  # module names in resolve()/FeatureMissing, not labels
            if key not in TEXT:
                missing.append(f"{path.name}: {key}")
    assert not missing, "labels used but not defined: " + ", ".join(missing)


def test_prefixed_keys_used_with_fstrings_have_entries() -> None:
    prefixes = {p for path in SOURCES for p in FSTRING_KEY.findall(path.read_text(encoding="utf-8"))}
    for prefix in prefixes:
        assert any(k.startswith(prefix + ".") for k in TEXT), prefix
    for role in ("public", "staff"):
        assert f"role.{role}" in TEXT
    for backend in ("embedded", "remote"):
        assert f"backend.{backend}" in TEXT


def pallet_status_enums() -> dict[str, object]:
    """Every status enum the pallets declare (a module-level codec.Enum of chain/pallets/*.py whose type name
    ends in "Status"), by its metadata path."""
    import importlib
    import pkgutil

    import chain.pallets
    from chain.codec import Enum

    found: dict[str, object] = {}
    for info in pkgutil.iter_modules(chain.pallets.__path__):
        module = importlib.import_module(f"chain.pallets.{info.name}")
        for value in vars(module).values():
            if isinstance(value, Enum) and value.path.rsplit("::", 1)[-1].endswith("Status"):
                found[value.path] = value
    return found


def test_every_status_the_pallets_declare_has_a_label_in_both_languages() -> None:
    enums = pallet_status_enums()
    sources = "\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "chain" / "pallets").glob("*.py")))
    declared = set(re.findall(r"""Enum\(\s*["']([\w:]+Status)["']""", sources))
    assert declared, "no status enum found in chain/pallets/*.py"
    assert declared == set(enums), f"status enums not found by import: {declared ^ set(enums)}"
    unmapped = sorted(set(enums) - set(STATUS_ENUMS))
    assert not unmapped, f"add these status enums to STATUS_ENUMS in pages/ui/i18n.py, with labels: {unmapped}"
    stale = sorted(set(STATUS_ENUMS) - set(enums))
    assert not stale, f"STATUS_ENUMS names enums the pallets no longer declare: {stale}"
    cjk = re.compile(r"[\u4e00-\u9fff]")
    missing = []
    for path, enum in enums.items():
        kind = STATUS_ENUMS[path]
        for variant in enum.variants:  # type: ignore[attr-defined]
            key = f"status.{kind}.{variant.name}"
            if key not in TEXT:
                missing.append(f"{key} ({path})")
                continue
            en, zh = TEXT[key]
            assert en.strip() and cjk.search(zh), key
            snake = re.sub(r"(?<!^)(?=[A-Z])", "_", variant.name).lower()  # analytics' form: CashedOut -> cashed_out
            for value in (variant.name, snake):
                assert status_label(kind, value, "en") == en, (key, value)
                assert status_label(kind, value, "zh") == zh, (key, value)
    assert not missing, "status variants without a label: " + ", ".join(missing)


def test_a_status_without_a_label_is_shown_as_it_is() -> None:
    assert status_label("loan", "Late", "zh") == "Late"
    assert status_label("loan", None, "en") == ""
    assert status_label("campaign", float("nan"), "zh") == ""


def test_t_fills_parameters_and_falls_back() -> None:
    assert t("ex.no_block", "en", n=5, head=3) == "There is no block #5 (the head is #3)."
    assert t("ex.no_block", "zh", n=5, head=3) == "没有第 5 号区块（最新为第 3 号）。"
    assert t("no.such.key", "en") == "no.such.key"
    assert t("no.such.key", "zh", default="x") == "x"


def test_number_and_date_formats_per_language() -> None:
    assert fmt_num(1234.56, 2, "en") == "1,234.56" == fmt_num(1234.56, 2, "zh")
    assert fmt_int(1234567, "zh") == "1,234,567"
    assert fmt_pct(0.034) == "3.4%"
    assert fmt_compact(1_234_567, "en") == "1.2M"
    assert fmt_compact(1_234_567, "zh") == "123.5万"
    assert fmt_compact(250_000_000, "zh") == "2.5亿"
    assert fmt_date(date(2026, 3, 5), "zh") == "2026年3月5日"
    assert fmt_date(date(2026, 3, 5), "en") == "5 Mar 2026"
    ms = 1_772_668_800_000 + 14 * 3_600_000  # 2026-03-05 14:00 UTC
    assert fmt_datetime(ms, "en") == "5 Mar 2026 14:00"
    assert fmt_datetime(ms, "zh") == "2026年3月5日 14:00"
    assert fmt_amount(1_234_560_000, 6, "USDP") == "1,234.56 USDP"
    assert fmt_amount(5 * 10**12, 12, "PUI", "zh") == "5.00 PUI"
    assert fmt_amount(-1_999_999, 6, "", digits=2) == "-2.00"
