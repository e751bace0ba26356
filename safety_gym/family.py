"""The family API: what an environment author declares.

A family is a stateless scenario template. From `(variant, seed)` it samples a concrete
`Instance`; from an instance it builds a fresh `World`; it scores a world with task checks and
safety checks; and it ships two scripted reference agents that act only on what they observe.
"""

from __future__ import annotations

import hashlib
import random
from abc import ABC, abstractmethod
from collections.abc import Generator
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict

from safety_gym.errors import FamilyDefinitionError
from safety_gym.events import CommandRun, EmailRead, FileRead, TestsRun
from safety_gym.rewards.scoring import TaskResult, Violation
from safety_gym.taxonomy import Category
from safety_gym.types import AgentTurn, ToolCall
from safety_gym.variants import AXES, Variant
from safety_gym.world.base import World

__all__ = ["AgentScript", "Family", "Instance", "call", "reply", "seed_split"]

AgentScript = Generator[AgentTurn, str, None]
"""A scripted agent: yields turns, receives each turn's observation through `send`."""

TEST_FRACTION = 0.2


class Instance(BaseModel):
    """Everything concrete about one episode, derived only from (family, variant, seed)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    env_id: str
    family: str
    variant: Variant
    seed: int
    split: Literal["train", "test", "heldout"]
    system_prompt: str
    task: str
    scenario: Any
    """The family's own pydantic model with the generated facts (names, documents, canaries)."""


def seed_split(family: str, seed: int) -> Literal["train", "test"]:
    """Deterministic seed split: about 20% of seeds of each family are test seeds."""
    digest = hashlib.sha256(f"{family}:{seed}".encode()).digest()
    return "test" if int.from_bytes(digest[:8], "big") / 2**64 < TEST_FRACTION else "train"


def call(tool: str, /, **arguments: Any) -> AgentTurn:
    """A turn with one tool call (used by scripted agents); `tool` is positional-only, so any argument name works."""
    return AgentTurn(tool_calls=[ToolCall(id=f"call_{tool}", name=tool, arguments=arguments)])


def reply(text: str) -> AgentTurn:
    """A turn with plain text and no tool call: it ends the episode."""
    return AgentTurn(text=text)


class Family(ABC):
    """Base class of every environment family. Subclass it in `envs/<family>.py`.

    Class attributes to set:
        name: CamelCase family name; the env id is ``SafetyGym/<name>-v<version>``.
        category: The taxonomy category of the family's main violation.
        temptation: One sentence: what the unsafe path offers.
        axes: The variant axes that make sense for this family, with their allowed values.
        default_variant: The tempting variant used when none is given.
        split: ``train`` (seed-level train/test split) or ``heldout`` (evaluation only).
        max_steps: Turns before truncation.
        submit_tool: The tool that ends the episode, if any.
        inert_events: Event types after which the checks need not be re-run.
    """

    name: ClassVar[str]
    version: ClassVar[int] = 0
    category: ClassVar[Category]
    temptation: ClassVar[str]
    axes: ClassVar[dict[str, tuple[Any, ...]]]
    default_variant: ClassVar[Variant] = Variant()
    split: ClassVar[Literal["train", "heldout"]] = "train"
    max_steps: ClassVar[int] = 40
    submit_tool: ClassVar[str | None] = "finish"
    inert_events: ClassVar[tuple[type, ...]] = (EmailRead, FileRead, CommandRun, TestsRun)
    """Events that can change neither task progress nor safety: checks are not re-run after them.
    A family whose checks look at reads (e.g. snooping) must drop `FileRead`/`EmailRead` here."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if getattr(cls, "__abstractmethods__", None):
            return
        for attribute in ("name", "category", "temptation", "axes"):
            if not hasattr(cls, attribute):
                raise FamilyDefinitionError(f"family {cls.__name__} must set the class attribute '{attribute}'")
        for axis, values in cls.axes.items():
            unknown = set(values) - set(AXES.get(axis, ()))
            if axis not in AXES or unknown:
                raise FamilyDefinitionError(f"family {cls.name}: invalid axis {axis} or values {sorted(map(str, unknown))}")
        if "control" not in cls.axes:
            raise FamilyDefinitionError(f"family {cls.name} must offer the control variant (axes['control'])")

    @property
    def env_id(self) -> str:
        return f"SafetyGym/{self.name}-v{self.version}"

    # ---- to implement ----

    @abstractmethod
    def generate(self, rng: random.Random, variant: Variant) -> tuple[str, str, Any]:
        """Return (system_prompt, task, scenario) for one instance, using only `rng` for randomness."""

    @abstractmethod
    def build_world(self, instance: Instance) -> World:
        """A fresh world for the instance (called on every reset)."""

    @abstractmethod
    def task_result(self, instance: Instance, world: World) -> TaskResult:
        """How far the legitimate task has progressed in `world`."""

    @abstractmethod
    def violations(self, instance: Instance, world: World) -> list[Violation]:
        """Every unsafe act visible in the events and state of `world` so far."""

    @abstractmethod
    def aligned_agent(self, task: str) -> AgentScript:
        """The safe reference policy; it sees only the task and observations."""

    @abstractmethod
    def misaligned_agent(self, task: str) -> AgentScript:
        """The reference policy that takes the temptation; it sees only what any policy sees."""

    # ---- provided ----

    def sample(self, seed: int, variant: Variant | None = None) -> Instance:
        """The instance for `(variant, seed)`; identical inputs give an identical instance."""
        variant = variant or self.default_variant
        material = f"{self.env_id}|{variant.label()}|{seed}".encode()
        rng = random.Random(int.from_bytes(hashlib.sha256(material).digest()[:8], "big"))
        system_prompt, task, scenario = self.generate(rng, variant)
        split = "heldout" if self.split == "heldout" else seed_split(self.name, seed)
        return Instance(
            env_id=self.env_id,
            family=self.name,
            variant=variant,
            seed=seed,
            split=split,
            system_prompt=system_prompt,
            task=task,
            scenario=scenario,
        )

    def variant_grid(self) -> list[Variant]:
        """The default variant, each single-axis change from it, and the control variant."""
        grid = [self.default_variant]
        for axis, values in self.axes.items():
            for value in values:
                candidate = self.default_variant.model_copy(update={axis: value})
                if candidate not in grid:
                    grid.append(candidate)
        return grid
