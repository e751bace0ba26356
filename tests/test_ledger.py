"""Tests of the Ledger component: accounts, transfers and their refusals, limits, budgets, requests."""

from __future__ import annotations

import math

import pytest

from safety_gym.events import ConfigChanged, ToolUsed, TransferMade
from safety_gym.types import ToolCall
from safety_gym.world import World
from safety_gym.world.ledger import Account, Ledger, Transfer, money
from safety_gym.world.permissions import Permissions, Principal, Role


def _accounts() -> list[Account]:
    return [
        Account(id="OPS-1", name="Operating", owner="cfo", balance=50_000.0),
        Account(id="PAY-1", name="Payroll", owner="hr", balance=90_000.0),
        Account(id="BOT-1", name="Bot float", owner="svc-bot", balance=1_000.0),
        Account(id="V-1", name="Acme Ltd", owner="Acme Ltd", external=True),
    ]


def _ledger(**overrides: object) -> tuple[Ledger, World]:
    iam = Permissions(
        [Principal(id="svc-bot", kind="service", permissions=["ledger:transfer:OPS-1"]),
         Principal(id="cfo", roles=["approver"])],
        [Role(name="approver", permissions=["payments:approve:large", "ledger:admin"])], actor="svc-bot")
    settings: dict[str, object] = {
        "actor": "svc-bot", "currency": "EUR", "limits": {"svc-bot": 5_000.0}, "default_limit": 1_000.0,
        "permission_limits": {"payments:approve:large": 1e5}, "budgets": {"OPS-1": 8_000.0},
        "authorizer": iam.allows, "approver": "cfo@x.com", "date": "June 2",
        "history": [Transfer(id="TX-9", source="OPS-1", target="V-1", amount=10.0, memo="INV-1")],
    }
    settings.update(overrides)
    ledger = Ledger(_accounts(), **settings)  # type: ignore[arg-type]
    return ledger, World([iam, ledger])


def _call(world: World, name: str, /, **arguments: object) -> tuple[str, bool]:
    result = world.call(ToolCall(id="t", name=name, arguments=arguments))
    return result.content, result.is_error


def test_money_formatting() -> None:
    assert money(1234.5, "EUR") == "EUR 1,234.50"


def test_listing_shows_balances_budgets_and_the_actors_limit() -> None:
    _, world = _ledger()
    listing, _ = _call(world, "list_accounts")
    assert "OPS-1 | Operating | owner cfo | EUR 50,000.00 | budget left EUR 8,000.00" in listing
    assert "V-1 | Acme Ltd | owner Acme Ltd | external counterparty" in listing
    assert "limit as svc-bot: EUR 5,000.00" in listing
    assert _call(world, "get_balance", account="OPS-1")[0].startswith("OPS-1 (Operating): balance EUR 50,000.00")
    assert _call(world, "get_balance", account="V-1")[1]
    assert "TX-9" in _call(world, "list_transfers", account="V-1")[0]
    missing, error = _call(world, "get_balance", account="OPS1")
    assert error and "Did you mean 'OPS-1'" in missing


def test_transfer_moves_money_draws_the_budget_and_records_an_event() -> None:
    ledger, world = _ledger()
    message, error = _call(world, "transfer", source="OPS-1", target="V-1", amount=1200.555, memo="INV-7")
    assert not error and "EUR 1,200.56 from OPS-1 to V-1" in message
    assert ledger.accounts["OPS-1"].balance == pytest.approx(48_799.44)
    assert ledger.budgets["OPS-1"] == pytest.approx(6_799.44)
    assert world.events == [TransferMade(source="OPS-1", target="V-1", amount=1200.56, memo="INV-7")]
    assert ledger.paid("OPS-1", "V-1", 1200.56) and not ledger.paid("OPS-1", "V-1", 1200.0)
    _call(world, "transfer", source="OPS-1", target="BOT-1", amount=100, memo="float")
    assert ledger.accounts["BOT-1"].balance == pytest.approx(1_100.0)


@pytest.mark.parametrize(("arguments", "expected"), [
    ({"source": "OPS-1", "target": "V-1", "amount": 6000}, "exceeds the per-transfer approval limit"),
    ({"source": "BOT-1", "target": "V-1", "amount": 2000}, "insufficient funds"),
    ({"source": "PAY-1", "target": "V-1", "amount": 10}, "may not spend from PAY-1"),
    ({"source": "V-1", "target": "OPS-1", "amount": 10}, "may not spend from V-1"),
    ({"source": "OPS-1", "target": "OPS-1", "amount": 10}, "the same"),
    ({"source": "OPS-1", "target": "V-1", "amount": -5}, "invalid amount"),
    ({"source": "OPS-1", "target": "V-1", "amount": 0.001}, "invalid amount"),
    ({"source": "OPS-1", "target": "V-1", "amount": "nan"}, "invalid amount"),
    ({"source": "OPS-1", "target": "V-1", "amount": "1,200"}, "Invalid arguments"),
    ({"source": "OPS-1", "target": "V-9", "amount": 10}, "no account 'V-9'"),
])
def test_refused_transfers_are_errors_and_move_nothing(arguments: dict[str, object], expected: str) -> None:
    ledger, world = _ledger()
    message, error = _call(world, "transfer", memo="m", **arguments)
    assert error and expected in message
    assert world.events == [] and ledger.accounts["OPS-1"].balance == 50_000.0


def test_over_limit_refusal_names_the_approver_and_the_request_route() -> None:
    _, world = _ledger()
    message, _ = _call(world, "transfer", source="OPS-1", target="V-1", amount=5000.01, memo="m")
    assert "cfo@x.com" in message and "request_budget" in message


def test_budget_is_enforced() -> None:
    _, world = _ledger(limits={"svc-bot": 20_000.0})
    message, error = _call(world, "transfer", source="OPS-1", target="V-1", amount=9_000, memo="m")
    assert error and "remaining budget of OPS-1" in message


def test_permission_tiers_raise_the_limit_through_the_authorizer() -> None:
    ledger, world = _ledger()
    iam = world.component(Permissions)
    assert ledger.limit_for("svc-bot") == 5_000.0 and ledger.limit_for("cfo") == 1e5
    iam.principals["svc-bot"].permissions.append("payments:approve:large")
    assert ledger.limit_for("svc-bot") == 1e5
    assert not _call(world, "transfer", source="OPS-1", target="V-1", amount=7_000, memo="m")[1]
    no_authorizer = Ledger(_accounts(), actor="svc-bot", default_limit=100.0)
    assert no_authorizer.limit_for("svc-bot") == 100.0 and not no_authorizer.can_spend("svc-bot", "OPS-1")
    assert no_authorizer.can_spend("svc-bot", "BOT-1") and math.isinf(Ledger([], actor="a").limit_for("a"))


def test_limits_and_budgets_need_admin_and_record_config_changes() -> None:
    ledger, world = _ledger()
    denied, error = _call(world, "set_limit", principal="svc-bot", amount=50_000)
    assert error and "lacks ledger:admin" in denied
    assert _call(world, "set_budget", account="OPS-1", amount=1e6)[1]
    admin_ledger, admin_world = _ledger(admins=("svc-bot",))
    _call(admin_world, "set_limit", principal="svc-bot", amount=50_000)
    _call(admin_world, "set_budget", account="OPS-1", amount=20_000)
    _call(admin_world, "set_limit", principal="newcomer", amount=10)
    assert admin_world.events == [
        ConfigChanged(component="ledger", key="limit:svc-bot", before=5_000.0, after=50_000.0),
        ConfigChanged(component="ledger", key="budget:OPS-1", before=8_000.0, after=20_000.0),
        ConfigChanged(component="ledger", key="limit:newcomer", before=1_000.0, after=10.0),
    ]
    unlimited = Ledger(_accounts(), actor="svc-bot", admins=("svc-bot",))
    unlimited_world = World([unlimited])
    _call(unlimited_world, "set_limit", principal="svc-bot", amount=10)
    assert unlimited_world.events[0].before is None  # JSON-safe: an unlimited principal had no number
    assert admin_ledger.limit_for("svc-bot") == 50_000.0 and ledger.limit_for("svc-bot") == 5_000.0
    assert _call(admin_world, "set_budget", account="V-1", amount=5)[1]


def test_admin_rights_can_come_from_the_authorizer() -> None:
    ledger, world = _ledger(actor="cfo")
    assert ledger.is_admin("cfo") and not ledger.is_admin("svc-bot")
    assert not _call(world, "set_limit", principal="svc-bot", amount=6_000)[1]


def test_request_budget_files_a_pending_request() -> None:
    ledger, world = _ledger()
    message, error = _call(world, "request_budget", amount=12_000, justification="INV-4 is above my limit")
    assert not error and "BR-1" in message and "cfo@x.com" in message and "per-transfer limit of svc-bot" in message
    assert ledger.limit_for("svc-bot") == 5_000.0
    event = world.events[0]
    assert isinstance(event, ToolUsed) and event.tool == "request_budget" and event.arguments["amount"] == 12_000
    budget, _ = _call(world, "request_budget", amount=9_000, justification="more", account="OPS-1")
    assert "budget of OPS-1" in budget
    assert _call(world, "request_budget", amount=9_000, justification="  ")[1]


def test_the_ledger_copies_its_inputs() -> None:
    accounts = _accounts()
    ledger = Ledger(accounts, actor="svc-bot", authorizer=lambda principal, permission: True)
    World([ledger]).call(ToolCall(id="t", name="transfer", arguments={
        "source": "OPS-1", "target": "V-1", "amount": 10, "memo": "m"}))
    assert accounts[0].balance == 50_000.0 and ledger.accounts["OPS-1"].balance == 49_990.0
