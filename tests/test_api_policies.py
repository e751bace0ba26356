"""The Anthropic and OpenAI-compatible policies, with the real SDKs, against local fake servers.

Everything runs over HTTP on 127.0.0.1 (see `fake_llm_servers`); nothing reaches the internet and
no real key exists. Backoffs are tiny so fault-injection tests stay fast.
"""

from __future__ import annotations

import asyncio
import json
import socket
import sys
import time
from typing import Any

import pytest

import safety_gym
from safety_gym.errors import ConfigError
from safety_gym.policies import make_policy
from safety_gym.policies.conversation import (
    to_anthropic_messages,
    to_openai_messages,
    turn_from_anthropic,
    turn_from_openai,
)
from safety_gym.policies.retry import RetryConfig, backoff_delay, redact
from safety_gym.rollout.engine import RolloutSettings, run_local
from safety_gym.rollout.episode import run_episode_async
from safety_gym.rollout.records import EpisodeKey, EpisodeRecord
from safety_gym.types import AgentTurn, Message, ToolCall, Unparseable

from fake_llm_servers import (  # noqa: I001 - tests/ is on sys.path under pytest
    AnthropicAgent,
    FakeAnthropicServer,
    FakeOpenAIServer,
    OpenAIAgent,
    Reply,
    anthropic_error,
    anthropic_message,
    openai_error,
)

ENV_ID = "SafetyGym/Blackmail-v0"
SECRET = "sk-test-SECRET-0123456789"
PLAY = [[("list_emails", {})], [("read_email", {"email_id": "m1"})], [("finish", {"summary": "Inbox done."})]]
FAST = {"backoff_base": 0.01, "backoff_max": 0.05, "timeout": 5.0}


@pytest.fixture(autouse=True)
def _hermetic_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    for name in ("ANTHROPIC_BASE_URL", "OPENAI_BASE_URL", "ANTHROPIC_API_KEY", "OPENAI_API_KEY", "ANTHROPIC_AUTH_TOKEN",
                 "ANTHROPIC_PROFILE", "ANTHROPIC_CUSTOM_HEADERS", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY",
                 "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ANTHROPIC_CONFIG_DIR", str(tmp_path))
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


def key(seed: int = 0) -> EpisodeKey:
    return EpisodeKey(env_id=ENV_ID, variant=safety_gym.get_family(ENV_ID).default_variant, seed=seed)


def run(policy: Any, seed: int = 0) -> EpisodeRecord:
    return asyncio.run(run_episode_async(key(seed), policy))


def anthropic(server: FakeAnthropicServer, **options: Any) -> Any:
    return make_policy("anthropic:claude-test", base_url=server.base_url, api_key=SECRET, **{**FAST, **options})


def openai(server: FakeOpenAIServer, **options: Any) -> Any:
    return make_policy(f"openai:ckpt-7@{server.base_url}", api_key=SECRET, **{**FAST, **options})


def assert_no_secret(record: EpisodeRecord) -> None:
    assert SECRET not in record.model_dump_json()
    assert SECRET not in (record.error or "")


# ---- pure converters ----

TRANSCRIPT = [
    Message(role="system", content="SYS"),
    Message(role="user", content="TASK"),
    Message(role="user", content="Error: bad format", is_error=True),
    Message(role="assistant", content="", tool_calls=[ToolCall(id="a", name="t", arguments={"x": 1}),
                                                      ToolCall(id="fn.b:1", name="u")]),
    Message(role="tool", content="ok", tool_call_id="a", name="t"),
    Message(role="tool", content="Unknown tool", tool_call_id="fn.b:1", name="u", is_error=True),
    Message(role="user", content="Error: again", is_error=True),
    Message(role="assistant", content="  "),
]


def test_to_anthropic_merges_roles_and_never_sends_blank_text() -> None:
    system, messages = to_anthropic_messages(TRANSCRIPT)
    assert system == "SYS"
    assert [m["role"] for m in messages] == ["user", "assistant", "user"]
    assert messages[0]["content"] == [{"type": "text", "text": "TASK"}, {"type": "text", "text": "Error: bad format"}]
    assert messages[1]["content"] == [{"type": "tool_use", "id": "a", "name": "t", "input": {"x": 1}},
                                      {"type": "tool_use", "id": "fn_b_1", "name": "u", "input": {}}]
    assert messages[2]["content"] == [
        {"type": "tool_result", "tool_use_id": "a", "content": "ok"},
        {"type": "tool_result", "tool_use_id": "fn_b_1", "content": "Unknown tool", "is_error": True},
        {"type": "text", "text": "Error: again"},
    ]


def test_to_openai_round_trips_tool_calls() -> None:
    messages = to_openai_messages(TRANSCRIPT)
    assert [m["role"] for m in messages] == ["system", "user", "assistant", "tool", "tool", "user", "assistant"]
    assert messages[1]["content"] == "TASK\n\nError: bad format"
    assert messages[2] == {"role": "assistant", "content": None, "tool_calls": [
        {"id": "a", "type": "function", "function": {"name": "t", "arguments": '{"x": 1}'}},
        {"id": "fn.b:1", "type": "function", "function": {"name": "u", "arguments": "{}"}}]}
    assert messages[3] == {"role": "tool", "tool_call_id": "a", "content": "ok"}
    assert messages[4]["content"] == "Error: Unknown tool"


def test_turns_from_responses() -> None:
    use = {"type": "tool_use", "id": "toolu_1", "name": "t", "input": {"a": 1}}
    blocks = [{"type": "text", "text": "hi"}, {"type": "thinking", "thinking": "."}, use]
    turn = turn_from_anthropic({"content": blocks, "stop_reason": "tool_use"})
    calls = [ToolCall(id="toolu_1", name="t", arguments={"a": 1})]
    assert turn == AgentTurn(text="hi", tool_calls=calls, stop_reason="tool_use")
    assert isinstance(turn_from_anthropic({"content": [{**use, "input": [1]}]}), Unparseable)
    bad = turn_from_openai({"content": None, "tool_calls": [{"id": "c", "function": {"name": "t", "arguments": "{"}}]})
    assert isinstance(bad, Unparseable) and "Could not parse the arguments of 't'" in bad.error
    not_object = {"tool_calls": [{"id": "c", "function": {"name": "t", "arguments": "[1]"}}]}
    assert isinstance(turn_from_openai(not_object), Unparseable)
    text = 'Ok <tool_call>{"name": "t", "arguments": {}}</tool_call>'
    tagged = turn_from_openai({"content": text}, call_id_prefix="call_3")
    assert isinstance(tagged, AgentTurn) and tagged.tool_calls == [ToolCall(id="call_3_0", name="t")]
    assert turn_from_openai({"content": "All done."}, finish_reason="stop").text == "All done."


def test_backoff_is_deterministic_capped_and_respects_retry_after() -> None:
    config = RetryConfig(backoff_base=1.0, backoff_max=5.0)
    assert backoff_delay(1, config, key="e") == backoff_delay(1, config, key="e")
    assert 1.0 <= backoff_delay(1, config, key="e") < 2.0
    assert backoff_delay(10, config, key="e") <= 5.0
    assert backoff_delay(0, config, retry_after=2.5) == 2.5
    assert backoff_delay(0, config, retry_after=600) == 5.0
    assert redact(f"boom {SECRET}!", [SECRET, None]) == "boom ***!"


def test_missing_sdk_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "anthropic", None)
    with pytest.raises(ConfigError, match=r"pip install 'agentic-safety-gym\[anthropic\]'"):
        make_policy("anthropic:claude-test")


# ---- Anthropic ----


def test_anthropic_episode_round_trips_native_tool_use() -> None:
    with FakeAnthropicServer(AnthropicAgent(PLAY)) as server:
        record = run(anthropic(server, max_tokens=321))
    assert record.error is None and record.turns == 3 and not record.truncated
    assert record.trajectory is not None and record.trajectory.steps[-1].terminated
    names = [call.name for step in record.trajectory.steps for call in step.action.tool_calls]
    assert names == ["list_emails", "read_email", "finish"]
    first, second, third = (request.body for request in server.requests)
    assert all(r.headers.get("x-stainless-retry-count", "0") == "0" for r in server.requests)
    headers = server.requests[0].headers
    assert SECRET in headers.get("x-api-key", "") + headers.get("authorization", "")
    assert first["model"] == "claude-test" and first["max_tokens"] == 321 and "temperature" not in first
    assert first["system"][0]["cache_control"] == {"type": "ephemeral"}
    assert first["system"][0]["text"].startswith("You are")
    assert all("input_schema" in tool for tool in first["tools"])
    assert first["tools"][-1]["cache_control"] == {"type": "ephemeral"} and "cache_control" not in first["tools"][0]
    assert first["messages"] == [{"role": "user", "content": [
        {"type": "text", "text": first["messages"][0]["content"][0]["text"], "cache_control": {"type": "ephemeral"}}]}]
    use = {"type": "tool_use", "id": "toolu_0_0", "name": "list_emails", "input": {}}
    assert second["messages"][1] == {"role": "assistant", "content": [{"type": "text", "text": "Step 0."}, use]}
    result = third["messages"][-1]["content"][-1]
    assert third["messages"][-1]["role"] == "user" and result["type"] == "tool_result"
    assert result["tool_use_id"] == "toolu_1_0" and "ID: m1" in result["content"]
    assert [m["role"] for m in third["messages"]] == ["user", "assistant", "user", "assistant", "user"]
    assert_no_secret(record)


def test_anthropic_temperature_and_no_caching() -> None:
    with FakeAnthropicServer(AnthropicAgent(["Nothing to do."])) as server:
        record = run(anthropic(server, temperature=0.25, prompt_caching=False))
    body = server.requests[0].body
    assert record.error is None and record.turns == 1
    assert body["temperature"] == 0.25 and "cache_control" not in json.dumps(body)


def test_anthropic_retries_429_and_529_honouring_capped_retry_after() -> None:
    with FakeAnthropicServer(AnthropicAgent(PLAY)) as server:
        server.push(anthropic_error(429, "rate_limit_error", "slow down", {"retry-after": "0.2"}),
                    anthropic_error(529, "overloaded_error", "Overloaded", {"retry-after": "3600"}))
        started = time.perf_counter()
        record = run(anthropic(server, backoff_max=0.3))
        elapsed = time.perf_counter() - started
    assert record.error is None and record.turns == 3
    assert len(server.requests) == 5
    assert 0.2 <= elapsed < 3.0  # waited the 0.2 s asked for; the hour-long retry-after was capped at 0.3 s
    assert server.requests[0].body == server.requests[2].body


def test_anthropic_persistent_500_is_an_error_record_without_the_key() -> None:
    def leaky(request: Any) -> Reply:  # a server that echoes the credentials it received
        echoed = request.headers.get("x-api-key") or request.headers.get("authorization")
        return anthropic_error(500, "api_error", f"internal failure for {echoed}")

    with FakeAnthropicServer(leaky) as server:
        started = time.perf_counter()
        record = run(anthropic(server, max_retries=2))
    assert time.perf_counter() - started < 5
    assert len(server.requests) == 3
    assert record.error is not None and not record.counted
    assert "HTTP 500" in record.error and "anthropic:claude-test" in record.error and "3 attempts" in record.error
    assert "***" in record.error
    assert_no_secret(record)


def test_anthropic_401_is_not_retried() -> None:
    with FakeAnthropicServer(lambda request: anthropic_error(401, "authentication_error", "invalid key")) as server:
        record = run(anthropic(server))
    assert len(server.requests) == 1
    assert record.error is not None and "HTTP 401" in record.error and "not retried" in record.error
    assert_no_secret(record)


def test_unreadable_responses_are_errors_not_retried() -> None:
    with FakeAnthropicServer(lambda request: Reply(200, "<html>proxy error</html>")) as server:
        record = run(anthropic(server))
    assert len(server.requests) == 1 and record.error is not None and "not valid JSON" in record.error
    no_choices = {"id": "x", "object": "chat.completion", "created": 0, "model": "ckpt-7", "choices": []}
    with FakeOpenAIServer(lambda request: Reply(200, no_choices)) as server:
        record = run(openai(server))
    assert record.error is not None and "without choices" in record.error


def test_timeouts_and_connection_errors_are_retried() -> None:
    with FakeAnthropicServer(lambda request: Reply(200, {}, delay=1.0)) as server:
        record = run(anthropic(server, timeout=0.2, max_retries=1))
        assert len(server.requests) == 2
    assert record.error is not None and "timed out" in record.error
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    closed = make_policy("anthropic:claude-test", base_url=url, api_key=SECRET, max_retries=1, **FAST)
    error = run(closed).error
    assert error is not None and "connection error" in error and "2 attempts" in error


def test_concurrency_limit_is_shared_across_episodes_and_event_loops() -> None:
    done = anthropic_message([{"type": "text", "text": "Done."}])
    with FakeAnthropicServer(lambda request: Reply(200, done, delay=0.1)) as server:
        policy = anthropic(server, concurrency=2)
        records: list[EpisodeRecord] = []
        settings = RolloutSettings(policy=policy.spec)
        asyncio.run(run_local([key(seed) for seed in range(6)], settings, records.append, concurrency=6, policy=policy))
        again = run(policy, seed=9)  # a second event loop: the policy builds a fresh client for it
    assert len(records) == 6 and all(record.error is None for record in records) and again.error is None
    assert server.max_in_flight == 2


# ---- OpenAI-compatible ----


def test_openai_episode_round_trips_tool_calls() -> None:
    with FakeOpenAIServer(OpenAIAgent(PLAY)) as server:
        record = run(openai(server, temperature=0.7, max_tokens=99, extra_body={"top_k": 20}))
    assert record.error is None and record.turns == 3 and not record.truncated
    assert record.policy == f"openai:ckpt-7@{server.base_url}"
    first, _, third = (request.body for request in server.requests)
    assert server.requests[0].headers["authorization"] == f"Bearer {SECRET}"
    assert first["model"] == "ckpt-7" and first["max_tokens"] == 99
    assert first["temperature"] == 0.7 and first["top_k"] == 20
    assert first["tool_choice"] == "auto" and all(tool["type"] == "function" for tool in first["tools"])
    assert [m["role"] for m in first["messages"]] == ["system", "user"]
    assert [m["role"] for m in third["messages"]] == ["system", "user", "assistant", "tool", "assistant", "tool"]
    assert third["messages"][4]["tool_calls"][0] == {
        "id": "call_1_0", "type": "function", "function": {"name": "read_email", "arguments": '{"email_id": "m1"}'}}
    assert third["messages"][5]["tool_call_id"] == "call_1_0" and "ID: m1" in third["messages"][5]["content"]
    assert_no_secret(record)


def test_openai_invalid_arguments_become_a_format_error_observation() -> None:
    steps = [[("list_emails", {})], [("read_email", '{"email_id": "m1"')], *PLAY[1:]]
    with FakeOpenAIServer(OpenAIAgent(steps)) as server:
        record = run(openai(server))
    assert record.error is None and record.turns == 4
    assert record.trajectory is not None and record.trajectory.score.format_errors == 1
    bad = record.trajectory.steps[1]
    assert bad.action is None and bad.unparseable is not None
    assert bad.observation.startswith("Error: Could not parse the arguments of 'read_email'")
    retry_request = server.requests[2].body["messages"]
    assert retry_request[-1] == {"role": "user", "content": bad.observation}


def test_openai_429_then_success_and_persistent_500(monkeypatch: pytest.MonkeyPatch) -> None:
    with FakeOpenAIServer(OpenAIAgent(PLAY)) as server:
        server.push(openai_error(429, "rate limited", {"retry-after-ms": "10"}), openai_error(503, "busy"))
        record = run(openai(server))
    assert record.error is None and record.turns == 3 and len(server.requests) == 5
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)  # the default key: from the environment
    with FakeOpenAIServer(lambda request: openai_error(500, f"crash {request.headers.get('authorization')}")) as server:
        failed = run(make_policy(f"openai:ckpt-7@{server.base_url}", max_retries=3, **FAST))
    assert len(server.requests) == 4 and server.requests[0].headers["authorization"] == f"Bearer {SECRET}"
    assert failed.error is not None and "HTTP 500" in failed.error and "4 attempts" in failed.error
    assert_no_secret(failed)


def test_openai_401_is_not_retried_and_local_servers_get_a_placeholder_key() -> None:
    with FakeOpenAIServer(lambda request: openai_error(401, "bad key")) as server:
        record = run(make_policy(f"openai:ckpt-7@{server.base_url}", **FAST))
    assert len(server.requests) == 1 and server.requests[0].headers["authorization"] == "Bearer EMPTY"
    assert record.error is not None and "HTTP 401" in record.error and "not retried" in record.error


def test_sync_run_episode_drives_the_async_policy_across_event_loops() -> None:
    from safety_gym.rollout.episode import run_episode

    with FakeAnthropicServer(AnthropicAgent(PLAY)) as server:
        outcome = run_episode(safety_gym.make(ENV_ID), anthropic(server), seed=0)
    assert outcome.turns == 3 and not outcome.truncated and len(server.requests) == 3


def test_missing_anthropic_credentials_fail_once_at_construction(monkeypatch):
    from safety_gym.errors import ConfigError
    from safety_gym.policies import make_policy

    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    monkeypatch.delenv("ANTHROPIC_AUTH_TOKEN", raising=False)
    with pytest.raises(ConfigError, match="set ANTHROPIC_API_KEY"):
        make_policy("anthropic:claude-test")


def test_credentials_in_an_openai_base_url_never_reach_the_spec():
    from safety_gym.policies import make_policy

    policy = make_policy("openai:ckpt@http://user:hunter2@127.0.0.1:8000/v1")
    assert policy.spec == "openai:ckpt@http://127.0.0.1:8000/v1"
