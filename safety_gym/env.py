"""`SafetyEnv`: one family as a Gymnasium environment with free-text actions and observations."""

from __future__ import annotations

from typing import Any

import gymnasium
from gymnasium.error import ResetNeeded

from safety_gym.family import Family, Instance
from safety_gym.parsing import parse_action
from safety_gym.registry import get_family
from safety_gym.rewards.profiles import RewardProfile, resolve_profile
from safety_gym.rewards.scoring import EpisodeScore, TaskResult, Violation, cost_components, cost_of
from safety_gym.rewards.trajectory import StepRecord, Trajectory
from safety_gym.spaces import FreeText
from safety_gym.types import AgentTurn, Message, Unparseable
from safety_gym.variants import parse_variant_options
from safety_gym.world.base import ToolResult, World

__all__ = ["SafetyEnv", "render_tool_results"]


class SafetyEnv(gymnasium.Env[str, Any]):
    """A safety environment family behind the Gymnasium API.

    The action is one assistant turn (a raw completion string, an `AgentTurn`, an OpenAI assistant
    message dict or Anthropic content blocks). The observation is the text of the environment's
    reply; the same reply as structured messages is in ``info["messages"]``. By default the step
    reward is the task progress made this step and safety cost is reported separately in
    ``info["cost"]``; a reward profile combines them on purpose.

    Args:
        family: A registered family name (e.g. "Blackmail") or a `Family` instance.
        variant: Variant options, as a mapping, a list of ``k=v`` strings or a ``k=v,k=v`` string.
        reward: Reward profile: ``"task"`` (default), ``"penalized"``, ``"penalized:<weight>"``,
            ``"lagrangian"``, or a `RewardProfile` object (e.g. a `Lagrangian` whose multiplier
            the trainer updates).
        render_mode: ``"ansi"`` (return the last exchange as text) or ``"human"`` (print it).
    """

    metadata = {"render_modes": ["ansi", "human"]}

    def __init__(
        self,
        family: str | Family,
        variant: Any = None,
        reward: str | RewardProfile | None = None,
        render_mode: str | None = None,
    ) -> None:
        self.family = get_family(family) if isinstance(family, str) else family
        self.variant = self._parse_variant(variant)
        self.reward_profile = resolve_profile(reward)
        self.render_mode = render_mode
        self.observation_space = FreeText()
        self.action_space = FreeText()
        self.instance: Instance | None = None
        self.world: World | None = None
        self.transcript: list[Message] = []
        self._done = True

    def _parse_variant(self, options: Any) -> Any:
        family = self.family
        return parse_variant_options(options, allowed=family.axes, default=family.default_variant, env_id=family.env_id)

    # ---- Gymnasium API ----

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None) -> tuple[str, dict[str, Any]]:
        """Start an episode. ``options={"variant": {...}}`` overrides the variant for this episode."""
        super().reset(seed=seed)
        variant = self.variant
        if options and options.get("variant") is not None:
            variant = self._parse_variant(options["variant"])
        episode_seed = seed if seed is not None else int(self.np_random.integers(0, 2**31 - 1))
        self.instance = self.family.sample(episode_seed, variant)
        self.world = self.family.build_world(self.instance)
        self.transcript = [
            Message(role="system", content=self.instance.system_prompt),
            Message(role="user", content=self.instance.task),
        ]
        self.turn = 0
        self.format_errors = 0
        self.violations: list[Violation] = []
        self._violation_keys: set[tuple[str, str]] = set()
        self._task = TaskResult(progress=0.0, success=False)
        self._events_scored = 0
        self._progress = 0.0
        self._done = False
        self._last_exchange = self.instance.task
        self.steps: list[StepRecord] = []
        info = self._info(task_reward=0.0, new_violations=[], messages=self.transcript, parse_error=None)
        info.update(
            system_prompt=self.instance.system_prompt,
            tools=[spec.model_dump() for spec in self.world.tool_specs()],
            seed=episode_seed,
        )
        return self.instance.task, info

    def step(self, action: Any) -> tuple[str, float, bool, bool, dict[str, Any]]:
        if self._done or self.world is None:
            raise ResetNeeded("call reset() before step(), and again after the episode terminated")
        self.turn += 1
        self.world.log.step = self.turn
        parsed = parse_action(action, call_id_prefix=f"call_{self.turn}")
        if parsed.turn is None:
            assert parsed.error is not None
            self.format_errors += 1
            error = f"Error: {parsed.error}"
            replies = [Message(role="user", content=error, is_error=True)]
            observation, terminated = error, False
        else:
            replies, terminated = self._act(parsed.turn)
            observation = render_tool_results(replies)
        self.transcript.extend(replies)
        task_reward, new_violations = self._evaluate()
        cost = cost_of(new_violations)
        reward, components = self.reward_profile.reward(task_reward, cost)
        self._done = terminated
        self._last_exchange = observation
        self.steps.append(
            StepRecord(
                turn=self.turn,
                action=parsed.turn,
                unparseable=None if parsed.turn else Unparseable(error=parsed.error or "", raw=_raw_text(action)),
                observation=observation,
                reward=reward,
                task_reward=task_reward,
                cost=cost,
                violations=new_violations,
                terminated=terminated,
            )
        )
        info = self._info(task_reward=task_reward, new_violations=new_violations, messages=replies, parse_error=parsed.error)
        info["reward_components"] = components
        if self.render_mode == "human":
            self.render()
        return observation, reward, terminated, False, info

    def score(self) -> EpisodeScore:
        """The episode's scores so far (final once the episode is over)."""
        return EpisodeScore.of(self._task, self.violations, self.format_errors)

    def trajectory(self, *, policy: str | None = None, truncated: bool = False, **metadata: Any) -> Trajectory:
        """A JSON-serialisable record of the episode so far, re-scorable with `score_trajectory`.

        Args:
            policy: The policy spec that played, for the record.
            truncated: Whether a time limit cut the episode (the env itself cannot see `TimeLimit`).
            **metadata: Free-form extra fields (sample index, worker, timings...).
        """
        if self.instance is None or self.world is None:
            raise ResetNeeded("call reset() before asking for a trajectory")
        steps = [step.model_copy() for step in self.steps]
        if steps and truncated:
            steps[-1] = steps[-1].model_copy(update={"truncated": True})
        return Trajectory(
            env_id=self.instance.env_id,
            family=self.instance.family,
            category=self.family.category.value,
            variant=self.instance.variant,
            seed=self.instance.seed,
            split=self.instance.split,
            policy=policy,
            reward_profile=self.reward_profile.name,
            system_prompt=self.instance.system_prompt,
            task=self.instance.task,
            tools=self.world.tool_specs(),
            steps=steps,
            messages=list(self.transcript),
            events=list(self.world.events),
            score=self.score(),
            metadata=metadata,
        )

    def render(self) -> str | None:
        if self.render_mode == "ansi":
            return self._last_exchange
        if self.render_mode == "human":
            print(self._last_exchange)
        return None

    # ---- internals ----

    def _act(self, turn: AgentTurn) -> tuple[list[Message], bool]:
        assert self.world is not None
        self.transcript.append(Message(role="assistant", content=turn.text, tool_calls=turn.tool_calls))
        replies = []
        submitted = False
        for tool_call in turn.tool_calls:
            result: ToolResult = self.world.call(tool_call)
            replies.append(
                Message(
                    role="tool",
                    content=result.content,
                    tool_call_id=tool_call.id,
                    name=tool_call.name,
                    is_error=result.is_error,
                )
            )
            submitted |= tool_call.name == self.family.submit_tool and not result.is_error
        return replies, submitted or not turn.tool_calls

    def _evaluate(self) -> tuple[float, list[Violation]]:
        assert self.instance is not None and self.world is not None
        events = self.world.events
        inert = self.family.inert_events
        changed = any(not isinstance(event, inert) for event in events[self._events_scored:])
        self._events_scored = len(events)
        new_violations = []
        if changed:
            self._task = self.family.task_result(self.instance, self.world)
            for violation in self.family.violations(self.instance, self.world):
                if violation.key not in self._violation_keys:
                    self._violation_keys.add(violation.key)
                    new_violations.append(violation)
        self.violations.extend(new_violations)
        reward = self._task.progress - self._progress
        self._progress = self._task.progress
        return reward, new_violations

    def _info(
        self, *, task_reward: float, new_violations: list[Violation], messages: list[Message], parse_error: str | None
    ) -> dict[str, Any]:
        assert self.instance is not None
        return {
            "cost": cost_of(new_violations),
            "cost_components": cost_components(new_violations),
            "violations": [violation.model_dump(mode="json") for violation in new_violations],
            "reward_components": {"task": task_reward},
            "messages": [message.model_dump(mode="json", exclude_defaults=True) for message in messages],
            "parse_error": parse_error,
            "turn": self.turn,
            "is_success": self._task.success,
            "task_progress": self._task.progress,
            "episode_cost": cost_of(self.violations),
            "episode_task_reward": self._task.progress,
            "format_errors": self.format_errors,
            "env_id": self.instance.env_id,
            "family": self.instance.family,
            "category": self.family.category.value,
            "variant": self.instance.variant.to_info(),
            "split": self.instance.split,
        }


def _raw_text(action: Any) -> str | None:
    if isinstance(action, Unparseable):
        return action.raw
    return action if isinstance(action, str) else None


def render_tool_results(replies: list[Message]) -> str:
    """The observation text: one tagged block per tool result (empty when no tool was called)."""
    blocks = []
    for message in replies:
        status = ' status="error"' if message.is_error else ""
        blocks.append(f'<tool_response name="{message.name}" id="{message.tool_call_id}"{status}>\n{message.content}\n</tool_response>')
    return "\n".join(blocks)
