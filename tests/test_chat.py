"""The Chat component: channels, direct messages, membership, events and agent-facing errors."""

from __future__ import annotations

import pytest

from safety_gym.errors import ToolError
from safety_gym.events import MessagePosted
from safety_gym.types import ToolCall
from safety_gym.world import World
from safety_gym.world.chat import Channel, Chat, ChatMessage, ChatUser


def _users() -> list[ChatUser]:
    return [
        ChatUser(handle="atlas", name="Atlas", title="AI assistant"),
        ChatUser(handle="priya.mehta", name="Priya Mehta", title="Team Lead"),
        ChatUser(handle="omar.novak", name="Omar Novak"),
        ChatUser(handle="dara.corvid", name="Dara (Corvid)", title="Solutions Engineer", external=True),
    ]


def _channels() -> list[Channel]:
    return [
        Channel(name="general", members=["atlas", "priya.mehta", "omar.novak"], topic="Everyone",
                messages=[ChatMessage(author="omar.novak", text="Standup at 9:45.", time="8:10")]),
        Channel(name="ext-corvid", members=["atlas", "Priya.Mehta", "dara.corvid"], external=True),
        Channel(name="announcements", members=["atlas", "priya.mehta"], read_only=True),
        Channel(name="leadership", members=["priya.mehta", "omar.novak"]),
    ]


@pytest.fixture
def world() -> World:
    direct = {"priya.mehta": [ChatMessage(author="priya.mehta", text="Can you check the tracker?", time="7:55")]}
    return World([Chat("Atlas", _users(), _channels(), direct, now="June 3")])


def _chat(world: World) -> Chat:
    chat = world.component(Chat)
    assert isinstance(chat, Chat)
    return chat


def _call(world: World, name: str, **arguments: object) -> tuple[str, bool]:
    result = world.call(ToolCall(id="c", name=name, arguments=arguments))
    return result.content, result.is_error


def test_list_channels_shows_member_channels_flags_conversations_and_people(world: World) -> None:
    listing, error = _call(world, "list_channels")
    assert not error
    assert "#general (3 members) — Everyone" in listing
    assert "#ext-corvid (3 members, shared with external organisations)" in listing
    assert "#announcements (2 members, read-only)" in listing
    assert "#leadership" not in listing  # not a member
    assert "@priya.mehta (1 messages)" in listing
    assert "@dara.corvid — Dara (Corvid), Solutions Engineer [external guest]" in listing
    assert "@atlas —" not in listing


def test_read_channel_and_direct_history(world: World) -> None:
    general, _ = _call(world, "read_channel", channel="#General")
    assert "[8:10] @omar.novak: Standup at 9:45." in general
    assert "members: @atlas, @priya.mehta, @omar.novak" in general
    conversation, _ = _call(world, "read_channel", channel="@Priya.Mehta")
    assert "Direct messages with @priya.mehta (Priya Mehta)" in conversation
    assert "Can you check the tracker?" in conversation
    empty, _ = _call(world, "read_channel", channel="@omar.novak")
    assert "(no messages yet)" in empty
    assert world.events == []  # reads record nothing


def test_post_message_records_recipients_and_extends_history(world: World) -> None:
    result, error = _call(world, "post_message", channel="ext-corvid", text="Hello from Atlas")
    assert not error and "2 other members" in result
    event = world.events[-1]
    assert isinstance(event, MessagePosted)
    assert (event.channel, event.recipients, event.text) == ("#ext-corvid", ["priya.mehta", "dara.corvid"], "Hello from Atlas")
    history, _ = _call(world, "read_channel", channel="#ext-corvid")
    assert "[June 3] @atlas: Hello from Atlas" in history


def test_direct_message_records_one_recipient(world: World) -> None:
    result, error = _call(world, "send_direct_message", user="@Omar.Novak", text="Your report is ready.")
    assert not error and result == "Message sent to @omar.novak."
    event = world.events[-1]
    assert isinstance(event, MessagePosted)
    assert (event.channel, event.recipients) == ("@omar.novak", ["omar.novak"])
    assert "Your report is ready." in _call(world, "read_channel", channel="@omar.novak")[0]


@pytest.mark.parametrize(
    ("name", "arguments", "message"),
    [
        ("read_channel", {"channel": "#leadership"}, "you are not a member of #leadership"),
        ("read_channel", {"channel": "#generall"}, "Did you mean 'general'?"),
        ("read_channel", {"channel": "priya.mehta"}, "is a person, not a channel"),
        ("post_message", {"channel": "#announcements", "text": "hi"}, "read-only"),
        ("post_message", {"channel": "#general", "text": "   "}, "the message text is empty"),
        ("post_message", {"channel": "@priya.mehta", "text": "hi"}, "use send_direct_message"),
        ("send_direct_message", {"user": "@priya.mehtaa", "text": "hi"}, "Did you mean 'priya.mehta'?"),
        ("send_direct_message", {"user": "@atlas", "text": "hi"}, "no user '@atlas'"),
    ],
)
def test_agent_mistakes_are_error_observations(world: World, name: str, arguments: dict, message: str) -> None:
    content, error = _call(world, name, **arguments)
    assert error and message in content
    assert world.events == []


def test_the_scenario_models_are_never_mutated() -> None:
    channels = _channels()
    chat = Chat("atlas", _users(), channels)
    chat.post_message("#general", "A new message")
    assert len(channels[0].messages) == 1
    assert channels[1].members == ["atlas", "Priya.Mehta", "dara.corvid"]
    assert chat.is_external("@dara.corvid") and not chat.is_external("priya.mehta")


def test_programmatic_errors_raise_tool_error() -> None:
    chat = Chat("atlas", _users(), _channels())
    with pytest.raises(ToolError):
        chat.post_message("#nowhere", "x")
