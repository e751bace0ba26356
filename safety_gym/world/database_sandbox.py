"""The sandbox of the world database: what SQLite may do for the agent, bounded and deterministic.

:class:`Sandbox` holds the callbacks installed on the connection: an authorizer that admits only an
allow-list of actions (and records the tables an agent statement touches), a progress handler that
aborts a statement after a fixed number of virtual-machine instructions, and date functions that
read the world's clock. :func:`open_connection` creates the locked-down in-memory connection.
"""

from __future__ import annotations

import datetime
import functools
import re
import sqlite3
import threading
from collections.abc import Callable, Sequence
from typing import Any

from safety_gym.world.database_spec import INTERNAL_TABLE, DatabaseSpec

__all__ = ["MAX_PAGES", "MAX_SQL_CHARS", "Sandbox", "Statement", "open_connection", "populate"]

MAX_SQL_CHARS = 20_000
PROGRESS_PERIOD = 1000
MAX_VALUE_BYTES = 1_000_000
MAX_PAGES = 4096  # 16 MiB with 4 KiB pages

_A = sqlite3
_ALWAYS_ALLOWED = {_A.SQLITE_SELECT, _A.SQLITE_READ, _A.SQLITE_REINDEX, getattr(_A, "SQLITE_RECURSIVE", 33)}
_TABLE_WRITES = {_A.SQLITE_INSERT: "insert into", _A.SQLITE_UPDATE: "update", _A.SQLITE_DELETE: "delete from"}
_DDL = {
    _A.SQLITE_CREATE_TABLE: "create", _A.SQLITE_CREATE_INDEX: "index", _A.SQLITE_CREATE_VIEW: "create",
    _A.SQLITE_DROP_TABLE: "drop", _A.SQLITE_DROP_INDEX: "index", _A.SQLITE_DROP_VIEW: "drop",
    _A.SQLITE_ALTER_TABLE: "alter",
}
_MODIFYING = set(_TABLE_WRITES) | set(_DDL)
_TOUCHING = _MODIFYING | {_A.SQLITE_READ}
_TARGET_IN_ARG2 = {_A.SQLITE_ALTER_TABLE, _A.SQLITE_CREATE_INDEX, _A.SQLITE_DROP_INDEX}
_HAS_SETLIMIT = hasattr(sqlite3.Connection, "setlimit")
_INTERNAL_FUNCTIONS = frozenset({"sqlite_rename_table", "sqlite_rename_test", "sqlite_rename_column",
                                 "sqlite_drop_column", "sqlite_rename_quotefix"})
_DENIED = {
    _A.SQLITE_ATTACH: "ATTACH is not available: this database is self-contained and cannot open files",
    _A.SQLITE_DETACH: "DETACH is not available: this database is self-contained",
    _A.SQLITE_TRANSACTION: "explicit transactions are not available: every statement is committed on its own",
    _A.SQLITE_SAVEPOINT: "savepoints are not available: every statement is committed on its own",
    _A.SQLITE_CREATE_TRIGGER: "triggers are not available in this database",
    _A.SQLITE_CREATE_TEMP_TRIGGER: "triggers are not available in this database",
    _A.SQLITE_CREATE_VTABLE: "virtual tables are not available in this database",
    _A.SQLITE_CREATE_TEMP_TABLE: "temporary tables are not available; use a CTE (WITH ...) instead",
    _A.SQLITE_CREATE_TEMP_VIEW: "temporary views are not available; use a CTE (WITH ...) instead",
    _A.SQLITE_CREATE_TEMP_INDEX: "temporary indexes are not available",
}
_READ_ONLY_PRAGMAS = frozenset({"table_info", "table_xinfo", "index_list", "index_info", "index_xinfo",
                                "foreign_key_list"})
_TIME_FUNCTIONS = ("date", "time", "datetime", "julianday", "unixepoch", "strftime", "timediff")
_CLOCK_KEYWORDS = {"current_date": "date", "current_time": "time", "current_timestamp": "datetime"}
_HOST_DEPENDENT_MODIFIERS = frozenset({"localtime", "utc"})
_AMPLIFYING_FUNCTIONS = frozenset({"printf", "format", "replace", "char", "concat", "concat_ws"})
_ALLOWED_FUNCTIONS = frozenset({
    # scalar
    "abs", "char", "coalesce", "concat", "concat_ws", "format", "glob", "hex", "ifnull", "iif", "instr", "length",
    "like", "likelihood", "likely", "lower", "ltrim", "max", "min", "nullif", "octet_length", "printf", "quote",
    "replace", "round", "rtrim", "sign", "soundex", "substr", "substring", "trim", "typeof", "unhex", "unicode",
    "unlikely", "upper", "changes", "last_insert_rowid", "total_changes",
    # aggregate and window
    "avg", "count", "group_concat", "string_agg", "sum", "total", "row_number", "rank", "dense_rank",
    "percent_rank", "cume_dist", "ntile", "lag", "lead", "first_value", "last_value", "nth_value",
    # math
    "acos", "acosh", "asin", "asinh", "atan", "atan2", "atanh", "ceil", "ceiling", "cos", "cosh", "degrees", "exp",
    "floor", "ln", "log", "log10", "log2", "mod", "pi", "pow", "power", "radians", "sin", "sinh", "sqrt", "tan",
    "tanh", "trunc",
    # json
    "json", "json_array", "json_array_length", "json_extract", "json_insert", "json_object", "json_patch",
    "json_remove", "json_replace", "json_set", "json_type", "json_valid", "json_quote", "json_group_array",
    "json_group_object",
    # the deterministic clock (see Sandbox.clock)
    *_TIME_FUNCTIONS, *_CLOCK_KEYWORDS,
})


class _Calculator(threading.local):
    """A private, empty connection per thread that evaluates SQLite's own date arithmetic."""

    connection: sqlite3.Connection | None = None

    def evaluate(self, function: str, arguments: Sequence[Any]) -> Any:
        if self.connection is None:
            self.connection = sqlite3.connect(":memory:", check_same_thread=True)
        placeholders = ", ".join("?" for _ in arguments)
        return self.connection.execute(f"SELECT {function}({placeholders})", tuple(arguments)).fetchone()[0]


_CALCULATOR = _Calculator()
_ISO_TIME = re.compile(r"(\d{4})-(\d\d)-(\d\d)(?: (\d\d):(\d\d)(?::(\d\d))?)?")
_JD_OF_ORDINAL_ZERO_MS = 148_731_076_800_000  # julian day of 0000-12-31 00:00 (ordinal 0), in milliseconds


@functools.lru_cache(maxsize=8192)
def _date_function(function: str, arguments: tuple[Any, ...]) -> Any:
    """SQLite's own `function(*arguments)`, computed once per distinct call (checks re-read the same rows)."""
    if function == "julianday" and len(arguments) == 1 and isinstance(arguments[0], str):
        match = _ISO_TIME.fullmatch(arguments[0])
        if match:  # the common case, exactly as SQLite computes it: integer milliseconds / 86400000.0
            year, month, day, hour, minute, second = (int(part or 0) for part in match.groups())
            try:
                ordinal = datetime.date(year, month, day).toordinal()
            except ValueError:
                return _CALCULATOR.evaluate(function, arguments)
            if hour < 24 and minute < 60 and second < 60:
                milliseconds = ((hour * 60 + minute) * 60 + second) * 1000
                return (_JD_OF_ORDINAL_ZERO_MS + ordinal * 86_400_000 + milliseconds) / 86_400_000.0
    return _CALCULATOR.evaluate(function, arguments)


@functools.lru_cache(maxsize=256)
def schema_image(ddl: tuple[str, ...]) -> bytes | None:
    """The serialized image of an empty database with this schema (None where serialize is missing)."""
    connection = sqlite3.connect(":memory:", isolation_level=None)
    if not hasattr(connection, "serialize"):
        return None
    connection.executescript("BEGIN;" + ";".join(ddl) + ";COMMIT;")
    image = connection.serialize()
    connection.close()
    return image


class Statement:
    """What the authorizer saw while one agent statement was prepared."""

    def __init__(self) -> None:
        self.actions: list[tuple[int, str]] = []
        self.denial: str | None = None

    def touched(self) -> list[str]:
        return sorted({name for _action, name in self.actions})

    def modifying(self) -> list[tuple[int, str]]:
        return [(action, name) for action, name in self.actions if action in _MODIFYING]

    def changes_schema(self) -> bool:
        """Whether the statement creates, drops or alters anything (ALTER ... RENAME TO hides the new name)."""
        return any(action in _DDL for action, _name in self.actions)


class Sandbox:
    """The connection's callbacks: the authorizer, the instruction budget and the world's clock.

    Kept apart from :class:`Database` so that the connection does not reference the component
    (no reference cycle: a finished episode's database is freed as soon as it is dropped).
    """

    def __init__(self, read_only: frozenset[str], now: str, max_instructions: int) -> None:
        self.read_only = read_only
        self.now = now
        self.max_instructions = max_instructions
        self.statement: Statement | None = None
        self.budget = max_instructions

    def install(self, connection: sqlite3.Connection) -> None:
        for function in _TIME_FUNCTIONS:
            connection.create_function(function, -1, functools.partial(self.clock, function), deterministic=True)
        for keyword, function in _CLOCK_KEYWORDS.items():
            connection.create_function(keyword, 0, functools.partial(self.clock, function, "now"))
        connection.set_authorizer(self.authorize)
        connection.set_progress_handler(self.progress, PROGRESS_PERIOD)

    def start(self, statement: Statement | None) -> None:
        """Reset the instruction budget, and note what `statement` (an agent's) touches."""
        self.statement = statement
        self.budget = self.max_instructions

    def clock(self, function: str, *arguments: Any) -> Any:
        """SQLite's date function `function`, with 'now' read from the world and host-dependent modifiers dropped."""
        values = [self.now if isinstance(a, str) and a.strip().lower() == "now" else a for a in arguments]
        values = [a for a in values if not (isinstance(a, str) and a.strip().lower() in _HOST_DEPENDENT_MODIFIERS)]
        try:
            return _date_function(function, tuple(values))
        except TypeError:  # an unhashable argument (cannot happen with SQLite values, but stay total)
            return _CALCULATOR.evaluate(function, values)

    def progress(self) -> int:
        """Called every PROGRESS_PERIOD VM instructions: abort the statement when its budget is spent."""
        self.budget -= PROGRESS_PERIOD
        return 1 if self.budget < 0 else 0

    def authorize(
        self, action: int, arg1: str | None, arg2: str | None, database: str | None, _source: str | None
    ) -> int:
        """SQLite's authorizer: allow-list the action, and note the tables an agent statement touches."""
        reason = self._denial(action, arg1, arg2)
        statement = self.statement
        if reason is not None:
            if statement is not None and statement.denial is None:
                statement.denial = reason
            return sqlite3.SQLITE_DENY
        if statement is not None and action in _TOUCHING and (database == "main" or action == _A.SQLITE_ALTER_TABLE):
            name = arg2 if action in _TARGET_IN_ARG2 else arg1
            if name and not INTERNAL_TABLE.match(name):
                statement.actions.append((action, name))
        return sqlite3.SQLITE_OK

    def _denial(self, action: int, arg1: str | None, arg2: str | None) -> str | None:
        if action in _ALWAYS_ALLOWED:
            return None
        if action in _TABLE_WRITES or action in _DDL:
            target = arg2 if action in _TARGET_IN_ARG2 else arg1
            if target in self.read_only:
                verb = _TABLE_WRITES.get(action) or _DDL[action]
                return f"table '{target}' is read-only: you may query it but not {verb} it"
            return None
        if action == _A.SQLITE_PRAGMA:
            if (arg1 or "").lower() in _READ_ONLY_PRAGMAS:
                return None
            allowed = ", ".join(sorted(_READ_ONLY_PRAGMAS))
            return f"PRAGMA {arg1} is not available; the read-only schema pragmas are: {allowed}"
        if action == _A.SQLITE_FUNCTION:
            function = (arg2 or "").lower()
            if function in _ALLOWED_FUNCTIONS and (_HAS_SETLIMIT or function not in _AMPLIFYING_FUNCTIONS):
                return None
            if function in _INTERNAL_FUNCTIONS:  # called by SQLite itself (ALTER TABLE); not callable from SQL
                return None
            return f"the SQL function {function}() is not available in this database"
        return _DENIED.get(action, f"this kind of statement is not available (SQLite action code {action})")


def open_connection(sandbox: Sandbox, fill: Callable[[sqlite3.Connection], None]) -> sqlite3.Connection:
    """A fresh in-memory connection, filled by `fill`, then locked down by `sandbox`."""
    connection = sqlite3.connect(":memory:", isolation_level=None, cached_statements=0, check_same_thread=False)
    if hasattr(connection, "enable_load_extension"):
        connection.enable_load_extension(False)
    fill(connection)
    connection.execute("PRAGMA temp_store = MEMORY")
    connection.execute(f"PRAGMA max_page_count = {MAX_PAGES}")
    if _HAS_SETLIMIT:
        connection.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
        connection.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
        connection.setlimit(sqlite3.SQLITE_LIMIT_SQL_LENGTH, MAX_SQL_CHARS * 4)
    sandbox.install(connection)
    return connection


def populate(connection: sqlite3.Connection, spec: DatabaseSpec) -> None:
    ddl = tuple(table_spec.ddl() for table_spec in spec.tables)
    image = schema_image(ddl)
    if image is not None:
        connection.deserialize(image)
        connection.execute("BEGIN")
    else:  # pragma: no cover - SQLite builds without sqlite3_serialize
        connection.execute("BEGIN")
        for statement in ddl:
            connection.execute(statement)
    for table_spec in spec.tables:
        if table_spec.rows:
            marks = ", ".join("?" for _ in table_spec.columns)
            connection.executemany(f"INSERT INTO {table_spec.name} VALUES ({marks})", table_spec.rows)
    connection.execute("COMMIT")
