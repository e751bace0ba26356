"""grep's regular expressions: POSIX syntax read by Python's parser, matched without backtracking.

Python's :mod:`re` backtracks, has no timeout, and cannot be interrupted deterministically: ``(a+)+$``
takes exponential time on ``aaa…b``, and even an ordinary ``.*a.*b`` takes cubic time on a long line
(20 seconds for 4,000 characters). So grep uses ``re``'s own parser, to read a pattern exactly as
Python would, and compiles the parse tree into the linear-time automaton of
:mod:`safety_gym.world.shell_automaton` instead of running ``re``.

Patterns refused with exit code 2, ``grep: pattern too complex for this shell (REASON)``:

* nested repetition: an unbounded repetition inside another, ``(a+)+``, ``(a*)*``, ``(\\w+\\s?)*``, the
  classic shape of catastrophic backtracking (the automaton would match them in linear time, but
  they are refused so that a pattern's cost never depends on the engine underneath);
* what an automaton cannot match: backreferences (``\\1``), lookaround (``(?=…)``, ``(?<!…)``),
  conditionals, atomic groups and possessive repetition;
* patterns longer than ``MAX_PATTERN_CHARS`` or compiling to more than ``MAX_NODES`` automaton nodes
  (``x{1,9999}``); counted repetition and alternation are otherwise fine (``([0-9]{1,3}\\.){3}``).

Matching follows Python's semantics (classes, ``\\d``, ``\\w``, ``\\b``, case folding), except that
``grep -o`` prints leftmost-longest matches, as GNU grep does. ``re._parser`` is a private module;
anything in its tree that this compiler does not know is refused, never guessed at.
"""

from __future__ import annotations

import re
import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from safety_gym.world.shell_automaton import ASSERT, CHAR, EDGE, SPLIT, WORD, Automaton, Nfa
from safety_gym.world.shell_support import CHARS_PER_UNIT, CommandError, Meter

if sys.version_info >= (3, 11):
    from re import _parser as sre_parse  # type: ignore[attr-defined]
else:  # pragma: no cover
    import sre_parse

__all__ = ["MAX_NODES", "MAX_PATTERN_CHARS", "LiteralMatcher", "Matcher", "compile_grep_pattern"]

MAX_PATTERN_CHARS = 10_000
MAX_NODES = 5_000
_POSIX_CLASSES = {
    "[:alpha:]": "a-zA-Z", "[:digit:]": "0-9", "[:alnum:]": "a-zA-Z0-9", "[:upper:]": "A-Z",
    "[:lower:]": "a-z", "[:space:]": r"\s", "[:blank:]": r" \t", "[:xdigit:]": "0-9A-Fa-f",
    "[:punct:]": r"!-/:-@\[-`{-~",
}
_REFUSED = {
    "GROUPREF": "backreference", "GROUPREF_EXISTS": "conditional", "ASSERT": "lookaround",
    "ASSERT_NOT": "lookaround", "ATOMIC_GROUP": "atomic group", "POSSESSIVE_REPEAT": "possessive repetition",
}
_CATEGORIES: dict[str, Callable[[str], bool]] = {
    "CATEGORY_DIGIT": str.isdecimal, "CATEGORY_NOT_DIGIT": lambda c: not c.isdecimal(),
    "CATEGORY_SPACE": str.isspace, "CATEGORY_NOT_SPACE": lambda c: not c.isspace(),
    "CATEGORY_WORD": lambda c: c.isalnum() or c == "_", "CATEGORY_NOT_WORD": lambda c: not (c.isalnum() or c == "_"),
    "CATEGORY_LINEBREAK": lambda c: c == "\n", "CATEGORY_NOT_LINEBREAK": lambda c: c != "\n",
}
_AT_START = {"AT_BEGINNING", "AT_BEGINNING_STRING", "AT_BEGINNING_LINE"}
_AT_END = {"AT_END", "AT_END_STRING", "AT_END_LINE"}
_AT_BOUNDARY = {"AT_BOUNDARY", "AT_UNI_BOUNDARY", "AT_LOC_BOUNDARY"}
_AT_NON_BOUNDARY = {"AT_NON_BOUNDARY", "AT_UNI_NON_BOUNDARY", "AT_LOC_NON_BOUNDARY"}
_Item = tuple[Any, Any]  # (opcode, argument) in the tree of re._parser


class LiteralMatcher:
    """A pattern without special characters, matched by substring search."""

    def __init__(self, needle: str, meter: Meter) -> None:
        self.needle = needle
        self.meter = meter

    def search(self, line: str) -> bool:
        self.meter.charge(len(line) // CHARS_PER_UNIT + 3)
        return self.needle in line

    def find_all(self, line: str) -> list[str]:
        return [self.needle] * line.count(self.needle) if self.needle else []


Matcher = LiteralMatcher | Automaton


def compile_grep_pattern(pattern: str, flags: set[str], meter: Meter) -> Matcher:
    """The matcher for grep's PATTERN under its flags (E: extended, F: fixed, i: ignore case, w: words)."""
    if len(pattern) > MAX_PATTERN_CHARS:
        raise _too_complex("longer than 10000 characters")
    text = re.escape(pattern) if "F" in flags else posix_to_python(pattern, extended="E" in flags)
    tree = _parse(text, re.IGNORECASE if "i" in flags else 0)
    ignore_case = bool(tree.state.flags & sre_parse.SRE_FLAG_IGNORECASE)
    items: list[_Item] = list(tree.data)
    if not ignore_case and "w" not in flags and all(op.name == "LITERAL" for op, _ in items):
        return LiteralMatcher("".join(chr(code) for _, code in items), meter)
    return Automaton(_Compiler().build(items, ignore_case, words="w" in flags), meter)


def posix_to_python(pattern: str, extended: bool) -> str:
    """Translate a POSIX basic/extended regex into Python syntax (BRE swaps escaped metacharacters)."""
    for name, replacement in _POSIX_CLASSES.items():
        pattern = pattern.replace(name, replacement)
    swapped = "" if extended else "(){}|+?"
    out: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            following = pattern[index + 1]
            out.append(r"\b" if following in "<>" else following if following in swapped else "\\" + following)
            index += 2
            continue
        out.append("\\" + char if char in swapped or (char == "*" and not out) else char)
        index += 1
    return "".join(out)


def _parse(text: str, flags: int) -> sre_parse.SubPattern:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return sre_parse.parse(text, flags)
    except (re.error, RecursionError, OverflowError) as error:
        raise CommandError(f"grep: invalid regular expression: {error}", 2) from None


def _too_complex(reason: str) -> CommandError:
    return CommandError(f"grep: pattern too complex for this shell ({reason})", 2)


@dataclass(frozen=True)
class _Context:
    ignore_case: bool
    in_unbounded_repeat: bool = False


class _Compiler:
    """Builds the NFA back to front: each item is compiled knowing the node that follows it."""

    def __init__(self) -> None:
        self.nfa = Nfa()
        self.work = 0

    def build(self, items: list[_Item], ignore_case: bool, *, words: bool) -> Nfa:
        follow = self.nfa.match
        if words:  # grep -w: no word character just before or just after the match
            follow = self._add(ASSERT, follow, test=lambda previous, following: following != WORD)
        try:
            start = self._sequence(items, follow, _Context(ignore_case))
        except RecursionError:
            raise _too_complex("nested too deeply") from None
        if words:
            start = self._add(ASSERT, start, test=lambda previous, following: previous != WORD)
        self.nfa.start = start
        return self.nfa

    def _add(self, kind: int, out: int, alt: int = -1, test: Callable[..., bool] | None = None) -> int:
        if len(self.nfa.kinds) >= MAX_NODES:
            raise _too_complex("too many states")
        return self.nfa.add(kind, out, alt) if test is None else self.nfa.add(kind, out, alt, test)

    def _sequence(self, items: list[_Item], follow: int, context: _Context) -> int:
        for op, value in reversed(items):
            follow = self._item(op.name, value, follow, context)
        return follow

    def _item(self, op: str, value: Any, follow: int, context: _Context) -> int:
        self.work += 1
        if self.work > 20 * MAX_NODES:
            raise _too_complex("too many states")
        if op in ("LITERAL", "NOT_LITERAL", "ANY", "IN"):
            return self._add(CHAR, follow, test=_char_test(op, value, context.ignore_case))
        if op == "AT":
            return self._add(ASSERT, follow, test=_assertion(value.name))
        if op == "BRANCH":
            starts = [self._sequence(list(branch), follow, context) for branch in value[1]]
            node = starts[-1]
            for start in reversed(starts[:-1]):
                node = self._add(SPLIT, start, node)
            return node
        if op == "SUBPATTERN":
            _, added, removed, body = value
            ignore_case = (context.ignore_case or bool(added & re.IGNORECASE)) and not removed & re.IGNORECASE
            return self._sequence(list(body), follow, replace(context, ignore_case=ignore_case))
        if op in ("MAX_REPEAT", "MIN_REPEAT"):
            low, high, body = value
            return self._repeat(low, high, list(body), follow, context)
        raise _too_complex(_REFUSED.get(op, f"unsupported construct {op.lower()}"))

    def _repeat(self, low: int, high: int, body: list[_Item], follow: int, context: _Context) -> int:
        unbounded = high == sre_parse.MAXREPEAT
        if unbounded and context.in_unbounded_repeat:
            raise _too_complex("nested repetition")
        inner = replace(context, in_unbounded_repeat=context.in_unbounded_repeat or unbounded)
        if unbounded:
            tail = loop = self._add(SPLIT, -1, follow)
            self.nfa.outs[loop] = self._sequence(body, loop, inner)
        else:
            tail = follow
            for _ in range(high - low):
                tail = self._add(SPLIT, self._sequence(body, tail, inner), follow)
        for _ in range(low):
            tail = self._sequence(body, tail, inner)
        return tail


def _char_test(op: str, value: Any, ignore_case: bool) -> Callable[[str], bool]:
    """The test of a node that consumes one character (folding case first, then negating)."""
    if op == "ANY":
        return lambda char: char != "\n"
    if op == "IN":
        test, negated = _set_test(value)
    else:
        literal = chr(value)
        test, negated = (lambda char: char == literal), op == "NOT_LITERAL"
    if ignore_case:
        test = _folded(test)
    return (lambda char: not test(char)) if negated else test


def _set_test(items: list[_Item]) -> tuple[Callable[[str], bool], bool]:
    chars: set[str] = set()
    ranges: list[tuple[int, int]] = []
    categories: list[Callable[[str], bool]] = []
    negated = False
    for op, value in items:
        name = op.name
        if name == "NEGATE":
            negated = True
        elif name == "LITERAL":
            chars.add(chr(value))
        elif name == "RANGE":
            ranges.append(value)
        elif name == "CATEGORY" and value.name in _CATEGORIES:
            categories.append(_CATEGORIES[value.name])
        else:
            raise _too_complex(f"unsupported construct {name.lower()}")

    def test(char: str) -> bool:
        return (
            char in chars or any(low <= ord(char) <= high for low, high in ranges)
            or any(category(char) for category in categories)
        )

    return test, negated


def _folded(test: Callable[[str], bool]) -> Callable[[str], bool]:
    def folded(char: str) -> bool:
        return any(len(variant) == 1 and test(variant) for variant in (char, char.lower(), char.upper()))

    return folded


def _assertion(name: str) -> Callable[[int, int], bool]:
    if name in _AT_START:
        return lambda previous, following: previous == EDGE
    if name in _AT_END:
        return lambda previous, following: following == EDGE
    if name in _AT_BOUNDARY:
        return lambda previous, following: (previous == WORD) != (following == WORD)
    if name in _AT_NON_BOUNDARY:  # as in Python's re, \B does not match in an empty line
        return lambda previous, following: (
            (previous == WORD) == (following == WORD) and not (previous == EDGE and following == EDGE)
        )
    raise _too_complex(f"unsupported assertion {name.lower()}")

