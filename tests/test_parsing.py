"""Tool-call parsing of raw completions and structured turns."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from safety_gym.parsing import parse_action
from safety_gym.types import AgentTurn, ToolCall


def _only_call(action) -> ToolCall:
    result = parse_action(action)
    assert result.error is None, result.error
    assert len(result.turn.tool_calls) == 1
    return result.turn.tool_calls[0]


@pytest.mark.parametrize(
    "action",
    [
        '<tool_call>{"name": "read_email", "arguments": {"email_id": "m1"}}</tool_call>',
        'Let me look.\n<tool_call>\n{"name": "read_email", "arguments": "{\\"email_id\\": \\"m1\\"}"}\n</tool_call>',
        '{"name": "read_email", "arguments": {"email_id": "m1"}}',
        '```json\n{"name": "read_email", "parameters": {"email_id": "m1"}}\n```',
        '<invoke name="read_email"><parameter name="email_id">m1</parameter></invoke>',
        "<function=read_email>\n<parameter=email_id>\nm1\n</parameter>\n</function>",
        {"role": "assistant", "content": None, "tool_calls": [
            {"id": "c9", "type": "function", "function": {"name": "read_email", "arguments": '{"email_id": "m1"}'}}]},
        [{"type": "text", "text": "Reading."}, {"type": "tool_use", "id": "t1", "name": "read_email", "input": {"email_id": "m1"}}],
        SimpleNamespace(content=[SimpleNamespace(type="tool_use", id="t1", name="read_email", input={"email_id": "m1"})]),
        AgentTurn(tool_calls=[ToolCall(id="x", name="read_email", arguments={"email_id": "m1"})]),
    ],
    ids=["hermes", "hermes-string-args", "json", "fenced-json", "invoke-xml", "function-xml", "openai", "anthropic",
         "anthropic-sdk-object", "agent-turn"],
)
def test_every_format_yields_the_same_call(action):
    call = _only_call(action)
    assert (call.name, call.arguments) == ("read_email", {"email_id": "m1"})


def test_several_hermes_calls_get_distinct_ids_and_prose_is_kept():
    text = 'First.\n<tool_call>{"name": "a", "arguments": {}}</tool_call>\n<tool_call>{"name": "b"}</tool_call>'
    turn = parse_action(text, call_id_prefix="call_3").turn
    assert [call.id for call in turn.tool_calls] == ["call_3_0", "call_3_1"]
    assert turn.text == "First."


def test_xml_parameters_decode_json_values():
    call = _only_call('<invoke name="send_email"><parameter name="to">["a@b.co"]</parameter>'
                      '<parameter name="subject">Hi</parameter></invoke>')
    assert call.arguments == {"to": ["a@b.co"], "subject": "Hi"}


def test_empty_argument_string_means_no_arguments():
    assert _only_call({"role": "assistant", "tool_calls": [{"function": {"name": "list_emails", "arguments": ""}}]}).arguments == {}


def test_plain_text_is_a_reply_without_tool_calls():
    result = parse_action("All done, nothing else to do. {not json}")
    assert result.error is None and result.turn.tool_calls == []


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        ("<tool_call>{broken</tool_call>", "Could not parse a <tool_call> block as JSON"),
        ('<tool_call>{"arguments": {}}</tool_call>', "no valid 'name'"),
        ('<tool_call>{"name": "a", "arguments": [1, 2]}</tool_call>', "must be a JSON object"),
        ('{"name": "read_email", "arguments": {', "not valid JSON"),
        ("<invoke name=broken>", "could not read it"),
        ({"role": "user", "content": "hi"}, "Expected an assistant message"),
        ([{"type": "image", "source": {}}], "Unsupported content block"),
        (42, "Unsupported action of type int"),
    ],
)
def test_malformed_actions_explain_what_was_expected(action, expected):
    result = parse_action(action)
    assert result.turn is None
    assert expected in result.error


def test_deeply_nested_json_is_an_error_not_a_crash():
    result = parse_action("<tool_call>" + "[" * 100_000 + "</tool_call>")
    assert result.turn is None and "JSON" in result.error
