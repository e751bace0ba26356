"""A real SQL database for the agent: SQLite in memory, sandboxed, rebuilt from a declarative spec.

The world's database is an in-memory SQLite connection (``sqlite3.connect(":memory:")``) built at
every reset from a :class:`DatabaseSpec` (tables, columns, rows), so an episode starts from the
same bytes for the same seed. The agent reaches it through three tools: ``list_tables``,
``describe_table`` and ``query_database`` (one SQL statement per call).

Nothing the agent writes can reach the host or break determinism:

- An authorizer (``set_authorizer``) admits only an allow-list of actions: reads, writes to
  tables that are not read-only, and ordinary DDL. It denies ATTACH/DETACH (and hence ``VACUUM
  INTO``, which attaches its target), every PRAGMA but a few read-only schema queries,
  transactions and savepoints (every statement commits on its own), triggers, virtual tables,
  temporary schema objects, and every SQL function outside an allow-list (no ``load_extension``,
  ``random``, ``randomblob``, ``zeroblob``, ``sqlite_version``, ...).
- Date and time functions are replaced by deterministic versions: ``'now'`` is the world's fixed
  clock and the host-dependent ``localtime``/``utc`` modifiers are no-ops (the world runs in UTC).
- Work is bounded deterministically: a progress handler aborts a statement after
  ``MAX_INSTRUCTIONS`` virtual-machine instructions (never by wall time), SQLite limits cap string
  and SQL length, ``max_page_count`` caps the database size, results are cut to ``MAX_ROWS`` rows
  and ``MAX_RESULT_CHARS`` characters, and temporary storage stays in memory.
- Loadable extensions are off (``enable_load_extension(False)`` where the build has it at all).

The tables a statement touches are taken from the authorizer's callbacks (``SQLITE_READ``,
``SQLITE_INSERT``, ``SQLITE_UPDATE``, ``SQLITE_DELETE``, ``SQLITE_DROP_TABLE``, ...), never from
the SQL text, and statements are re-prepared every time (``cached_statements=0``) so the
callbacks always run. A statement that changes anything records ``DatabaseModified``; any other
records ``DatabaseQueried``. Agent mistakes and denials come back as error text (``ToolError``).

For checks, the programmatic API (``query``, ``rows``, ``snapshot``, ``counts``...) reads without
recording events; results are cached until the database changes, and ``cached`` memoises a
check's own computation per version of the tables it depends on. The connection is opened on
first use, so a world whose database is never touched costs almost nothing to build.

The spec lives in :mod:`safety_gym.world.database_spec` and the sandbox in
:mod:`safety_gym.world.database_sandbox`. The environment must pickle mid-episode:
``__getstate__`` stores the database image (``Connection.serialize``, exact to the page, so rowids
and storage order survive; an ``iterdump`` SQL script where the SQLite build lacks serialize) and
``__setstate__`` restores it into a fresh sandboxed connection.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Sequence
from typing import Any, ClassVar, TypeVar

from safety_gym.errors import ToolError, did_you_mean
from safety_gym.events import DatabaseModified, DatabaseQueried
from safety_gym.tools import tool
from safety_gym.world.base import Component
from safety_gym.world.database_sandbox import MAX_PAGES, MAX_SQL_CHARS, Sandbox, Statement, open_connection, populate
from safety_gym.world.database_spec import Column, DatabaseSpec, TableSpec, table

__all__ = [
    "DEFAULT_NOW",
    "MAX_INSTRUCTIONS",
    "MAX_RESULT_CHARS",
    "MAX_ROWS",
    "Column",
    "Database",
    "DatabaseSpec",
    "TableSpec",
    "table",
]

T = TypeVar("T")
DEFAULT_NOW = "2025-06-02 09:00:00"
MAX_ROWS = 50
MAX_CELL_CHARS = 120
MAX_RESULT_CHARS = 5000
MAX_INSTRUCTIONS = 1_000_000


# ---- the component ----


class Database(Component):
    """An in-memory SQLite database the agent queries with SQL; see the module docstring."""

    name: ClassVar[str] = "database"

    def __init__(self, spec: DatabaseSpec, *, now: str = DEFAULT_NOW, max_instructions: int = MAX_INSTRUCTIONS) -> None:
        """A database built from `spec` when it is first used.

        The connection is opened lazily: building it (connect, load the schema, insert the rows) is
        most of the cost of a world with a database, and an episode that never touches the database
        does not pay it. Nothing observable depends on when it is built.

        Args:
            spec: Tables, columns and rows; rebuilt identically at every reset.
            now: The world's fixed clock ('YYYY-MM-DD HH:MM:SS'), used for SQL's 'now' and CURRENT_TIMESTAMP.
            max_instructions: Virtual-machine instructions one statement may run before it is aborted.
        """
        super().__init__()
        self.label = spec.name
        self.descriptions = {t.name: t.description for t in spec.tables}
        self.sandbox = Sandbox(frozenset(t.name for t in spec.tables if t.read_only), now, max_instructions)
        self.version = 0
        """Incremented by every statement that changes the database."""
        self.table_versions: dict[str, int] = {}
        """Per table (by the authorizer's account of what each statement touched): changes so far."""
        self.schema_version = 0
        """Statements so far that created, dropped or altered a table, view or index."""
        self._results: dict[tuple[str, tuple[Any, ...]], list[tuple[Any, ...]]] = {}
        self._results_version = 0
        self._memo: dict[str, tuple[tuple[int, ...], Any]] = {}
        self._spec: DatabaseSpec | None = spec
        self._connection: sqlite3.Connection | None = None

    @property
    def connection(self) -> sqlite3.Connection:
        """The sandboxed in-memory connection (opened and filled from the spec on first use)."""
        if self._connection is None:
            spec = self._spec
            assert spec is not None
            self._connection = open_connection(self.sandbox, lambda connection: populate(connection, spec))
            self._spec = None
        return self._connection

    @property
    def read_only(self) -> frozenset[str]:
        return self.sandbox.read_only

    # ---- pickling ----

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.update(_results={}, _memo={})  # caches are rebuilt on demand
        connection: sqlite3.Connection | None = state.pop("_connection")
        if connection is None:
            return state  # never opened: the spec is enough
        if hasattr(connection, "serialize"):
            state["_image"] = connection.serialize()
        else:  # pragma: no cover - SQLite builds without sqlite3_serialize
            state["_script"] = "\n".join(connection.iterdump())
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        image, script = state.pop("_image", None), state.pop("_script", None)
        self.__dict__.update(state)
        self._connection = None
        self.sandbox.start(None)
        if image is None and script is None:
            return

        def restore(connection: sqlite3.Connection) -> None:
            if image is not None:
                connection.deserialize(image)
            else:  # pragma: no cover - SQLite builds without sqlite3_serialize
                connection.executescript(script or "")

        self._connection = open_connection(self.sandbox, restore)

    # ---- programmatic API (checks, families, other components) ----

    def query(self, sql: str, parameters: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run a trusted read-only query (sandboxed and bounded too) without recording events.

        Results are cached until the database changes, so checks that re-read the same state after
        every step cost a dictionary lookup. Raises `sqlite3.Error` if the query fails.
        """
        if self._results_version != self.version:
            self._results, self._results_version = {}, self.version
        key = (sql, tuple(parameters))
        cached = self._results.get(key)
        if cached is None:
            self.sandbox.start(None)
            changes = self.connection.total_changes
            cursor = self.connection.execute(sql, key[1])
            try:
                cached = cursor.fetchall()
            finally:
                cursor.close()
            if self.connection.total_changes != changes:  # not read-only after all: never cache a write
                self.version += 1
                self.schema_version += 1  # unknown tables changed: invalidate every cached check
                return cached
            self._results[key] = cached
        return list(cached)

    def cached(self, key: str, tables: Sequence[str] | None, compute: Callable[[], T]) -> T:
        """`compute()`, recomputed only when one of `tables` (or, for None, anything) has changed since.

        Checks re-run after every state-changing event; this lets a check that depends on a few
        tables skip the work when a statement changed only others.

        Args:
            key: Names the computation (unique per caller).
            tables: The tables the result depends on; None for the whole database.
            compute: Builds the result.
        """
        if tables is None:
            stamp: tuple[int, ...] = (self.version,)
        else:
            stamp = (self.schema_version, *(self.table_versions.get(name, 0) for name in tables))
        hit = self._memo.get(key)
        if hit is not None and hit[0] == stamp:
            return hit[1]
        value = compute()
        self._memo[key] = (stamp, value)
        return value

    def tables(self) -> list[str]:
        """Names of the user tables that exist now, sorted."""
        return [name for name, kind in self._objects() if kind == "table"]

    def has_table(self, name: str) -> bool:
        return bool(self.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)))

    def columns(self, name: str) -> list[str]:
        """Column names of table `name` (empty if it does not exist)."""
        return [row[1] for row in self.query(f"PRAGMA table_info({_quote(name)})")]

    def rows(self, name: str) -> list[dict[str, Any]]:
        """Every row of table `name` as a dict, in storage order (empty if the table does not exist)."""
        columns = self.columns(name)
        if not columns:
            return []
        return [dict(zip(columns, row)) for row in self.query(f"SELECT * FROM {_quote(name)}")]

    def count(self, name: str) -> int:
        """Number of rows in table `name` (0 if it does not exist)."""
        return self.query(f"SELECT count(*) FROM {_quote(name)}")[0][0] if self.has_table(name) else 0

    def counts(self) -> dict[str, int]:
        """Rows per user table (one query, cached until the database changes)."""
        names = self.tables()
        if not names:
            return {}
        counts = self.query("SELECT " + ", ".join(f"(SELECT count(*) FROM {_quote(name)})" for name in names))[0]
        return dict(zip(names, counts))

    def snapshot(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every user table and its rows (in storage order): compare snapshots to see what changed."""
        return {name: self.query(f"SELECT * FROM {_quote(name)}") for name in self.tables()}

    def summary(self) -> str:
        return f"database {self.label}: " + ", ".join(f"{name} ({count} rows)" for name, count in self.counts().items())

    # ---- agent tools ----

    @tool
    def list_tables(self) -> str:
        """List the tables (and views) of the database with their row counts and descriptions."""
        objects = self._objects()
        if not objects:
            return f"The database '{self.label}' has no tables."
        lines = [f"Database '{self.label}' (SQLite): {len(objects)} table(s)"]
        lines += [f"- {self._headline(name, kind)}" for name, kind in objects]
        return "\n".join(lines)

    @tool
    def describe_table(self, table: str) -> str:
        """Show a table's columns, types, primary key, row count and description.

        Args:
            table: The table name, as shown by list_tables.
        """
        name, kind = self._existing(table)
        lines = [self._headline(name, kind), "Columns:"]
        for _cid, column, column_type, _notnull, _default, primary in self.query(f"PRAGMA table_info({_quote(name)})"):
            lines.append(f"  {column} {column_type or 'ANY'}{' PRIMARY KEY' if primary else ''}")
        return "\n".join(lines)

    @tool
    def query_database(self, sql: str) -> str:
        """Run one SQL statement (SQLite): SELECT to read; INSERT, UPDATE, DELETE, CREATE or DROP to change data.

        Args:
            sql: A single SQL statement, e.g. "SELECT region, count(*) FROM customers GROUP BY region".
        """
        text = sql.strip().rstrip(";").strip()
        if not text:
            raise ToolError("the SQL statement is empty; write one statement, e.g. SELECT * FROM some_table LIMIT 5")
        if len(text) > MAX_SQL_CHARS:
            raise ToolError(f"the SQL statement is {len(text)} characters long; the limit is {MAX_SQL_CHARS}")
        counts_before = self.counts()
        changes_before = self.connection.total_changes
        statement = Statement()
        self.sandbox.start(statement)
        cursor: sqlite3.Cursor | None = None
        try:
            cursor = self.connection.execute(text)
            header = [column[0] for column in cursor.description or ()]
            rows = cursor.fetchmany(MAX_ROWS + 1) if header else []
        except (sqlite3.Error, sqlite3.Warning, ValueError, OverflowError, MemoryError) as error:
            raise ToolError(self._explain(error, statement)) from None
        finally:
            self.sandbox.start(None)
            if cursor is not None:
                cursor.close()
        changed = self.connection.total_changes - changes_before
        modifying = statement.modifying()
        if not (modifying or changed):
            self.record(DatabaseQueried(database=self.label, statement=text, tables=statement.touched(),
                                        rows_returned=min(len(rows), MAX_ROWS)))
            return _render(header, rows) if header else "Statement executed."
        dropped = {name for action, name in modifying if action == sqlite3.SQLITE_DROP_TABLE}
        affected = changed + sum(counts_before.get(name, 0) for name in dropped)
        self.version += 1
        touched = statement.touched()
        for name in touched:
            self.table_versions[name] = self.table_versions.get(name, 0) + 1
        self.schema_version += statement.changes_schema()
        self.record(DatabaseModified(database=self.label, statement=text, tables=touched, rows_affected=affected))
        where = f" in {', '.join(touched)}" if touched else ""
        result = f"Statement executed: {affected} row(s) affected{where}."
        return result + ("\n" + _render(header, rows) if header else "")

    # ---- helpers ----

    def _objects(self) -> list[tuple[str, str]]:
        return self.query("SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view') "
                          "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name")

    def _explain(self, error: BaseException, statement: Statement) -> str:
        if statement.denial is not None:
            return f"not allowed: {statement.denial}."
        message = str(error)
        if message == "interrupted":
            return (f"the statement was stopped after {self.sandbox.max_instructions:,} steps of work without "
                    "finishing. Add a WHERE clause or a LIMIT, or aggregate instead of listing everything.")
        if message == "database or disk is full":
            return (f"the database has reached its size limit ({MAX_PAGES * 4 // 1024} MiB); the statement was "
                    "rolled back and nothing was written.")
        if "one statement at a time" in message:
            return "only one SQL statement can run per call; send the statements one at a time."
        missing = re.match(r"no such table: (?:main\.)?(\w+)", message)
        if missing:
            known = self.tables()
            hint = did_you_mean(missing.group(1), known)
            return f"SQL error: {message}.{hint} Tables: {', '.join(known) or '(none)'}."
        return f"SQL error: {message}."

    def _existing(self, table: str) -> tuple[str, str]:
        wanted = table.strip().strip('"`[]').lower()
        objects = self._objects()
        for name, kind in objects:
            if name.lower() == wanted:
                return name, kind
        names = [name for name, _kind in objects]
        raise ToolError(f"no table named '{table}'.{did_you_mean(table.strip(), names)} Tables: {', '.join(names)}.")

    def _headline(self, name: str, kind: str) -> str:
        if kind == "view":
            return f"{name} (view)"
        access = "read-only" if name in self.read_only else "writable"
        description = self.descriptions.get(name, "")
        return f"{name} ({self.count(name)} rows, {access})" + (f": {description}" if description else "")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _render(header: list[str], rows: list[tuple[Any, ...]]) -> str:
    """A bounded text table: at most MAX_ROWS rows, cells cut at MAX_CELL_CHARS, MAX_RESULT_CHARS in all."""
    shown = rows[:MAX_ROWS]
    cells = [[_cell(value) for value in row] for row in shown]
    widths = [max([len(name), *(len(row[index]) for row in cells)]) for index, name in enumerate(header)]
    lines = [" | ".join(name.ljust(width) for name, width in zip(header, widths)).rstrip(),
             "-+-".join("-" * width for width in widths)]
    size = sum(len(line) + 1 for line in lines)
    for count, row in enumerate(cells):
        line = " | ".join(value.ljust(width) for value, width in zip(row, widths)).rstrip()
        if size + len(line) > MAX_RESULT_CHARS:
            lines.append(f"[... output cut after {count} rows at {MAX_RESULT_CHARS} characters: select fewer "
                         "columns or rows]")
            return "\n".join(lines)
        lines.append(line)
        size += len(line) + 1
    if len(rows) > MAX_ROWS:
        lines.append(f"[... more than {MAX_ROWS} rows: only the first {MAX_ROWS} are shown; add a LIMIT, a WHERE "
                     "clause, or aggregate]")
    else:
        lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines)


def _cell(value: Any) -> str:
    if value is None:
        text = "NULL"
    elif isinstance(value, bytes):
        text = f"<blob {len(value)} bytes>"
    elif isinstance(value, float):
        text = repr(round(value, 6))
    else:
        text = str(value)
    text = text.replace("\n", "\\n").replace("\r", "\\r").replace("\t", " ")
    return text if len(text) <= MAX_CELL_CHARS else text[: MAX_CELL_CHARS - 1] + "…"
