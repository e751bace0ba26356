"""A regular-expression automaton whose running time is linear in the text: no backtracking, ever.

A pattern is compiled (by :mod:`safety_gym.world.shell_regex`) into a Thompson NFA: nodes that
consume one character, epsilon splits, and zero-width assertions that look at the classes of the
previous and the next character (start/end of line, word, other), which is all that ``^``, ``$``,
``\\b``, ``\\B`` and ``grep -w`` need. :class:`Automaton` simulates that NFA one character at a time,
caching each set of live nodes as a DFA state, so a line costs one dictionary look-up per character
once its states are known. Work is charged to the command line's :class:`Meter` (one unit per NFA node
explored, one per few characters), and the cache is bounded, so time and memory are bounded
deterministically.
"""

from __future__ import annotations

from collections.abc import Callable

from safety_gym.world.shell_support import Meter

__all__ = ["ASSERT", "CHAR", "EDGE", "MATCH", "OTHER", "SPLIT", "WORD", "Automaton", "Nfa", "char_class"]

CHAR, SPLIT, ASSERT, MATCH = range(4)
EDGE, WORD, OTHER = range(3)  # the class of a neighbouring character: none (start/end of line), word, other
Test = Callable[..., bool]  # CHAR: (char) -> bool; ASSERT: (previous class, following class) -> bool

_MAX_DFA_STATES = 2_000
_MAX_CACHED_STEPS = 200_000
_CHARS_PER_UNIT = 4


def _no_test(*_: object) -> bool:
    return False


def char_class(char: str) -> int:
    """WORD for characters that `\\w` matches, OTHER for the rest."""
    return WORD if char.isalnum() or char == "_" else OTHER


class Nfa:
    """Nodes in parallel lists: kind, next node, alternative next node (SPLIT), and test (CHAR, ASSERT)."""

    def __init__(self) -> None:
        self.kinds: list[int] = []
        self.outs: list[int] = []
        self.alts: list[int] = []
        self.tests: list[Test] = []
        self.match = self.add(MATCH)
        self.start = self.match

    def add(self, kind: int, out: int = -1, alt: int = -1, test: Test = _no_test) -> int:
        self.kinds.append(kind)
        self.outs.append(out)
        self.alts.append(alt)
        self.tests.append(test)
        return len(self.kinds) - 1


class _State:
    """A DFA state: the NFA nodes to continue from, the class of the previous character, cached steps."""

    __slots__ = ("accepts_at_end", "anchored", "previous", "seeds", "steps")

    def __init__(self, seeds: frozenset[int], previous: int, anchored: bool) -> None:
        self.seeds = seeds
        self.previous = previous
        self.anchored = anchored
        self.steps: dict[str, tuple[_State, bool]] = {}
        self.accepts_at_end: bool | None = None


class Automaton:
    """Searches lines for matches of an NFA, building DFA states lazily."""

    def __init__(self, nfa: Nfa, meter: Meter) -> None:
        self.nfa = nfa
        self.meter = meter
        self._states: dict[tuple[frozenset[int], int, bool], _State] = {}
        self._cached_steps = 0

    def search(self, line: str) -> bool:
        """Whether some part of `line` matches."""
        self.meter.charge(len(line) // _CHARS_PER_UNIT + 3)
        state = self._state(frozenset((self.nfa.start,)), EDGE, anchored=False)
        for char in line:
            state, matched = state.steps.get(char) or self._step(state, char)
            if matched:
                return True
        return self._accepts_at_end(state)

    def find_all(self, line: str) -> list[str]:
        """The non-empty matches in `line`, leftmost-longest and not overlapping, as GNU grep -o prints them."""
        pieces: list[str] = []
        position = 0
        while position < len(line):
            end = self._longest_match(line, position)
            if end > position:
                pieces.append(line[position:end])
                position = end
            else:
                position += 1
        return pieces

    def _longest_match(self, line: str, begin: int) -> int:
        """End of the longest match that starts at `begin`, or -1."""
        previous = EDGE if begin == 0 else char_class(line[begin - 1])
        state = self._state(frozenset((self.nfa.start,)), previous, anchored=True)
        best = -1
        index = begin
        while index < len(line) and state.seeds:
            state, matched = state.steps.get(line[index]) or self._step(state, line[index])
            best = index if matched else best
            index += 1
        self.meter.charge((index - begin) // _CHARS_PER_UNIT + 3)
        return len(line) if state.seeds and self._accepts_at_end(state) else best

    def _step(self, state: _State, char: str) -> tuple[_State, bool]:
        """Follow `char` from `state`; also tell whether a match ends just before `char`."""
        following = char_class(char)
        live = self._closure(state.seeds, state.previous, following)
        nfa = self.nfa
        targets = {nfa.outs[node] for node in live if nfa.kinds[node] == CHAR and nfa.tests[node](char)}
        if not state.anchored:
            targets.add(nfa.start)
        step = (self._state(frozenset(targets), following, state.anchored), nfa.match in live)
        if self._cached_steps >= _MAX_CACHED_STEPS:
            self._flush()
        state.steps[char] = step
        self._cached_steps += 1
        return step

    def _accepts_at_end(self, state: _State) -> bool:
        if state.accepts_at_end is None:
            state.accepts_at_end = self.nfa.match in self._closure(state.seeds, state.previous, EDGE)
        return state.accepts_at_end

    def _closure(self, seeds: frozenset[int], previous: int, following: int) -> set[int]:
        """The nodes reachable from `seeds` without consuming a character, between these two classes."""
        kinds, outs, alts, tests = self.nfa.kinds, self.nfa.outs, self.nfa.alts, self.nfa.tests
        seen: set[int] = set()
        pending = list(seeds)
        while pending:
            node = pending.pop()
            if node in seen:
                continue
            seen.add(node)
            if kinds[node] == SPLIT:
                pending += (outs[node], alts[node])
            elif kinds[node] == ASSERT and tests[node](previous, following):
                pending.append(outs[node])
        self.meter.charge(len(seen) + 1)
        return seen

    def _state(self, seeds: frozenset[int], previous: int, anchored: bool) -> _State:
        key = (seeds, previous, anchored)
        state = self._states.get(key)
        if state is None:
            if len(self._states) >= _MAX_DFA_STATES:
                self._flush()
            state = self._states[key] = _State(seeds, previous, anchored)
        return state

    def _flush(self) -> None:
        """Forget every cached state and step (they are rebuilt on demand), bounding memory."""
        for state in self._states.values():
            state.steps.clear()
        self._states.clear()
        self._cached_steps = 0
