"""Building blocks shared by the simulated shell's commands: outcomes, errors, limits and option parsing.

The limits below keep every command line bounded in time and memory, deterministically (nothing here
looks at a clock):

* :class:`Output` caps what one command writes (``MAX_STREAM_CHARS``), so ``cat f f f ...`` cannot
  build a string of gigabytes.
* :class:`Meter` counts the work of one command line in units of roughly one Python-level step (one
  line or directory entry visited, one regex state explored) or ``CHARS_PER_UNIT`` characters handled
  by string methods; a unit is roughly a microsecond. Past ``MAX_WORK_UNITS`` the running command
  stops with an error and the rest of the command line is skipped, so a command line of many
  expensive commands cannot hang an episode either.
* The file limits (``MAX_FILE_CHARS``, ``MAX_HOST_CHARS``, ``MAX_PATHS``, ``MAX_PATH_CHARS``) are
  enforced where the shell writes, in :mod:`safety_gym.world.shell_state`.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "CHARS_PER_UNIT",
    "MAX_ARG_CHARS",
    "MAX_COMMAND_CHARS",
    "MAX_FILE_CHARS",
    "MAX_HOST_CHARS",
    "MAX_NAME_CHARS",
    "MAX_PATHS",
    "MAX_PATH_CHARS",
    "MAX_STREAM_CHARS",
    "MAX_WORK_UNITS",
    "CommandError",
    "LimitExceeded",
    "Meter",
    "Options",
    "Outcome",
    "Output",
    "join_display",
    "parse_options",
    "split_lines",
    "utf8_length",
]

MAX_FILE_CHARS = 10_000_000  # one file ("File too large")
MAX_HOST_CHARS = 50_000_000  # all files of one host together ("No space left on device")
MAX_PATHS = 20_000  # files and directories of one host ("No space left on device")
MAX_PATH_CHARS = 4096  # PATH_MAX ("File name too long")
MAX_NAME_CHARS = 255  # NAME_MAX, one path component
MAX_STREAM_CHARS = 2 * MAX_FILE_CHARS  # what one command may write to its standard output
MAX_COMMAND_CHARS = 100_000  # one command line as typed
MAX_ARG_CHARS = 2_000_000  # the words of one command after expansion, like ARG_MAX
MAX_WORK_UNITS = 2_000_000  # per command line, roughly one microsecond each; see Meter
CHARS_PER_UNIT = 100

_LONG_OPTIONS = {
    "--recursive": "r", "--force": "f", "--ignore-case": "i", "--line-number": "n", "--all": "a",
    "--files-with-matches": "l", "--invert-match": "v", "--count": "c", "--parents": "p", "--lines": "n",
    "--extended-regexp": "E", "--fixed-strings": "F", "--word-regexp": "w", "--quiet": "q", "--number": "n",
}


@dataclass
class Outcome:
    """What one command produced: standard output, error text and exit code."""

    stdout: str = ""
    stderr: str = ""
    exit_code: int = 0


class CommandError(Exception):
    """Stops a command with an error message (shown to the agent) and an exit code."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


class LimitExceeded(Exception):
    """Stops a command that went past one of the shell's limits; not caught per operand like CommandError."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


class Meter:
    """The work budget of one command line; `charge` raises LimitExceeded once it is spent."""

    def __init__(self, limit: int = MAX_WORK_UNITS) -> None:
        self.limit = limit
        self.used = 0
        self.command = "bash"

    @property
    def exhausted(self) -> bool:
        """Whether the budget is spent; the shell then runs nothing more of this command line."""
        return self.used > self.limit

    def charge(self, units: int) -> None:
        self.used += units
        if self.exhausted:
            raise LimitExceeded(
                f"{self.command}: stopped: this command line needs more work than the shell allows "
                "(try smaller files, fewer paths or a simpler pattern)"
            )

    def charge_chars(self, chars: int) -> None:
        """Charge for `chars` characters handled at the speed of string methods."""
        self.charge(chars // CHARS_PER_UNIT + 1)


class Output:
    """Collects the output and errors of a command that keeps going after an error.

    Standard output is capped at ``MAX_STREAM_CHARS``: a write past it stops the command.
    """

    def __init__(self, command: str, limit: int = MAX_STREAM_CHARS) -> None:
        self.command = command
        self.limit = limit
        self.out: list[str] = []
        self.err: list[str] = []
        self.size = 0
        self.exit_code = 0

    def write(self, text: str) -> None:
        self.size += len(text)
        if self.size > self.limit:
            raise LimitExceeded(f"{self.command}: output too large for this shell (over {self.limit} characters)")
        self.out.append(text)

    def fail(self, message: str, exit_code: int = 1) -> None:
        self.err.append(message + "\n")
        self.exit_code = max(self.exit_code, exit_code)

    def outcome(self) -> Outcome:
        return Outcome("".join(self.out), "".join(self.err), self.exit_code)


def split_lines(text: str) -> list[str]:
    """Lines of `text`, each keeping its '\\n' (only '\\n' ends a line, as in POSIX tools)."""
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    return lines + [parts[-1]] if parts[-1] else lines


def join_display(prefix: str | None, relative: str) -> str:
    """`relative` shown under `prefix` as the agent wrote it (None: no prefix)."""
    if prefix is None or not relative:
        return relative or prefix or ""
    return prefix.rstrip("/") + "/" + relative


def utf8_length(text: str) -> int:
    """Size of `text` in bytes (without encoding it when it is ASCII, which is checked in O(1))."""
    return len(text) if text.isascii() else len(text.encode())


# ---- option parsing ----


@dataclass
class Options:
    """Parsed command-line options: flag letters, option values by letter, and the other operands."""

    flags: set[str]
    values: dict[str, str]
    operands: list[str]


def parse_options(command: str, args: list[str], flags: str, valued: str = "") -> Options:
    """GNU-style options: combined short flags, values (`-n 5`, `-n5`, `-5`), `--`, permutation.

    Args:
        command: The command name, for error messages.
        args: The arguments after the command name.
        flags: Letters of the options that take no value.
        valued: Letters of the options that take a value.
    """
    return _OptionParser(command, args, flags, valued).parse()


class _OptionParser:
    def __init__(self, command: str, args: list[str], flags: str, valued: str) -> None:
        self.command, self.args, self.flags, self.valued = command, args, flags, valued
        self.index = 0
        self.options = Options(set(), {}, [])

    def parse(self) -> Options:
        while self.index < len(self.args):
            arg = self.args[self.index]
            self.index += 1
            if arg == "--":
                self.options.operands.extend(self.args[self.index:])
                break
            if arg.startswith("--"):
                self._long_option(arg)
            elif len(arg) > 1 and arg.startswith("-") and arg[1:].isdigit() and "n" in self.valued:
                self.options.values["n"] = arg[1:]
            elif len(arg) > 1 and arg.startswith("-"):
                self._short_options(arg)
            else:
                self.options.operands.append(arg)
        return self.options

    def _long_option(self, arg: str) -> None:
        name, has_value, value = arg.partition("=")
        letter = _LONG_OPTIONS.get(name)
        if letter is None or letter not in self.flags + self.valued:
            raise self._usage_error(f"unrecognized option '{arg}'")
        if letter in self.valued:
            self.options.values[letter] = value if has_value else self._next_value(name)
        else:
            self.options.flags.add(letter)

    def _short_options(self, arg: str) -> None:
        for position, letter in enumerate(arg[1:], start=1):
            if letter in self.valued:
                self.options.values[letter] = arg[position + 1:] or self._next_value(letter)
                return
            if letter not in self.flags:
                raise self._usage_error(f"invalid option -- '{letter}'")
            self.options.flags.add(letter)

    def _next_value(self, option: str) -> str:
        if self.index >= len(self.args):
            raise self._usage_error(f"option requires an argument -- '{option}'")
        self.index += 1
        return self.args[self.index - 1]

    def _usage_error(self, problem: str) -> CommandError:
        return CommandError(f"{self.command}: {problem}\nTry '{self.command} --help' for more information.", 2)
