"""SQL lives in `analytics/sql/<folder>/<name>.sql`, one model a file, loaded by name.

Names are paths without the suffix: `schema/blocks`, `staging/transfers`, `metrics/lending_par`.
Parameters are always bound (`$start`, `$as_of_day`), never formatted into the text.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

SQL_DIR = Path(__file__).resolve().parent / "sql"


class UnknownQuery(KeyError):
    """Raised when no .sql file has the requested name."""

    def __str__(self) -> str:
        return f"no SQL file named {self.args[0]!r} under {SQL_DIR}"


def sql_path(name: str) -> Path:
    if not name or ".." in name or name.startswith("/"):
        raise UnknownQuery(name)
    path = SQL_DIR / f"{name}.sql"
    if not path.is_file():
        raise UnknownQuery(name)
    return path


@lru_cache(maxsize=None)
def load_sql(name: str) -> str:
    """The text of one SQL file, e.g. `load_sql("staging/transfers")`."""
    return sql_path(name).read_text(encoding="utf-8")


def names(folder: str) -> list[str]:
    """All SQL names in one folder, sorted (files may carry a numeric prefix to set their order)."""
    return sorted(f"{folder}/{p.stem}" for p in (SQL_DIR / folder).glob("*.sql"))


@lru_cache(maxsize=None)
def source_events(name: str) -> frozenset[tuple[str, str]] | None:
    """The (pallet, event) pairs a staging model is built from, from its `-- events:` line (None: `*`, any)."""
    for line in load_sql(name).splitlines():
        if line.startswith("-- events:"):
            items = [x.strip() for x in line[len("-- events:"):].split(",") if x.strip()]
            if items == ["*"]:
                return None
            return frozenset(tuple(x.split(".", 1)) for x in items)  # type: ignore[misc]
    return None
