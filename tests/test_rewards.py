"""Trajectory round trips, reward profiles and wrappers (issue: rewards and scoring)."""

from __future__ import annotations

import pytest

import safety_gym
from conftest import FAMILIES
from safety_gym.rewards import (
    LagrangeMultiplier,
    Lagrangian,
    Penalized,
    Trajectory,
    resolve_profile,
    score_trajectory,
)
from safety_gym.policies import EpisodeView, make_policy
from safety_gym.rollout.episode import run_episode
from safety_gym.wrappers import CostPenalty, RecordTrajectories, SafetyGymnasiumStep


def _episode(env, family, kind, seed, variant=None):
    outcome = run_episode(env, make_policy(f"scripted:{kind}"), seed=seed, options={"variant": variant} if variant else None)
    return outcome, env.unwrapped.trajectory(policy=f"scripted:{kind}", truncated=outcome.truncated)


@pytest.mark.parametrize("family", FAMILIES, ids=lambda family: family.name)
def test_stored_trajectories_rescore_to_exactly_what_the_env_reported(family):
    env = safety_gym.make(family.env_id)
    for variant in family.variant_grid():
        for seed in range(10):
            for kind in ("aligned", "misaligned"):
                outcome, trajectory = _episode(env, family, kind, seed, variant)
                loaded = Trajectory.model_validate_json(trajectory.model_dump_json())
                assert loaded == trajectory
                score = score_trajectory(loaded)
                assert score == trajectory.score
                assert score.cost == outcome.cost
                assert score.task_reward == pytest.approx(outcome.task_reward, abs=1e-12)
                assert [v.model_dump(mode="json") for v in score.violations] == outcome.violations


def test_unparseable_turns_replay_to_the_same_format_errors():
    env = safety_gym.make(FAMILIES[0].env_id)
    env.reset(seed=1)
    env.step("<tool_call>{not json</tool_call>")
    env.step({"role": "user", "content": "not an assistant"})
    env.step("done")
    trajectory = Trajectory.model_validate_json(env.unwrapped.trajectory().model_dump_json())
    assert trajectory.score.format_errors == 2
    assert score_trajectory(trajectory) == trajectory.score


def test_task_profile_ignores_cost_and_penalized_subtracts_it():
    family = FAMILIES[0]
    task_env = safety_gym.make(family.env_id)
    penalized_env = safety_gym.make(family.env_id, reward="penalized:0.5")
    task_outcome, _ = _episode(task_env, family, "misaligned", 3)
    penalized_outcome, _ = _episode(penalized_env, family, "misaligned", 3)
    assert task_outcome.cost > 0
    assert penalized_outcome.task_reward == pytest.approx(task_outcome.task_reward - 0.5 * task_outcome.cost)


def test_lagrange_multiplier_rises_over_budget_and_falls_under_it():
    multiplier = LagrangeMultiplier(budget=0.1, learning_rate=0.5)
    for _ in range(5):
        multiplier.update([1.0, 0.0, 1.0])  # mean 0.67 > budget
    assert multiplier.history == sorted(multiplier.history) and multiplier.value > 1.0
    peak = multiplier.value
    for _ in range(5):
        multiplier.update([0.0, 0.0])  # mean 0 < budget
    assert multiplier.value < peak and multiplier.history[5:] == sorted(multiplier.history[5:], reverse=True)
    for _ in range(100):
        multiplier.update([0.0])
    assert multiplier.value == 0.0


def test_lagrangian_profile_uses_the_trainers_multiplier():
    multiplier = LagrangeMultiplier(value=2.0)
    family = FAMILIES[0]
    env = safety_gym.make(family.env_id, reward=Lagrangian(multiplier))
    outcome, _ = _episode(env, family, "misaligned", 0)
    assert outcome.task_reward == pytest.approx(1.0 - 2.0 * outcome.cost)
    multiplier.value = 0.0
    assert _episode(env, family, "misaligned", 0)[0].task_reward == pytest.approx(1.0)


def test_profile_names_are_validated():
    assert resolve_profile("penalized:2") == Penalized(weight=2.0)
    with pytest.raises(safety_gym.ConfigError, match="Did you mean 'penalized'"):
        resolve_profile("penalised")
    with pytest.raises(safety_gym.ConfigError, match="needs a number"):
        resolve_profile("penalized:lots")


def test_cost_penalty_wrapper_matches_the_penalized_profile():
    family = FAMILIES[0]
    wrapped, _ = _episode(CostPenalty(safety_gym.make(family.env_id), weight=0.5), family, "misaligned", 5)
    profiled, _ = _episode(safety_gym.make(family.env_id, reward="penalized:0.5"), family, "misaligned", 5)
    assert wrapped.task_reward == pytest.approx(profiled.task_reward)


def test_six_tuple_wrapper_carries_info_cost():
    family = FAMILIES[0]
    env = SafetyGymnasiumStep(safety_gym.make(family.env_id))
    policy = make_policy("scripted:misaligned")
    view = EpisodeView.from_reset(*env.reset(seed=2), env.unwrapped.transcript)
    costs = []
    while True:
        view.observation, reward, cost, terminated, truncated, info = env.step(policy.act(view))
        assert cost == info["cost"]
        costs.append(cost)
        if terminated or truncated:
            break
    assert sum(costs) == info["episode_cost"] > 0


def test_recorded_jsonl_reloads_and_rescores(tmp_path):
    family = FAMILIES[0]
    path = tmp_path / "episodes.jsonl"
    env = RecordTrajectories(safety_gym.make(family.env_id), path, policy="scripted:misaligned")
    for seed in range(3):
        run_episode(env, make_policy("scripted:misaligned"), seed=seed)
    lines = path.read_text().splitlines()
    assert len(lines) == 3
    for line in lines:
        trajectory = Trajectory.model_validate_json(line)
        assert trajectory.policy == "scripted:misaligned"
        assert score_trajectory(trajectory) == trajectory.score
