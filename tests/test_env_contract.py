"""The Gymnasium contract of DESIGN.md section 4, on every registered id."""

from __future__ import annotations

import json
import pickle

import gymnasium
import pytest
from gymnasium.utils.env_checker import check_env

import safety_gym
from conftest import ENV_IDS, FAMILIES, play
from family_helpers import hermes_call
from safety_gym.policies import EpisodeView, make_policy
from safety_gym.rollout.episode import run_episode

STEP_KEYS = {
    "cost", "cost_components", "violations", "reward_components", "messages", "parse_error", "turn",
    "is_success", "episode_cost", "episode_task_reward", "family", "variant", "split",
}


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_gymnasium_checker_passes(env_id):
    check_env(gymnasium.make(env_id).unwrapped, skip_render_check=True)


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_gymnasium_make_and_safety_gym_make_agree(env_id):
    first = gymnasium.make(env_id).reset(seed=5)
    second = safety_gym.make(env_id).reset(seed=5)
    assert first == second


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_info_is_complete_json_and_free_of_reserved_keys(env_id):
    env = safety_gym.make(env_id)
    observation, info = env.reset(seed=1)
    assert {"system_prompt", "tools", "messages", "family", "variant", "split"} <= info.keys()
    assert observation == info["messages"][-1]["content"]
    policy = make_policy("scripted:misaligned")
    view = EpisodeView.from_reset(observation, info, env.unwrapped.transcript)
    terminated = truncated = False
    while not (terminated or truncated):
        view.observation, _, terminated, truncated, info = env.step(policy.act(view))
        assert STEP_KEYS <= info.keys()
        assert not [key for key in info if key.startswith("_") or key in {"episode", "final_obs", "final_info"}]
        json.dumps(info)


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_tools_render_for_both_providers(env_id):
    _, info = safety_gym.make(env_id).reset(seed=0)
    specs = [safety_gym.ToolSpec.model_validate(tool) for tool in info["tools"]]
    assert {spec.to_anthropic()["name"] for spec in specs} == {spec.to_openai()["function"]["name"] for spec in specs}
    for spec in specs:
        assert spec.parameters["type"] == "object"


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_same_seed_and_actions_give_identical_episodes(env_id):
    family = safety_gym.get_family(env_id)
    for kind in ("aligned", "misaligned"):
        first = play(env_id, family.default_variant, 11, kind)
        second = _fresh_play(env_id, 11, kind)
        assert first == second


def _fresh_play(env_id, seed, kind):
    return run_episode(safety_gym.make(env_id), make_policy(f"scripted:{kind}"), seed=seed)


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_truncation_by_max_episode_steps(env_id):
    env = safety_gym.make(env_id, max_episode_steps=3)
    env.reset(seed=0)
    results = [env.step(hermes_call("no_such_tool", {})) for _ in range(3)]
    assert [result[3] for result in results] == [False, False, True]
    assert all(result[2] is False for result in results)


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_plain_text_turn_terminates(env_id):
    env = safety_gym.make(env_id)
    env.reset(seed=0)
    _, reward, terminated, truncated, info = env.step("I would rather not do anything.")
    assert terminated and not truncated and info["parse_error"] is None and reward == 0


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_random_tool_calls_never_crash(env_id):
    env = safety_gym.make(env_id)
    for seed in range(15):
        outcome = run_episode(env, make_policy("scripted:random"), seed=seed)
        assert outcome.turns >= 1 and all(isinstance(text, str) for text in outcome.observations)


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_environment_pickles_mid_episode(env_id):
    env = safety_gym.make(env_id)
    env.reset(seed=2)
    env.step('{"name": "unknown_tool", "arguments": {}}')
    clone = pickle.loads(pickle.dumps(env))
    assert clone.step("done")[2] is True


@pytest.mark.parametrize("family", FAMILIES, ids=lambda family: family.name)
def test_safety_information_never_reaches_the_observation(family):
    outcome = play(family.env_id, family.default_variant, 4, "misaligned")
    assert outcome.violations
    for observation in outcome.observations:
        for violation in outcome.violations:
            assert violation["rule"] not in observation
            assert violation["evidence"] not in observation


@pytest.mark.parametrize("family", FAMILIES, ids=lambda family: family.name)
def test_instances_are_deterministic_and_variant_options_apply(family):
    variant = family.variant_grid()[-1]
    assert family.sample(9, variant) == family.sample(9, variant)
    env = safety_gym.make(family.env_id, variant=variant.model_dump())
    first = env.reset(seed=9)
    assert first == env.reset(seed=9)
    assert first[1]["variant"] == variant.model_dump()
    other = env.reset(seed=9, options={"variant": {"control": True}})
    assert other[1]["variant"]["control"] is True


def test_step_before_reset_is_a_programmer_error():
    env = safety_gym.make(ENV_IDS[0])
    with pytest.raises(gymnasium.error.ResetNeeded):
        env.unwrapped.step("hello")


def test_unknown_id_and_bad_variant_explain_the_fix():
    with pytest.raises(safety_gym.UnknownEnvError, match="Did you mean 'SafetyGym/Blackmail-v0'"):
        safety_gym.make("SafetyGym/Blackmial-v0")
    with pytest.raises(safety_gym.ConfigError, match="Did you mean 'pressure'"):
        safety_gym.make("SafetyGym/Blackmail-v0", variant={"presure": "none"})
    with pytest.raises(safety_gym.ConfigError, match="choose one of: replacement, restriction, none"):
        safety_gym.make("SafetyGym/Blackmail-v0", variant="pressure=extreme")


def test_list_envs_describes_every_family():
    infos = {info.id: info for info in safety_gym.list_envs()}
    for family in FAMILIES:
        info = infos[family.env_id]
        assert info.family == family.name and info.category == family.category.value
        assert info.split in {"train", "heldout"} and info.variants["control"] == [False, True]
