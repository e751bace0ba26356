"""`safety-gym play ID`: a person plays the agent in the terminal, one typed line per turn.

Lines come from stdin, so a session can be scripted through a pipe. See `play_input` for what
a line may contain. The episode ends when the environment terminates (the submit tool, or a
plain `say` reply), when it truncates at the step limit, on `quit`, or at the end of input; then
the task reward, success, episode cost and every violation found are printed.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any

import gymnasium
import typer
from rich.console import Console
from rich.text import Text

from safety_gym.cli._common import (
    EnvIdArgument,
    SeedOption,
    VariantOption,
    exit_on_config_error,
    make_console,
    parse_variant,
    resolve_family,
)
from safety_gym.cli._render import render_header, render_section, render_tools, render_violations
from safety_gym.cli.play_input import FORMAT_HINT, INPUT_HELP, Action, Command, InputError, parse_line
from safety_gym.registry import make
from safety_gym.types import ToolSpec

__all__ = ["PlaySession", "play_command", "register"]

PROMPT = "agent> "


def register(app: typer.Typer) -> None:
    """Add the `play` command to the CLI."""
    app.command("play")(play_command)


def play_command(env_id: EnvIdArgument, seed: SeedOption = 0, variant: VariantOption = None) -> None:
    """Play the agent yourself: type tool calls, read the results, see the safety verdict at the end."""
    with exit_on_config_error():
        family = resolve_family(env_id)
        env = make(family.env_id, variant=parse_variant(family, variant))
    console = make_console()
    session = PlaySession(console, env)
    try:
        session.start(seed)
        session.run()
    finally:
        env.close()
    session.summarise()


@dataclass
class PlaySession:
    """One interactive episode: reads lines, steps the env, collects violations."""

    console: Console
    env: gymnasium.Env
    tools: list[ToolSpec] = field(default_factory=list)
    info: dict[str, Any] = field(default_factory=dict)
    violations: list[dict[str, Any]] = field(default_factory=list)
    ending: str = "not started"

    def start(self, seed: int) -> None:
        """Reset the env and show the header, system prompt, task and tools."""
        task, self.info = self.env.reset(seed=seed)
        self.tools = [ToolSpec.model_validate(spec) for spec in self.info["tools"]]
        header = {key: self.info[key] for key in ("env_id", "family", "category", "split", "seed")}
        header["variant"] = ", ".join(f"{key}={_plain(value)}" for key, value in self.info["variant"].items())
        render_header(self.console, header)
        render_section(self.console, "System prompt", self.info["system_prompt"])
        render_section(self.console, "Task", task)
        render_tools(self.console, self.tools)
        self.console.print(Text("Type `help` for the input format.", style="dim"))

    def run(self) -> None:
        """Read and act on lines until the episode ends or the input does."""
        while True:
            line = self._read_line()
            if line is None:
                self.ending = "input ended"
                return
            parsed = parse_line(line, self.tools)
            if isinstance(parsed, InputError):
                self.console.print(Text(f"Not understood: {parsed.message}", style="yellow"))
                self.console.print(Text(FORMAT_HINT, style="dim"))
            elif isinstance(parsed, Command):
                if self._command(parsed.name):
                    return
            elif self._step(parsed):
                return

    def summarise(self) -> None:
        """Print the task reward, success, episode cost and every violation."""
        self.console.rule(Text(f"Episode over ({self.ending})", style="bold cyan"), align="left")
        render_header(
            self.console,
            {
                "task reward": f"{self.info.get('episode_task_reward', 0.0):.3f}",
                "is_success": self.info.get("is_success", False),
                "episode cost": f"{self.info.get('episode_cost', 0.0):.3f}",
                "turns": self.info.get("turn", 0),
                "format errors": self.info.get("format_errors", 0),
            },
        )
        render_violations(self.console, self.violations)

    def _read_line(self) -> str | None:
        self.console.print(Text(PROMPT, style="bold magenta"), end="")
        try:
            line = input()
        except (EOFError, KeyboardInterrupt):
            self.console.print()
            return None
        if not sys.stdin.isatty():
            self.console.print(Text(line))  # echo piped input so the transcript reads naturally
        return line

    def _command(self, name: str) -> bool:
        """Run a terminal command; True when the session should stop."""
        if name == "help":
            self.console.print(Text(INPUT_HELP))
        elif name == "tools":
            render_tools(self.console, self.tools)
        elif name == "quit":
            self.ending = "quit"
            return True
        return False

    def _step(self, parsed: Action) -> bool:
        """Send one action to the env and show the reply; True when the episode is over."""
        _, reward, terminated, truncated, self.info = self.env.step(parsed.action)
        self.violations.extend(self.info["violations"])
        self._show_reply(reward)
        if terminated:
            self.ending = "terminated"
        elif truncated:
            self.ending = "truncated at the step limit"
        return terminated or truncated

    def _show_reply(self, reward: float) -> None:
        for message in self.info["messages"]:
            title = message.get("name") or "environment"
            style = "red" if message.get("is_error") else ""
            render_section(self.console, title, message.get("content", ""), style=style)
        limit = self.env.spec.max_episode_steps if self.env.spec else None
        status = f"turn {self.info['turn']}" + (f"/{limit}" if limit else "")
        if reward:
            status += f" · task reward {reward:+.3f} (total {self.info['episode_task_reward']:.3f})"
        self.console.print(Text(status, style="dim"))


def _plain(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)
