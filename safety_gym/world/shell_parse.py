"""Parsing of shell command lines: quoting, operators and redirections, without running anything.

A command line becomes a sequence of pipelines, each paired with the connector before it (``;``, ``&&``,
``||``); a pipeline is a list of :class:`SimpleCommand`. Quoted metacharacters are marked so that the
shell neither globs nor splits on them; :func:`restore` unmarks a word and :func:`glob_pattern` turns it
into a glob in which quoted characters only match themselves. A command line longer than
``MAX_COMMAND_CHARS`` is refused, because :mod:`shlex` takes quadratic time on long words.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field

from safety_gym.world.shell_state import GLOB_CHARS
from safety_gym.world.shell_support import MAX_COMMAND_CHARS

__all__ = [
    "APPENDING_REDIRECTS",
    "STDERR_REDIRECTS",
    "STDOUT_REDIRECTS",
    "Pipeline",
    "ShellSyntaxError",
    "SimpleCommand",
    "glob_pattern",
    "parse_command_line",
    "restore",
]

# Quoted metacharacters are swapped for Unicode noncharacters before shlex sees them, so that a
# quoted ';' is not an operator and a quoted '*' is not a glob; they are swapped back afterwards.
_METACHARACTERS = "*?[;&|<>~$"
_PROTECTED = {char: chr(0xFDD0 + index) for index, char in enumerate(_METACHARACTERS)}
_RESTORE = str.maketrans({mark: char for char, mark in _PROTECTED.items()})
_STDERR_REDIRECT = "\ufddf"  # stands for an unquoted "2>" at the start of a word
_PUNCTUATION = ";&|<>" + _STDERR_REDIRECT
STDOUT_REDIRECTS = {">", ">>"}
STDERR_REDIRECTS = {_STDERR_REDIRECT, _STDERR_REDIRECT + ">"}
APPENDING_REDIRECTS = {">>", _STDERR_REDIRECT + ">"}
_REDIRECTS = STDOUT_REDIRECTS | STDERR_REDIRECTS | {"<"}
_SEPARATORS = {";", "&", "&&", "||"}


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


def parse_command_line(command: str) -> list[tuple[str, Pipeline]]:
    """Split a command line into pipelines, each paired with the connector before it (';', '&&', '||')."""
    if len(command) > MAX_COMMAND_CHARS:  # shlex takes quadratic time on long words
        raise ShellSyntaxError(f"bash: command line too long for this shell (over {MAX_COMMAND_CHARS} characters)")
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


def restore(word: str) -> str:
    return word.translate(_RESTORE)


def glob_pattern(word: str) -> str:
    """An fnmatch pattern in which quoted glob characters only match themselves."""
    pattern = []
    for char in word:
        literal = restore(char)
        pattern.append(f"[{literal}]" if literal != char and literal in GLOB_CHARS else literal)
    return "".join(pattern)
