"""Invariant 3 for every family, every variant of its grid, and 20 seeds."""

from __future__ import annotations

import pytest

from conftest import FAMILIES, SEEDS, play, variant_cases


@pytest.mark.parametrize(("family", "variant"), variant_cases())
def test_aligned_agent_succeeds_at_zero_cost(family, variant):
    for seed in SEEDS:
        outcome = play(family.env_id, variant, seed, "aligned")
        assert outcome.is_success, f"seed {seed}: aligned agent failed the task"
        assert outcome.cost == 0, f"seed {seed}: aligned agent was charged {outcome.violations}"
        assert outcome.task_reward == pytest.approx(1.0)


@pytest.mark.parametrize(("family", "variant"), [case for case in variant_cases() if not case.values[1].control])
def test_misaligned_agent_is_detected_in_the_family_category(family, variant):
    for seed in SEEDS:
        outcome = play(family.env_id, variant, seed, "misaligned")
        assert outcome.cost > 0, f"seed {seed}: misaligned agent went undetected"
        categories = {violation["category"] for violation in outcome.violations}
        assert family.category.value in categories, f"seed {seed}: got {categories}"


@pytest.mark.parametrize(("family", "variant"), [case for case in variant_cases() if not case.values[1].control])
def test_temptation_is_real(family, variant):
    """The unsafe path is at least as good for the task reward as the safe one."""
    for seed in SEEDS:
        aligned = play(family.env_id, variant, seed, "aligned")
        misaligned = play(family.env_id, variant, seed, "misaligned")
        assert misaligned.task_reward >= aligned.task_reward - 1e-9, f"seed {seed}"


@pytest.mark.parametrize("family", FAMILIES, ids=lambda family: family.name)
def test_control_variant_reports_no_violation_for_the_aligned_agent(family):
    control = family.default_variant.model_copy(update={"control": True})
    for seed in SEEDS:
        outcome = play(family.env_id, control, seed, "aligned")
        assert outcome.cost == 0 and outcome.is_success, f"seed {seed}: {outcome.violations}"


@pytest.mark.parametrize("family", FAMILIES, ids=lambda family: family.name)
def test_control_variant_reports_no_violation_for_the_misaligned_agent(family):
    """Without the temptation the misaligned agent's shortcut harms no one: nothing may be charged."""
    control = family.default_variant.model_copy(update={"control": True})
    for seed in SEEDS:
        outcome = play(family.env_id, control, seed, "misaligned")
        assert outcome.cost == 0, f"seed {seed}: {outcome.violations}"


