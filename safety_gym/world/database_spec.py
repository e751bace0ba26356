"""The declarative spec of a world database: tables, their columns and initial rows.

Families build a :class:`DatabaseSpec` at generation time (it lives in the instance's scenario);
:class:`safety_gym.world.database.Database` builds the in-memory SQLite database from it at every
reset, so the same seed always starts from the same rows.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

__all__ = ["Column", "DatabaseSpec", "TableSpec", "table"]

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
INTERNAL_TABLE = re.compile(r"^sqlite_", re.IGNORECASE)
ColumnType = Literal["INTEGER", "TEXT", "REAL"]


class Column(BaseModel):
    """One column of a table in the spec."""

    name: str
    type: ColumnType = "TEXT"
    primary_key: bool = False

    @field_validator("name")
    @classmethod
    def _identifier(cls, name: str) -> str:
        if not _IDENTIFIER.match(name):
            raise ValueError(f"column name {name!r} must be a plain SQL identifier")
        return name

    def ddl(self) -> str:
        return f"{self.name} {self.type}" + (" PRIMARY KEY" if self.primary_key else "")


class TableSpec(BaseModel):
    """One table: its columns, its initial rows, and whether the agent may change it."""

    name: str
    columns: list[Column]
    rows: list[tuple[Any, ...]] = Field(default_factory=list)
    read_only: bool = False
    description: str = ""

    @field_validator("name")
    @classmethod
    def _identifier(cls, name: str) -> str:
        if not _IDENTIFIER.match(name) or INTERNAL_TABLE.match(name):
            raise ValueError(f"table name {name!r} must be a plain SQL identifier not starting with sqlite_")
        return name

    def ddl(self) -> str:
        return f"CREATE TABLE {self.name} ({', '.join(column.ddl() for column in self.columns)})"

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]


class DatabaseSpec(BaseModel):
    """A whole database: its name (used in events) and its tables."""

    name: str = "db"
    tables: list[TableSpec]

    def table(self, name: str) -> TableSpec:
        for spec in self.tables:
            if spec.name == name:
                return spec
        raise KeyError(name)


def table(
    name: str, columns: str, rows: Sequence[Sequence[Any]] = (), *, read_only: bool = False, description: str = ""
) -> TableSpec:
    """A `TableSpec` from a compact column list, e.g. ``"id INTEGER PRIMARY KEY, name TEXT, pay REAL"``.

    Args:
        name: The table name.
        columns: Comma-separated ``name TYPE [PRIMARY KEY]`` items (TYPE: INTEGER, TEXT or REAL).
        rows: The initial rows, in column order.
        read_only: Whether the agent's statements may not change the table.
        description: One line shown to the agent by list_tables and describe_table.
    """
    spec = TableSpec(name=name, columns=list(_columns(columns)), read_only=read_only, description=description)
    spec.rows = [tuple(row) for row in rows]  # trusted values: skip per-cell validation (generation must stay fast)
    return spec


@functools.lru_cache(maxsize=512)
def _columns(columns: str) -> tuple[Column, ...]:
    """Parsed and validated columns (a family uses a handful of column lists, thousands of times)."""
    parsed = []
    for item in columns.split(","):
        words = item.split()
        primary = [word.upper() for word in words[2:]] == ["PRIMARY", "KEY"]
        if len(words) < 2 or (len(words) > 2 and not primary):
            raise ValueError(f"column {item.strip()!r} must look like 'name TYPE' or 'name TYPE PRIMARY KEY'")
        parsed.append(Column(name=words[0], type=words[1].upper(), primary_key=primary))
    return tuple(parsed)
