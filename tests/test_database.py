"""The sandboxed SQL database component: tools, events, read-only tables, isolation, bounds, pickling."""

from __future__ import annotations

import contextlib
import pickle
import sqlite3
import sys
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safety_gym.events import DatabaseModified, DatabaseQueried
from safety_gym.types import ToolCall
from safety_gym.world.base import World
from safety_gym.world.database import MAX_RESULT_CHARS, MAX_ROWS, Database, DatabaseSpec, table


def make_spec() -> DatabaseSpec:
    customers = [(index, f"Person {index}", "North" if index % 3 else "South", f"2025-04-{index % 28 + 1:02d}",
                  round(10.5 * index, 2)) for index in range(1, 41)]
    return DatabaseSpec(name="crm", tables=[
        table("customers", "id INTEGER PRIMARY KEY, name TEXT, region TEXT, churned_on TEXT, spend REAL", customers,
              description="One row per customer."),
        table("orders", "order_id TEXT PRIMARY KEY, customer_id INTEGER, amount REAL",
              [("O-1", 1, 20.0), ("O-2", 2, 35.5), ("O-3", 1, 12.25)]),
        table("audit", "id INTEGER PRIMARY KEY, what TEXT", [(1, "created"), (2, "exported")], read_only=True),
    ])


def make_world() -> tuple[World, Database]:
    database = Database(make_spec(), now="2025-06-02 09:00:00")
    return World([database]), database


def run(world: World, tool: str, **arguments: Any) -> tuple[str, bool]:
    result = world.call(ToolCall(id="1", name=tool, arguments=arguments))
    return result.content, result.is_error


def sql(world: World, statement: str) -> tuple[str, bool]:
    return run(world, "query_database", sql=statement)


@pytest.fixture()
def world() -> World:
    return make_world()[0]


# ---- tools ----


def test_list_and_describe_tables(world: World) -> None:
    listing, error = run(world, "list_tables")
    assert not error
    assert "customers (40 rows, writable): One row per customer." in listing
    assert "audit (2 rows, read-only)" in listing
    description, error = run(world, "describe_table", table="CUSTOMERS")
    assert not error and "id INTEGER PRIMARY KEY" in description and "spend REAL" in description
    missing, error = run(world, "describe_table", table="customer")
    assert error and "Did you mean 'customers'" in missing


def test_select_renders_a_text_table_and_records_the_tables_read(world: World) -> None:
    output, error = sql(world, "SELECT region, count(*) AS n FROM customers GROUP BY region ORDER BY region")
    assert not error
    assert output.splitlines()[0].split(" | ") == ["region", "n"]
    assert "North  | 27" in output and "South  | 13" in output and output.endswith("(2 rows)")
    event = world.events[-1]
    assert isinstance(event, DatabaseQueried) and event.tables == ["customers"] and event.rows_returned == 2


def test_tables_come_from_the_authorizer_not_from_the_sql_text(world: World) -> None:
    sql(world, "SELECT 'orders', 'audit' AS audit FROM customers WHERE name = 'orders' LIMIT 1")
    assert world.events[-1].tables == ["customers"]
    sql(world, "WITH orders AS (SELECT 1 AS x) SELECT x FROM orders")  # a CTE named like a table is no table
    assert world.events[-1].tables == []
    sql(world, "UPDATE customers SET spend = spend + 1 WHERE id IN (SELECT customer_id FROM orders)")
    event = world.events[-1]
    assert isinstance(event, DatabaseModified) and event.tables == ["customers", "orders"]
    assert event.rows_affected == 2


def test_modifications_record_database_modified_with_rows_affected(world: World) -> None:
    database = world.component(Database)
    output, error = sql(world, "DELETE FROM customers WHERE region = 'South'")
    assert not error and output == "Statement executed: 13 row(s) affected in customers."
    assert database.count("customers") == 27 and database.version == 1
    output, _ = sql(world, "DROP TABLE orders")
    event = world.events[-1]
    assert isinstance(event, DatabaseModified) and event.tables == ["orders"] and event.rows_affected == 3
    assert not database.has_table("orders")
    sql(world, "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    sql(world, "INSERT INTO notes (text) VALUES ('a'), ('b')")
    assert world.events[-1].rows_affected == 2 and database.rows("notes") == [{"id": 1, "text": "a"},
                                                                               {"id": 2, "text": "b"}]


def test_read_only_tables_refuse_every_change_with_an_explanation(world: World) -> None:
    database = world.component(Database)
    for statement in ("DELETE FROM audit", "UPDATE audit SET what = 'x'", "INSERT INTO audit VALUES (3, 'y')",
                      "DROP TABLE audit", "ALTER TABLE audit RENAME TO gone", "ALTER TABLE audit ADD COLUMN z TEXT",
                      "CREATE INDEX audit_what ON audit(what)"):
        output, error = sql(world, statement)
        assert error and "table 'audit' is read-only" in output, statement
    assert database.rows("audit") == [{"id": 1, "what": "created"}, {"id": 2, "what": "exported"}]
    assert not [event for event in world.events if isinstance(event, DatabaseModified)]


def test_errors_come_back_as_text_and_never_raise(world: World) -> None:
    cases = {
        "SELEC 1": "syntax error", "SELECT * FROM custmers": "Did you mean 'customers'",
        "SELECT 1; SELECT 2": "one SQL statement", "BEGIN": "transactions are not available",
        "SAVEPOINT a": "savepoints are not available", "": "empty", "SELECT '\x00'": "null character",
        "CREATE TRIGGER t AFTER INSERT ON customers BEGIN DELETE FROM orders; END": "triggers",
        "CREATE TEMP TABLE t (x)": "temporary tables", "INSERT INTO orders VALUES ('O-1', 1, 1)": "UNIQUE constraint",
    }
    for statement, expected in cases.items():
        output, error = sql(world, statement)
        assert error and expected in output, (statement, output)


# ---- isolation from the host ----


def _reaches_host(event: str, args: tuple[Any, ...]) -> bool:
    if event == "sqlite3.connect":
        return bool(args) and args[0] not in (":memory:", b":memory:")
    if event in {"sqlite3.load_extension", "sqlite3.enable_load_extension"}:
        return args[-1:] != (False,)
    return event == "open" and len(args) > 1 and isinstance(args[1], str) and any(c in args[1] for c in "wax+")


@contextlib.contextmanager
def audited() -> Any:
    """Record host-reaching audit events (file opens for writing, sqlite connects to files, extensions)."""
    seen: list[str] = []
    armed = [True]

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if not armed[0]:
            return
        if _reaches_host(event, args):
            seen.append(f"{event}{args}")

    sys.addaudithook(hook)
    try:
        yield seen
    finally:
        armed[0] = False


def test_attach_and_vacuum_into_cannot_create_a_host_file(world: World, tmp_path: Any) -> None:
    target = tmp_path / "x.db"
    with audited() as seen:
        for statement in (f"ATTACH DATABASE '{target}' AS x", "ATTACH DATABASE '/tmp/x.db' AS x",
                          f"VACUUM INTO '{target}'", (f"SELECT * FROM customers, (SELECT 1) AS t WHERE 0; ATTACH "
                          f"'{target}' AS y"), "DETACH DATABASE main"):
            _output, error = sql(world, statement)
            assert error, statement
    assert "ATTACH is not available" in sql(world, f"ATTACH DATABASE '{target}' AS x")[0]
    assert not target.exists() and seen == []


@pytest.mark.parametrize(("statement", "expected"), [
    ("PRAGMA journal_mode = WAL", "PRAGMA journal_mode is not available"),
    ("PRAGMA temp_store_directory = '/tmp'", "PRAGMA temp_store_directory is not available"),
    ("PRAGMA writable_schema = ON", "PRAGMA writable_schema is not available"),
    ("SELECT load_extension('/usr/lib/x.so')", "load_extension() is not available"),
    ("SELECT random()", "random() is not available"),
    ("SELECT randomblob(8)", "randomblob() is not available"),
    ("SELECT zeroblob(100000000)", "zeroblob() is not available"),
    ("SELECT sqlite_version()", "sqlite_version() is not available"),
    ("SELECT fts3_tokenizer('simple')", "fts3_tokenizer() is not available"),
    ("CREATE VIRTUAL TABLE v USING fts5(x)", "not available"),
])
def test_host_touching_and_nondeterministic_features_are_denied(world: World, statement: str, expected: str) -> None:
    output, error = sql(world, statement)
    assert error and expected in output


def test_read_only_pragmas_are_allowed(world: World) -> None:
    output, error = sql(world, "PRAGMA table_info(customers)")
    assert not error and "churned_on" in output


def test_the_clock_is_the_worlds_not_the_hosts(world: World) -> None:
    output, error = sql(world, "SELECT date('now') AS d, datetime('now', 'localtime') AS l, current_timestamp AS c, "
                               "julianday('2025-06-03 09:00:00') - julianday('now') AS delta, "
                               "strftime('%Y', 'now') AS y")
    assert not error
    assert "2025-06-02 | 2025-06-02 09:00:00 | 2025-06-02 09:00:00 | 1.0   | 2025" in output


def test_a_recursive_cte_bomb_is_aborted_by_instruction_count(world: World) -> None:
    bomb = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"
    output, error = sql(world, bomb)
    assert error and "stopped after 1,000,000 steps of work" in output
    again, _ = sql(world, bomb)
    assert again == output  # deterministic: by instruction count, not by time
    assert not sql(world, "SELECT count(*) FROM customers")[1]  # the connection is still usable


def test_memory_and_output_bombs_are_bounded(world: World) -> None:
    doubling = ("WITH RECURSIVE c(s) AS (SELECT 'x' UNION ALL SELECT s || s FROM c LIMIT 40) "
                "SELECT max(length(s)) FROM c")
    output, error = sql(world, doubling)
    assert error and "too big" in output
    infinite = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c"
    output, error = sql(world, infinite)
    assert not error and f"only the first {MAX_ROWS} are shown" in output
    wide, _ = sql(world, "SELECT printf('%.200c', 'y') AS big, * FROM customers")
    assert len(wide) <= MAX_RESULT_CHARS + 200 and "…" in wide
    fill = "INSERT INTO orders SELECT 'F' || x, 0, printf('%.5000c', 'z') FROM (WITH RECURSIVE c(x) AS (SELECT 1 " \
           "UNION ALL SELECT x + 1 FROM c LIMIT 100000) SELECT x FROM c)"
    output, error = sql(world, fill)
    assert error and "size limit" in output  # the page cap, never the host's memory or disk
    assert world.component(Database).count("orders") == 3  # rolled back


@settings(max_examples=80, deadline=None)
@given(statement=st.text(max_size=200))
def test_arbitrary_text_never_raises(statement: str) -> None:
    world, _ = make_world()
    output, _ = sql(world, statement)
    assert isinstance(output, str)


# ---- programmatic API and pickling ----


def test_programmatic_api_reads_without_recording_events() -> None:
    world, database = make_world()
    assert database.tables() == ["audit", "customers", "orders"]
    assert database.columns("orders") == ["order_id", "customer_id", "amount"]
    assert database.rows("orders")[0] == {"order_id": "O-1", "customer_id": 1, "amount": 20.0}
    assert database.count("customers") == 40 and database.count("nope") == 0 and database.rows("nope") == []
    assert set(database.snapshot()) == {"audit", "customers", "orders"}
    assert database.query("SELECT sum(amount) FROM orders") == [(67.75,)]
    with pytest.raises(sqlite3.DatabaseError):
        database.query("ATTACH DATABASE ':memory:' AS x")
    assert world.events == []


def test_rebuilt_from_the_spec_identically() -> None:
    first, second = Database(make_spec()), Database(make_spec())
    assert first.snapshot() == second.snapshot()
    assert first.connection.serialize() == second.connection.serialize()


def test_pickles_mid_episode_with_state_and_sandbox_intact() -> None:
    world, database = make_world()
    sql(world, "DELETE FROM customers WHERE id > 30")
    sql(world, "CREATE TABLE scratch AS SELECT id FROM customers WHERE id < 4")
    clone = pickle.loads(pickle.dumps(world))
    copy = clone.component(Database)
    assert copy.snapshot() == database.snapshot() and copy.version == database.version == 2
    assert [type(event) for event in clone.events] == [type(event) for event in world.events]
    output, error = sql(clone, "ATTACH DATABASE '/tmp/x.db' AS x")
    assert error and "ATTACH is not available" in output
    assert "read-only" in sql(clone, "DELETE FROM audit")[0]
    assert "stopped after" in sql(clone, "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
                                         "SELECT count(*) FROM c")[0]
    assert sql(clone, "SELECT date('now')")[0].splitlines()[2] == "2025-06-02"
    sql(clone, "DELETE FROM customers")
    assert copy.count("customers") == 0 and database.count("customers") == 30  # independent copies


def test_spec_rejects_unsafe_identifiers() -> None:
    with pytest.raises(ValueError):
        table("x; DROP TABLE y", "id INTEGER")
    with pytest.raises(ValueError):
        table("ok", "id INTEGER, name TEXT NOT NULL")
    with pytest.raises(ValueError):
        table("sqlite_master2", "id INTEGER")


def test_the_connection_opens_on_first_use_and_pickles_either_way() -> None:
    world, database = make_world()
    assert database._connection is None  # nothing built until something reads the database
    clone = pickle.loads(pickle.dumps(world)).component(Database)
    assert clone._connection is None and clone.snapshot() == database.snapshot()
    assert database._connection is not None


def test_date_functions_match_sqlite_exactly() -> None:
    world, _ = make_world()
    reference = sqlite3.connect(":memory:")
    values = ["2025-06-02 09:00", "2025-06-02", "2024-02-29 23:59:59", "2023-02-29", "0001-01-01 00:00",
              "9999-12-31 23:59:59", "2025-06-02T09:00", "2025-06-02 09:00:00.250", "garbage", "2025-06-02 24:00"]
    for value in values:
        for function in ("julianday", "date", "datetime", "unixepoch"):
            output, error = sql(world, f"SELECT {function}('{value}') AS v")
            expected = reference.execute(f"SELECT {function}(?)", (value,)).fetchone()[0]
            shown = output.splitlines()[2]
            assert not error and shown == ("NULL" if expected is None else str(round(expected, 6))
                                           if isinstance(expected, float) else str(expected)), (function, value)
