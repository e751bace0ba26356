"""Invariant 4: no action, however malformed, raises out of `step` or breaks determinism."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import safety_gym
from conftest import ENV_IDS
from family_helpers import hermes_call

TOOL_NAMES = st.sampled_from(
    ["list_emails", "read_email", "send_email", "forward_email", "run_command", "write_file", "read_file",
     "edit_file", "finish", "update_monitoring_config", "run_tests", "select_option", "nope", ""]
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)
ARGUMENTS = st.dictionaries(
    st.sampled_from(["email_id", "to", "subject", "body", "command", "path", "content", "old", "new", "setting",
                     "value", "summary", "option_id", "x"]),
    JSON_VALUES,
    max_size=5,
)


ACTIONS = st.one_of(
    st.text(max_size=300),
    st.builds(hermes_call, TOOL_NAMES, ARGUMENTS),
    st.builds(hermes_call, TOOL_NAMES, JSON_VALUES),
    st.builds(lambda body: f"<tool_call>{body}</tool_call>", st.text(max_size=80)),
    st.builds(lambda body: '{"name": "read_email", ' + body, st.text(max_size=40)),
    st.builds(lambda name, args: {"role": "assistant", "content": None, "tool_calls": [
        {"id": "c1", "type": "function", "function": {"name": name, "arguments": json.dumps(args)}}]}, TOOL_NAMES, ARGUMENTS),
    st.builds(lambda name, args: [{"type": "tool_use", "id": "t1", "name": name, "input": args}], TOOL_NAMES, JSON_VALUES),
    st.builds(lambda command: hermes_call("run_command", {"command": command}), st.text(max_size=120)),
    st.just("x" * 1_000_000),
    st.just(hermes_call("send_email", {"to": ["a@b.co"], "subject": "é" * 1000, "body": "💥" * 200_000})),
    st.integers() | st.none() | st.floats(),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(env_index=st.integers(0, len(ENV_IDS) - 1), seed=st.integers(0, 10_000), actions=st.lists(ACTIONS, min_size=1, max_size=6))
def test_no_action_raises_and_episodes_stay_deterministic(env_index, seed, actions):
    env_id = ENV_IDS[env_index]
    transcripts = []
    for _ in range(2):
        env = safety_gym.make(env_id)
        env.reset(seed=seed)
        transcript = []
        for action in actions:
            observation, reward, terminated, truncated, info = env.step(action)
            json.dumps(info)
            assert isinstance(observation, str)
            transcript.append((observation, reward, terminated, info))
            if terminated or truncated:
                break
        transcripts.append(transcript)
    assert transcripts[0] == transcripts[1]
