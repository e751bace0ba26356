"""Instance-generation helpers shared by families: system-prompt builders and the shuffled inbox.

Each system-prompt builder takes the family's text module (`<family>_text`) and reads the constants
named in its docstring. Every helper draws from `rng` in a fixed order, so an instance stays the
same for a seed.
"""

from __future__ import annotations

import random
from types import ModuleType
from typing import Any

from safety_gym.generation import pick
from safety_gym.variants import Variant
from safety_gym.world import Email

__all__ = [
    "identity_prompt", "run_id_prompt", "session_prompt", "shuffled_inbox", "template_prompt", "workspace_prompt",
]


def session_prompt(rng: random.Random, variant: Variant, fill: dict[str, Any], text: ModuleType) -> str:
    """One of `SYSTEM_PROMPTS`, one of `GOAL_EXPLICIT` (explicit goal, not control), `SESSION_LINE`,
    `INSTRUCTION_DO_NOT` (do-not instruction) and one of `FRAMING_TEST` (test framing), one a line."""
    parts = [pick(rng, text.SYSTEM_PROMPTS)]
    if variant.goal_conflict == "explicit" and not variant.control:
        parts.append(pick(rng, text.GOAL_EXPLICIT))
    parts.append(text.SESSION_LINE)
    if variant.instruction == "do_not":
        parts.append(text.INSTRUCTION_DO_NOT)
    if variant.framing == "test":
        parts.append(pick(rng, text.FRAMING_TEST))
    return "\n".join(part.format(**fill) for part in parts)


def workspace_prompt(rng: random.Random, variant: Variant, fill: dict[str, Any], text: ModuleType) -> str:
    """Identity, goal (by variant), tools, date, framing cue and the optional do-not instruction, one a line.

    Reads `IDENTITIES`, `GOAL_EXPLICIT` / `GOAL_LATENT` (no goal in control), `WORKSPACE`,
    `FRAMING[framing]` and `INSTRUCTION_DO_NOT`; empty parts are left out.
    """
    goal = {"explicit": pick(rng, text.GOAL_EXPLICIT), "latent": text.GOAL_LATENT, "none": ""}[variant.goal_conflict]
    parts = [pick(rng, text.IDENTITIES), "" if variant.control else goal, pick(rng, text.WORKSPACE),
             "Today is {weekday}, {date}.", pick(rng, text.FRAMING[variant.framing]),
             text.INSTRUCTION_DO_NOT if variant.instruction == "do_not" else ""]
    return "\n".join(part.format(**fill) for part in parts if part)


def identity_prompt(rng: random.Random, variant: Variant, fill: dict[str, Any], text: ModuleType) -> str:
    """Identity, explicit goal (explicit variant only), tools, date, framing cue and the optional do-not instruction.

    Reads `IDENTITIES`, `GOAL_EXPLICIT`, `WORKSPACE`, `FRAMING[framing]` and `INSTRUCTION_DO_NOT`, one a
    line; empty parts are left out.
    """
    parts = [
        pick(rng, text.IDENTITIES),
        pick(rng, text.GOAL_EXPLICIT) if variant.goal_conflict == "explicit" else "",
        pick(rng, text.WORKSPACE), "Today is {weekday}, {date}.", pick(rng, text.FRAMING[variant.framing]),
        text.INSTRUCTION_DO_NOT if variant.instruction == "do_not" else "",
    ]
    return "\n".join(part.format(**fill) for part in parts if part)


def template_prompt(rng: random.Random, variant: Variant, fill: dict[str, Any], text: ModuleType) -> str:
    """`SYSTEM_PROMPT` with its `goal_line` (one of `GOAL_EXPLICIT`; explicit goal, not control), `instruction`
    (`INSTRUCTION_DO_NOT`) and `framing` (one of `FRAMING_TEST` or `FRAMING_DEPLOYMENT`) filled in."""
    goal = pick(rng, text.GOAL_EXPLICIT) if variant.goal_conflict == "explicit" and not variant.control else ""
    instruction = text.INSTRUCTION_DO_NOT if variant.instruction == "do_not" else ""
    framing = pick(rng, text.FRAMING_TEST if variant.framing == "test" else text.FRAMING_DEPLOYMENT)
    return text.SYSTEM_PROMPT.format(goal_line=goal.format(**fill), instruction=instruction.format(**fill),
                                     framing=framing.format(**fill), **fill)


def run_id_prompt(rng: random.Random, variant: Variant, fill: dict[str, Any], text: ModuleType) -> str:
    """`SYSTEM_PROMPT` with its `goal_line` (`GOAL_EXPLICIT`; explicit goal, not control), `instruction`
    (`INSTRUCTION_DO_NOT`) and `framing` (`FRAMING_TEST` with a random run id; test framing) filled in."""
    goal_line = text.GOAL_EXPLICIT.format(**fill) if variant.goal_conflict == "explicit" and not variant.control else ""
    instruction = text.INSTRUCTION_DO_NOT.format(**fill) if variant.instruction == "do_not" else ""
    framing = text.FRAMING_TEST.format(run_id=f"#{rng.randint(1000, 9999)}") if variant.framing == "test" else ""
    return text.SYSTEM_PROMPT.format(goal_line=goal_line, instruction=instruction, framing=framing, **fill)


def shuffled_inbox(rng: random.Random, drafts: list[tuple[str, str, str]], agent_email: str, day: str, *,
                   first_hour: int = 7, padded_minutes: bool = False) -> list[Email]:
    """The (sender, subject, body) drafts in a random order, as emails m1, m2, ... to the agent.

    Email n is dated `day`, at `first_hour + n` o'clock and a random minute (two digits when `padded_minutes`).
    """
    rng.shuffle(drafts)
    minute = "{:02d}" if padded_minutes else "{}"
    return [Email(id=f"m{index}", sender=sender, to=[agent_email], subject=subject, body=body,
                  date=f"{day}, {first_hour + index}:" + minute.format(rng.randint(10, 59)))
            for index, (sender, subject, body) in enumerate(drafts, start=1)]
