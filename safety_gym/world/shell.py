"""The agent's shell: a restricted POSIX-like command interpreter over the in-memory FileSystem.

Nothing here runs a process or touches the host: command lines are parsed with :mod:`shlex` and
interpreted by the functions in :mod:`safety_gym.world.shell_commands`. The shell supports
quoting, globs (``*``, ``?``, ``[...]``), pipelines (``|``), sequences (``;``, ``&&``, ``||``) and
redirection (``>``, ``>>``, ``<``, ``2>``, ``2>&1``).
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field

from safety_gym.errors import ToolError, did_you_mean
from safety_gym.events import CommandRun
from safety_gym.tools import tool
from safety_gym.world.base import Component
from safety_gym.world.files import FileSystem, normalize_path
from safety_gym.world.shell_commands import (
    COMMANDS,
    DEV_NULL,
    GLOB_CHARS,
    CommandError,
    Outcome,
    ShellState,
    expand_glob,
    read_text,
    writable_reason,
    write_text,
)

__all__ = ["MAX_OUTPUT_CHARS", "Shell"]

MAX_OUTPUT_CHARS = 100_000
DEFAULT_NOW = "Mon Jun  2 09:00:00 UTC 2025"

# Quoted metacharacters are swapped for Unicode noncharacters before shlex sees them, so that a
# quoted ';' is not an operator and a quoted '*' is not a glob; they are swapped back afterwards.
_METACHARACTERS = "*?[;&|<>~$"
_PROTECTED = {char: chr(0xFDD0 + index) for index, char in enumerate(_METACHARACTERS)}
_RESTORE = str.maketrans({mark: char for char, mark in _PROTECTED.items()})
_STDERR_REDIRECT = "\ufddf"  # stands for an unquoted "2>" at the start of a word
_PUNCTUATION = ";&|<>" + _STDERR_REDIRECT
_STDOUT_REDIRECTS = {">", ">>"}
_STDERR_REDIRECTS = {_STDERR_REDIRECT, _STDERR_REDIRECT + ">"}
_APPENDING_REDIRECTS = {">>", _STDERR_REDIRECT + ">"}
_REDIRECTS = _STDOUT_REDIRECTS | _STDERR_REDIRECTS | {"<"}
_SEPARATORS = {";", "&", "&&", "||"}
_VARIABLE = re.compile(r"\$(?:\{(\w+|\?)\}|(\w+|\?))")


class ShellSyntaxError(Exception):
    """A command line that cannot be parsed; the message is bash-style."""


@dataclass
class SimpleCommand:
    """One command of a pipeline: its words (still protected) and its redirections."""

    words: list[str] = field(default_factory=list)
    redirects: list[tuple[str, str]] = field(default_factory=list)

    def is_empty(self) -> bool:
        return not self.words and not self.redirects


Pipeline = list[SimpleCommand]


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
        try:
            text, exit_code = self._run_sequence(parse_command_line(command))
        except ShellSyntaxError as error:
            text, exit_code = f"{error}\n", 2
        self.record(CommandRun(host=self.files.local_host, command=command, exit_code=exit_code))
        return _bounded(text.rstrip("\n"))

    # ---- execution ----

    def _run_sequence(self, sequence: list[tuple[str, Pipeline]]) -> tuple[str, int]:
        """Run pipelines joined by ';', '&&' and '||'; return the combined output and the last exit code."""
        if not sequence:
            return "", 0
        chunks: list[str] = []
        for position, (connector, pipeline) in enumerate(sequence):
            succeeded = self.last_exit_code == 0
            if position and ((connector == "&&" and not succeeded) or (connector == "||" and succeeded)):
                continue
            outcome = self._run_pipeline(pipeline)
            if sum(len(chunk) for chunk in chunks) <= MAX_OUTPUT_CHARS:
                chunks.append(outcome.stderr + outcome.stdout)
            self.last_exit_code = outcome.exit_code
        return "".join(chunks), self.last_exit_code

    def _run_pipeline(self, pipeline: Pipeline) -> Outcome:
        stdin: str | None = None
        errors: list[str] = []
        outcome = Outcome()
        for command in pipeline:
            outcome = self._run_simple(command, stdin)
            errors.append(outcome.stderr)
            stdin = outcome.stdout
        return Outcome(outcome.stdout, "".join(errors), outcome.exit_code)

    def _run_simple(self, command: SimpleCommand, stdin: str | None) -> Outcome:
        """Apply input redirection, run the command, then write its output where it was redirected."""
        redirects = [(operator, self._expand_word(target)) for operator, target in command.redirects]
        for operator, target in redirects:
            try:
                stdin = self._check_redirect(operator, target, stdin)
            except CommandError as error:
                return Outcome(stderr=error.message + "\n", exit_code=error.exit_code)
        outcome = self._dispatch(self._expand(command.words), stdin) if command.words else Outcome()
        return self._redirect_output(outcome, redirects)

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
        stdout_targets = [(op, target) for op, target in redirects if op in _STDOUT_REDIRECTS]
        stderr_targets = [(op, target) for op, target in redirects if op in _STDERR_REDIRECTS]
        errors: list[str] = []
        for targets, stream in ((stdout_targets, "stdout"), (stderr_targets, "stderr")):
            for index, (operator, target) in enumerate(targets):
                content = getattr(outcome, stream) if index == len(targets) - 1 else ""
                errors += self._write_redirect(target, content, append=operator in _APPENDING_REDIRECTS)
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
        try:
            return command(self.state, args, stdin)
        except CommandError as error:
            return Outcome(stderr=error.message + "\n", exit_code=error.exit_code)

    def _expand(self, words: list[str]) -> list[str]:
        """Restore protected characters and expand unquoted glob patterns against existing files."""
        expanded = [self._expand_word(words[0])]
        for word in words[1:]:
            word = self._substitute(word)
            matches = expand_glob(self.state, _glob_pattern(word)) if any(c in word for c in GLOB_CHARS) else []
            expanded += matches or [_restore(word)]
        return expanded

    def _expand_word(self, word: str) -> str:
        return _restore(self._substitute(word))

    def _substitute(self, word: str) -> str:
        """Expand an unquoted leading '~' and the variables $HOME, $USER, $PWD, $HOSTNAME and $?."""
        if word == "~" or word.startswith("~/"):
            word = self.state.home + word[1:]
        values = {
            "HOME": self.state.home, "USER": self.state.user, "PWD": self.cwd, "HOSTNAME": self.files.local_host,
            "?": str(self.last_exit_code),
        }
        return _VARIABLE.sub(lambda match: values.get(match.group(1) or match.group(2), ""), word)


# ---- parsing ----


def parse_command_line(command: str) -> list[tuple[str, Pipeline]]:
    """Split a command line into pipelines, each paired with the connector before it (';', '&&', '||')."""
    sequence: list[tuple[str, Pipeline]] = []
    pipeline: Pipeline = [SimpleCommand()]
    connector = ";"
    tokens = _tokenize(command)
    index = 0
    while index < len(tokens):
        token = tokens[index]
        index += 1
        if not _is_operator(token):
            pipeline[-1].words.append(token)
        elif token in _REDIRECTS:
            if index >= len(tokens) or _is_operator(tokens[index]):
                raise _unexpected(tokens[index] if index < len(tokens) else "newline")
            pipeline[-1].redirects.append((token, tokens[index]))
            index += 1
        elif token not in _SEPARATORS | {"|"} or pipeline[-1].is_empty():
            raise _unexpected(token)
        elif token == "|":
            pipeline.append(SimpleCommand())
        else:
            sequence.append((connector, pipeline))
            connector = token if token in ("&&", "||") else ";"
            pipeline = [SimpleCommand()]
    if not pipeline[-1].is_empty():
        sequence.append((connector, pipeline))
    elif len(pipeline) > 1 or connector != ";":
        raise ShellSyntaxError("bash: syntax error: unexpected end of file")
    return sequence


def _tokenize(command: str) -> list[str]:
    lexer = shlex.shlex(_protect_quoted(command), posix=True, punctuation_chars=_PUNCTUATION)
    lexer.whitespace_split = True
    lexer.commenters = ""
    try:
        return list(lexer)
    except ValueError as error:
        raise ShellSyntaxError(f"bash: syntax error: {str(error).lower()}") from None


def _protect_quoted(command: str) -> str:
    """Mark quoted metacharacters; also drop comments and `2>&1`, and turn newlines into ';'."""
    out: list[str] = []
    quote = ""
    index = 0
    while index < len(command):
        if quote:
            text, index, quote = _scan_quoted(command, index, quote)
        else:
            text, index, quote = _scan_unquoted(command, index)
        out.append(text)
    return "".join(out)


def _scan_quoted(command: str, index: int, quote: str) -> tuple[str, int, str]:
    """One step inside quotes: returns the text to emit, the next index and the quote still open."""
    char = command[index]
    if char == quote:
        return char, index + 1, ""
    following = command[index + 1:index + 2]
    if char == "\\" and quote == '"' and following in ('"', "\\", "$"):
        return (_PROTECTED["$"] if following == "$" else command[index:index + 2]), index + 2, quote
    if char == "$" and quote == '"':
        return char, index + 1, quote
    return _PROTECTED.get(char, char), index + 1, quote


def _scan_unquoted(command: str, index: int) -> tuple[str, int, str]:
    """One step outside quotes: returns the text to emit, the next index and the quote it opens."""
    char = command[index]
    following = command[index + 1:index + 2]
    at_word_start = index == 0 or command[index - 1] in " \t\n;&|<>"
    if char == "\\" and following:
        return ("" if following == "\n" else "\\" + _PROTECTED.get(following, following)), index + 2, ""
    if char == "#" and at_word_start:
        return "", len(command), ""
    if at_word_start and command.startswith("2>&1", index):
        return "", index + 4, ""
    if at_word_start and command.startswith("2>", index):
        return _STDERR_REDIRECT, index + 2, ""
    return (";" if char == "\n" else char), index + 1, (char if char in "'\"" else "")


def _is_operator(token: str) -> bool:
    return bool(token) and all(char in _PUNCTUATION for char in token)


def _unexpected(token: str) -> ShellSyntaxError:
    shown = token.replace(_STDERR_REDIRECT, "2>")
    return ShellSyntaxError(f"bash: syntax error near unexpected token `{shown}'")


def _restore(word: str) -> str:
    return word.translate(_RESTORE)


def _glob_pattern(word: str) -> str:
    """An fnmatch pattern in which quoted glob characters only match themselves."""
    pattern = []
    for char in word:
        literal = _restore(char)
        pattern.append(f"[{literal}]" if literal != char and literal in GLOB_CHARS else literal)
    return "".join(pattern)


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
