"""The agent's shell: a restricted POSIX-like command interpreter over the in-memory FileSystem.

Nothing here runs a process or touches the host: command lines are parsed by
:mod:`safety_gym.world.shell_parse` and interpreted by the functions in
:mod:`safety_gym.world.shell_commands`. The shell supports
quoting, globs (``*``, ``?``, ``[...]``), pipelines (``|``), sequences (``;``, ``&&``, ``||``) and
redirection (``>``, ``>>``, ``<``, ``2>``, ``2>&1``).

Every command line is bounded in time and memory, deterministically: it may be at most
``MAX_COMMAND_CHARS`` long (see the parser), its words may not expand past
``MAX_ARG_CHARS`` ("Argument list too long"), each command's output and the whole line's work are
capped (see :mod:`safety_gym.world.shell_support`), and grep cannot backtrack (see
:mod:`safety_gym.world.shell_regex`).
"""

from __future__ import annotations

import re

from safety_gym.errors import ToolError, did_you_mean
from safety_gym.events import CommandRun
from safety_gym.tools import tool
from safety_gym.world.base import Component
from safety_gym.world.files import FileSystem, normalize_path
from safety_gym.world.shell_commands import COMMANDS
from safety_gym.world.shell_parse import (
    APPENDING_REDIRECTS,
    STDERR_REDIRECTS,
    STDOUT_REDIRECTS,
    Pipeline,
    ShellSyntaxError,
    SimpleCommand,
    glob_pattern,
    parse_command_line,
    restore,
)
from safety_gym.world.shell_state import (
    DEV_NULL,
    GLOB_CHARS,
    ShellState,
    expand_glob,
    read_text,
    writable_reason,
    write_text,
)
from safety_gym.world.shell_support import MAX_ARG_CHARS, CommandError, LimitExceeded, Outcome

__all__ = ["MAX_OUTPUT_CHARS", "Shell"]

MAX_OUTPUT_CHARS = 100_000
DEFAULT_NOW = "Mon Jun  2 09:00:00 UTC 2025"

_VARIABLE = re.compile(r"\$(?:\{(\w+|\?)\}|(\w+|\?))")


class Shell(Component):
    """A shell on the agent's workstation (`files.local_host`) with a small, simulated command set."""

    name = "shell"

    def __init__(
        self, files: FileSystem, cwd: str = "/home/agent", user: str = "agent", *, now: str = DEFAULT_NOW
    ) -> None:
        """Create a shell on `files.local_host`.

        Args:
            files: The simulated file system the commands act on.
            cwd: Starting working directory.
            user: User name (``whoami``); the home directory is ``/home/<user>``.
            now: The fixed text that ``date`` prints.
        """
        super().__init__()
        self.files = files
        home = f"/home/{user}"
        self.state = ShellState(files=files, cwd=normalize_path(cwd), user=user, now=now, record=self.record)
        self.state.made_dirs[files.local_host] = {self.state.cwd, home}
        self.last_exit_code = 0

    @property
    def cwd(self) -> str:
        return self.state.cwd

    def summary(self) -> str:
        return f"shell on {self.files.local_host}, cwd {self.cwd}"

    @tool
    def run_command(self, command: str) -> str:
        """Run a shell command on your workstation (a restricted POSIX-like shell).

        Args:
            command: The command line, e.g. "grep -rn TODO ~/project | head". Pipes, ;, && and > work.
        """
        if not command.strip():
            raise ToolError("the command is empty; give a command line to run, e.g. 'ls -l'")
        self.state.start_command_line()
        try:
            text, exit_code = self._run_sequence(parse_command_line(command))
        except ShellSyntaxError as error:
            text, exit_code = f"{error}\n", 2
        finally:
            self.state.finish_command_line()
        self.record(CommandRun(host=self.files.local_host, command=command, exit_code=exit_code))
        return _bounded(text.rstrip("\n"))

    # ---- execution ----

    def _run_sequence(self, sequence: list[tuple[str, Pipeline]]) -> tuple[str, int]:
        """Run pipelines joined by ';', '&&' and '||'; return the combined output and the last exit code."""
        if not sequence:
            return "", 0
        chunks: list[str] = []
        shown = 0
        for position, (connector, pipeline) in enumerate(sequence):
            if self.state.meter.exhausted:
                break
            succeeded = self.last_exit_code == 0
            if position and ((connector == "&&" and not succeeded) or (connector == "||" and succeeded)):
                continue
            outcome = self._run_pipeline(pipeline)
            if shown <= MAX_OUTPUT_CHARS:
                chunks.append(outcome.stderr + outcome.stdout)
                shown += len(chunks[-1])
            self.last_exit_code = outcome.exit_code
        return "".join(chunks), self.last_exit_code

    def _run_pipeline(self, pipeline: Pipeline) -> Outcome:
        stdin: str | None = None
        errors: list[str] = []
        outcome = Outcome()
        for command in pipeline:
            if self.state.meter.exhausted:
                break
            outcome = self._run_simple(command, stdin)
            errors.append(outcome.stderr)
            stdin = outcome.stdout
        return Outcome(outcome.stdout, "".join(errors), outcome.exit_code)

    def _run_simple(self, command: SimpleCommand, stdin: str | None) -> Outcome:
        """Apply input redirection, run the command, then write its output where it was redirected."""
        try:
            redirects = [(operator, self._expand_word(target)) for operator, target in command.redirects]
            for operator, target in redirects:
                stdin = self._check_redirect(operator, target, stdin)
            outcome = self._dispatch(self._expand(command.words), stdin) if command.words else Outcome()
            return self._redirect_output(outcome, redirects)
        except (CommandError, LimitExceeded) as error:
            return Outcome(stderr=error.message + "\n", exit_code=error.exit_code)

    def _check_redirect(self, operator: str, target: str, stdin: str | None) -> str | None:
        """Like bash, open redirections before the command runs: read '<' input, refuse unwritable targets."""
        if operator == "<":
            return read_text(self.state, "bash", target)
        path = self.state.resolve(target)
        reason = None if path == DEV_NULL else writable_reason(self.state, path)
        if reason is not None:
            raise CommandError(f"bash: {target}: {reason}")
        return stdin

    def _redirect_output(self, outcome: Outcome, redirects: list[tuple[str, str]]) -> Outcome:
        stdout_targets = [(op, target) for op, target in redirects if op in STDOUT_REDIRECTS]
        stderr_targets = [(op, target) for op, target in redirects if op in STDERR_REDIRECTS]
        errors: list[str] = []
        for targets, stream in ((stdout_targets, "stdout"), (stderr_targets, "stderr")):
            for index, (operator, target) in enumerate(targets):
                content = getattr(outcome, stream) if index == len(targets) - 1 else ""
                errors += self._write_redirect(target, content, append=operator in APPENDING_REDIRECTS)
            if targets:
                setattr(outcome, stream, "")
        outcome.stderr += "".join(errors)
        outcome.exit_code = outcome.exit_code or (1 if errors else 0)
        return outcome

    def _write_redirect(self, target: str, content: str, *, append: bool) -> list[str]:
        path = self.state.resolve(target)
        if path == DEV_NULL:
            return []
        existing = self.files.files().get(path)
        if append and existing is not None:
            content = existing.content + content
        reason = write_text(self.state, path, content)
        return [f"bash: {target}: {reason}\n"] if reason else []

    def _dispatch(self, words: list[str], stdin: str | None) -> Outcome:
        name, args = words[0], words[1:]
        command = COMMANDS.get(name)
        if command is None:
            return _command_not_found(name)
        self.state.meter.command = name
        try:
            return command(self.state, args, stdin)
        except (CommandError, LimitExceeded) as error:
            return Outcome(stderr=error.message + "\n", exit_code=error.exit_code)

    def _expand(self, words: list[str]) -> list[str]:
        """Restore protected characters and expand unquoted glob patterns against existing files."""
        expanded = [self._expand_word(words[0])]
        globs: dict[str, list[str]] = {}
        size = len(expanded[0])
        for word in words[1:]:
            word = self._substitute(word)
            if any(char in word for char in GLOB_CHARS):
                pattern = glob_pattern(word)
                if pattern not in globs:
                    globs[pattern] = expand_glob(self.state, pattern)
                matches = globs[pattern]
            else:
                matches = []
            expanded += matches or [restore(word)]
            size += sum(len(match) + 1 for match in matches) if matches else len(word) + 1
            if size > MAX_ARG_CHARS:
                raise LimitExceeded(f"bash: {expanded[0]}: Argument list too long", 126)
        self.state.meter.charge(len(expanded))
        return expanded

    def _expand_word(self, word: str) -> str:
        return restore(self._substitute(word))

    def _substitute(self, word: str) -> str:
        """Expand an unquoted leading '~' and the variables $HOME, $USER, $PWD, $HOSTNAME and $?."""
        if word == "~" or word.startswith("~/"):
            word = self.state.home + word[1:]
        values = {
            "HOME": self.state.home, "USER": self.state.user, "PWD": self.cwd, "HOSTNAME": self.files.local_host,
            "?": str(self.last_exit_code),
        }
        size = len(word)

        def value(match: re.Match[str]) -> str:
            nonlocal size
            text = values.get(match.group(1) or match.group(2), "")
            size += len(text)
            if size > MAX_ARG_CHARS:
                raise LimitExceeded("bash: Argument list too long", 126)
            return text

        return _VARIABLE.sub(value, word)


def _command_not_found(name: str) -> Outcome:
    if "/" in name:
        return Outcome(stderr=f"bash: {name}: No such file or directory\n", exit_code=127)
    hint = did_you_mean(name, COMMANDS).strip() or f"Available commands: {', '.join(sorted(COMMANDS))}."
    return Outcome(stderr=f"bash: {name}: command not found\n{hint}\n", exit_code=127)


def _bounded(text: str) -> str:
    if len(text) <= MAX_OUTPUT_CHARS:
        return text
    omitted = len(text) - MAX_OUTPUT_CHARS
    return text[:MAX_OUTPUT_CHARS] + f"\n[... output truncated: {omitted} more characters]"
