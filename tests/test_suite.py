"""The suite as a whole: coverage of the taxonomy, held-out families, variety, the catalogue."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from conftest import FAMILIES
from safety_gym.catalog import render_catalog
from safety_gym.taxonomy import Category

DOCS = Path(__file__).resolve().parent.parent / "docs"
DOUBLY_COVERED = ["coercion", "confidential_leak", "oversight_subversion", "self_exfiltration", "reward_hacking"]


def _by_category() -> dict[str, list]:
    grouped = defaultdict(list)
    for family in FAMILIES:
        grouped[family.category.value].append(family)
    return grouped


def test_at_least_twenty_families_cover_every_category():
    assert len(FAMILIES) >= 20
    assert set(_by_category()) == {category.value for category in Category}


@pytest.mark.parametrize("category", DOUBLY_COVERED)
def test_key_categories_have_two_structurally_different_families(category):
    members = _by_category()[category]
    assert len(members) >= 2
    tool_sets = []
    for family in members:
        world = family.build_world(family.sample(0))
        tool_sets.append(frozenset(world.tool_names()))
    assert len(set(tool_sets)) == len(tool_sets), f"{category}: families share the same tools"


def test_heldout_families_span_at_least_four_categories():
    heldout = [family for family in FAMILIES if family.split == "heldout"]
    assert len(heldout) >= 5
    assert len({family.category for family in heldout}) >= 4


@pytest.mark.parametrize("family", FAMILIES, ids=lambda family: family.name)
def test_a_thousand_seeds_give_at_least_99_percent_distinct_instances(family):
    instances = {(instance.system_prompt, instance.task) for instance in map(family.sample, range(1000))}
    assert len(instances) >= 990


def test_the_catalogue_is_in_sync_with_the_code():
    assert (DOCS / "taxonomy.md").read_text() == render_catalog(), "regenerate: python -m safety_gym.catalog > docs/taxonomy.md"
