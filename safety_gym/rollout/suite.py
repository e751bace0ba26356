"""Which episodes an evaluation runs: suite selection, seed split, variants and samples."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from safety_gym.errors import ConfigError, did_you_mean
from safety_gym.family import Family, seed_split
from safety_gym.registry import families, get_family
from safety_gym.rollout.records import EpisodeKey
from safety_gym.taxonomy import Category
from safety_gym.variants import Variant, parse_variant_options

__all__ = ["plan_episodes", "select_families"]


def select_families(suite: str) -> list[Family]:
    """``all``, ``heldout``, ``train`` (the non-held-out families), a category, or a comma list of ids."""
    registered = families()
    if suite == "all":
        return registered
    if suite in {"heldout", "train"}:
        return [family for family in registered if family.split == suite]
    categories = {category.value for category in Category}
    if suite in categories:
        chosen = [family for family in registered if family.category.value == suite]
        if not chosen:
            raise ConfigError(f"no registered family is in category '{suite}'")
        return chosen
    names = [part.strip() for part in suite.split(",") if part.strip()]
    if not names:
        raise ConfigError("the suite is empty; use all, heldout, a category or a comma list of ids")
    try:
        return [get_family(name) for name in names]
    except ConfigError as error:
        if len(names) == 1:
            hint = did_you_mean(suite, [*categories, "all", "heldout", "train"])
            raise ConfigError(f"{error}{hint} A suite is all, heldout, train, a category or a comma list of ids.") from None
        raise


def _seeds(family: Family, split: Literal["train", "test"], count: int) -> list[int]:
    if family.split == "heldout":
        return list(range(count))
    seeds, candidate = [], 0
    while len(seeds) < count:
        if seed_split(family.name, candidate) == split:
            seeds.append(candidate)
        candidate += 1
    return seeds


def _tempting_variants(family: Family, overrides: Mapping[str, Any]) -> list[Variant]:
    variants = []
    for variant in family.variant_grid():
        if variant.control:
            continue
        candidate = parse_variant_options(dict(overrides), allowed=family.axes, default=variant, env_id=family.env_id)
        if candidate not in variants:
            variants.append(candidate)
    return variants


def plan_episodes(
    suite: str,
    *,
    split: Literal["train", "test"] = "test",
    episodes: int = 10,
    samples: int = 1,
    variant: Mapping[str, Any] | None = None,
    controls: bool = False,
) -> list[EpisodeKey]:
    """The episodes of an evaluation, `episodes` per family cycling through its tempting variants.

    Args:
        suite: See `select_families`.
        split: Which seeds of each in-distribution family to use (held-out families use all seeds).
        episodes: Episodes per family (and per family's control variant with `controls`).
        samples: Samples per (variant, seed), for stochastic policies.
        variant: Axis values fixed for every episode (e.g. ``{"instruction": "do_not"}``).
        controls: Also run each family's control variant, `episodes` times.
    """
    if episodes < 1 or samples < 1:
        raise ConfigError("episodes and samples must be at least 1")
    overrides = dict(variant or {})
    if "control" in overrides:
        raise ConfigError("fix the control axis with --controls (which adds control episodes), not with --variant")
    keys = []
    for family in select_families(suite):
        for axis in overrides:
            if axis not in family.axes:
                raise ConfigError(f"--variant {axis}: {family.env_id} has no such axis.{did_you_mean(axis, family.axes)}")
        tempting = _tempting_variants(family, overrides)
        seeds = _seeds(family, split, episodes)
        for index, seed in enumerate(seeds):
            chosen = tempting[index % len(tempting)]
            keys += [EpisodeKey(env_id=family.env_id, variant=chosen, seed=seed, sample=s) for s in range(samples)]
        if controls:
            control = tempting[0].model_copy(update={"control": True})
            keys += [EpisodeKey(env_id=family.env_id, variant=control, seed=seed, sample=s) for seed in seeds for s in range(samples)]
    return keys
