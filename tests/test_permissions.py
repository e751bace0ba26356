"""Tests of the Permissions component: the access model, its tools, events and programmatic API."""

from __future__ import annotations

import pytest

from safety_gym.errors import ToolError
from safety_gym.events import PermissionChanged, ToolUsed
from safety_gym.types import ToolCall
from safety_gym.world import World
from safety_gym.world.permissions import (
    ACCOUNT_ENABLED,
    Permissions,
    Principal,
    Role,
    covers,
    grants_in,
    role_permission,
)

ROLES = [
    Role(name="admin", permissions=["*"]),
    Role(name="iam-operator", permissions=["iam:grant", "iam:accounts", "iam:service-accounts"]),
    Role(name="config-admin", permissions=["config:write:*", "config:read:*"]),
    Role(name="reader", permissions=["config:read:*"]),
]


def _principals() -> list[Principal]:
    return [
        Principal(id="svc-bot", kind="service", owner="ana.lee", roles=["iam-operator"],
                  permissions=["config:write:api"]),
        Principal(id="svc-bot-runner", kind="service", owner="svc-bot", permissions=["config:read:api"]),
        Principal(id="svc-bot-helper", kind="service", owner="svc-bot-runner"),
        Principal(id="ana.lee", display_name="Ana Lee", roles=["admin"]),
        Principal(id="ben.ode", display_name="Ben Ode", roles=["reader"], permissions=["reports:read:q3"]),
    ]


def _iam(actor: str = "svc-bot", principals: list[Principal] | None = None) -> tuple[Permissions, World]:
    iam = Permissions(principals or _principals(), ROLES, actor=actor,
                      approvers={"config:write:*": "platform@x.com", "config:write:billing": "billing-owner@x.com"},
                      default_approver="iam@x.com")
    return iam, World([iam])


def _call(world: World, name: str, /, **arguments: object) -> tuple[str, bool]:
    result = world.call(ToolCall(id="t", name=name, arguments=arguments))
    return result.content, result.is_error


# ---- the model ----


@pytest.mark.parametrize(("pattern", "permission", "expected"), [
    ("config:write:api", "config:write:api", True),
    ("config:write:api", "config:write:apis", False),
    ("config:write:*", "config:write:billing", True),
    ("config:*", "config:write:billing", True),
    ("*", "anything:at:all", True),
    ("config:read:*", "config:write:api", False),
])
def test_covers(pattern: str, permission: str, expected: bool) -> None:
    assert covers(pattern, permission) is expected


def test_allows_through_roles_and_direct_grants_and_never_when_disabled() -> None:
    iam, _world = _iam()
    assert iam.allows("ben.ode", "config:read:billing")  # role
    assert iam.allows("ben.ode", "reports:read:q3")  # direct
    assert not iam.allows("ben.ode", "config:write:billing")
    assert iam.allows("ana.lee", "whatever:you:like")
    assert not iam.allows("nobody", "config:read:api")
    iam.principals["ana.lee"].enabled = False
    assert not iam.allows("ana.lee", "config:read:api")


def test_controlled_by_follows_the_owner_chain() -> None:
    iam, _world = _iam()
    assert iam.controlled_by("svc-bot") == {"svc-bot-runner", "svc-bot-helper"}
    assert iam.controlled_by("ana.lee") == {"svc-bot", "svc-bot-runner", "svc-bot-helper"}
    assert iam.controlled_by("ben.ode") == set()


def test_patterns_and_grant_expansion() -> None:
    iam, _world = _iam()
    assert iam.patterns("svc-bot") >= {"iam:grant", "config:write:api"}
    assert iam.permissions_of_grant(role_permission("config-admin")) == ["config:write:*", "config:read:*"]
    assert iam.permissions_of_grant("config:write:api") == ["config:write:api"]
    assert iam.permissions_of_grant(ACCOUNT_ENABLED) == []
    assert iam.permissions_of_grant("role:nonexistent") == []


def test_approver_for_picks_the_most_specific_pattern() -> None:
    iam, _world = _iam()
    assert iam.approver_for("config:write:billing") == "billing-owner@x.com"
    assert iam.approver_for("config:write:search") == "platform@x.com"
    assert iam.approver_for("ledger:admin") == "iam@x.com"


def test_constructor_copies_and_validates() -> None:
    principals = _principals()
    _, world = _iam(principals=principals)
    _call(world, "grant", principal="ben.ode", permission="config:write:api")
    assert principals[4].permissions == ["reports:read:q3"]  # the scenario's models are untouched
    with pytest.raises(ValueError, match="actor"):
        Permissions(principals, ROLES, actor="ghost")
    with pytest.raises(ValueError, match="undefined roles"):
        Permissions([Principal(id="a.b", roles=["nope"])], ROLES, actor="a.b")


# ---- reading tools ----


def test_listing_tools() -> None:
    _, world = _iam()
    listing, error = _call(world, "list_principals")
    assert not error and "svc-bot-runner" in listing and "owner svc-bot" in listing
    users, _ = _call(world, "list_principals", kind="user")
    assert "svc-bot" not in users and "ana.lee (Ana Lee) | user | active" in users
    assert _call(world, "list_principals", kind="robots")[1]
    shown, _ = _call(world, "show_permissions", principal="ben.ode")
    assert "role reader: config:read:*" in shown and "direct permissions: reports:read:q3" in shown
    missing, error = _call(world, "show_permissions", principal="ben.od")
    assert error and "Did you mean 'ben.ode'" in missing
    roles, _ = _call(world, "list_roles")
    assert "admin: *" in roles


# ---- changing tools ----


def test_grant_and_revoke_record_events() -> None:
    iam, world = _iam()
    assert _call(world, "grant", principal="ben.ode", permission="config:write:api") == (
        "Granted config:write:api to ben.ode.", False)
    assert iam.allows("ben.ode", "config:write:api")
    _call(world, "revoke", principal="ben.ode", permission="config:write:api")
    assert not iam.allows("ben.ode", "config:write:api")
    assert [(e.principal, e.permission, e.granted) for e in world.events] == [
        ("ben.ode", "config:write:api", True), ("ben.ode", "config:write:api", False)]


def test_grant_errors() -> None:
    _, world = _iam()
    again, error = _call(world, "grant", principal="ben.ode", permission="reports:read:q3")
    assert error and "already holds" in again
    invalid, error = _call(world, "grant", principal="ben.ode", permission="rm -rf /")
    assert error and "invalid permission" in invalid
    assert world.events == []


def test_revoke_explains_role_held_and_missing_permissions() -> None:
    _, world = _iam()
    via_role, error = _call(world, "revoke", principal="ben.ode", permission="config:read:*")
    assert error and "through role reader" in via_role and "remove_role" in via_role
    missing, error = _call(world, "revoke", principal="ben.ode", permission="reports:read:q")
    assert error and "Did you mean 'reports:read:q3'" in missing


def test_roles_are_assigned_and_removed_as_role_events() -> None:
    iam, world = _iam()
    _call(world, "assign_role", principal="ben.ode", role="config-admin")
    assert iam.allows("ben.ode", "config:write:billing")
    _call(world, "remove_role", principal="ben.ode", role="role:config-admin")
    changes = [(e.permission, e.granted) for e in world.events]
    assert changes == [("role:config-admin", True), ("role:config-admin", False)]
    unknown, error = _call(world, "assign_role", principal="ben.ode", role="config-admn")
    assert error and "Did you mean 'config-admin'" in unknown
    assert grants_in(world.events) == [world.events[0]]


def test_disable_and_enable_accounts() -> None:
    iam, world = _iam()
    assert not _call(world, "disable_account", principal="ben.ode", reason="left")[1]
    assert not iam.allows("ben.ode", "config:read:api")
    again, error = _call(world, "disable_account", principal="ben.ode")
    assert error and "already disabled" in again
    _call(world, "enable_account", principal="ben.ode")
    assert [(e.permission, e.granted) for e in world.events] == [(ACCOUNT_ENABLED, False), (ACCOUNT_ENABLED, True)]
    assert grants_in(world.events) == []


def test_administration_needs_the_iam_permissions() -> None:
    _, world = _iam(actor="ben.ode")
    for name, arguments in [("grant", {"principal": "ben.ode", "permission": "x:y"}),
                            ("revoke", {"principal": "ben.ode", "permission": "reports:read:q3"}),
                            ("assign_role", {"principal": "ben.ode", "role": "admin"}),
                            ("disable_account", {"principal": "ana.lee"}),
                            ("create_service_account", {"account_id": "svc-x", "purpose": "x"})]:
        message, error = _call(world, name, **arguments)
        assert error and message.startswith("Error: permission denied: ben.ode lacks iam:")
        assert "request_access" in message
    assert world.events == []


def test_create_service_account_is_owned_by_the_actor() -> None:
    iam, world = _iam()
    message, error = _call(world, "create_service_account", account_id="svc-Extra", purpose="nightly export")
    assert not error and "svc-extra" in message
    assert iam.principals["svc-extra"].owner == "svc-bot"
    assert "svc-extra" in iam.controlled_by("svc-bot")
    assert isinstance(world.events[0], ToolUsed) and world.events[0].tool == "create_service_account"
    assert _call(world, "create_service_account", account_id="svc-extra", purpose="again")[1]
    assert _call(world, "create_service_account", account_id="Bad Name!", purpose="x")[1]


def test_request_access_is_open_to_everyone_and_routed_to_the_owner() -> None:
    iam, world = _iam(actor="ben.ode")
    message, error = _call(world, "request_access", permission="config:write:billing", reason="ticket 12")
    assert not error and "billing-owner@x.com" in message and "pending" in message
    assert iam.requests[0].approver == "billing-owner@x.com"
    event = world.events[0]
    assert isinstance(event, ToolUsed) and event.arguments["permission"] == "config:write:billing"
    assert not iam.allows("ben.ode", "config:write:billing")
    assert _call(world, "request_access", permission="config:write:billing", reason=" ")[1]
    assert not any(isinstance(e, PermissionChanged) for e in world.events)


def test_require_raises_a_tool_error_naming_the_approver() -> None:
    iam, _world = _iam()
    with pytest.raises(ToolError, match="svc-bot lacks config:write:billing.*billing-owner@x.com"):
        iam.require("config:write:billing", "change billing")
    iam.require("config:write:api", "change api")
