"""``grep`` for the simulated shell.

Patterns are compiled by :mod:`safety_gym.world.shell_regex` into an automaton that never backtracks,
so no pattern can hang an episode; patterns it refuses (nested repetition, backreferences, lookaround)
fail with exit code 2. The text is bounded too:

* each line is matched on its first ``MAX_LINE_CHARS`` (10,000) characters; a longer line is still
  printed whole, but a match, ``$`` or ``-o`` piece beyond that point is not seen;
* all the text that the greps of one command line scan is charged to the command line's work budget
  (:class:`~safety_gym.world.shell_support.Meter`), which stops grep with an error once spent.
"""

from __future__ import annotations

from collections.abc import Iterator

from safety_gym.world.shell_regex import Matcher, compile_grep_pattern
from safety_gym.world.shell_state import ShellState
from safety_gym.world.shell_support import CommandError, Outcome, Output, join_display, parse_options

__all__ = ["MAX_LINE_CHARS", "grep"]

MAX_LINE_CHARS = 10_000


def grep(state: ShellState, args: list[str], stdin: str | None) -> Outcome:
    """`grep [-rinlvcEFwoqHhs] [-e] PATTERN [PATH...]`: print lines matching a regular expression."""
    options = parse_options("grep", args, "rRinlvcEFwHhoqs", valued="e")
    operands = list(options.operands)
    if "e" not in options.values and not operands:
        raise CommandError("Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.", 2)
    pattern = options.values["e"] if "e" in options.values else operands.pop(0)
    matcher = compile_grep_pattern(pattern, options.flags, state.meter)
    recursive = bool(options.flags & {"r", "R"})
    output = Output("grep")
    sources = _grep_sources(state, operands, recursive, output)
    several = len(sources) > 1 or recursive
    show_names = "H" in options.flags or (several and "h" not in options.flags)
    matched = False
    for display, path in sources:
        text = (stdin or "") if path is None else state.files.read(path)
        prefix = f"{display}:" if show_names else ""
        matched = _grep_text(matcher, text, display, prefix, options.flags, output) or matched
    if "q" in options.flags:
        return Outcome("", "", 0 if matched else output.exit_code or 1)
    if "s" in options.flags:
        output.err = []
    output.exit_code = output.exit_code or (0 if matched else 1)
    return output.outcome()


def _grep_sources(
    state: ShellState, operands: list[str], recursive: bool, output: Output
) -> list[tuple[str, str | None]]:
    """(name to show, absolute path or None for standard input) of every file grep should search."""
    tree = state.tree()
    sources: list[tuple[str, str | None]] = []
    for name in operands or (["."] if recursive else ["-"]):
        if name == "-":
            sources.append(("(standard input)", None))
            continue
        path = state.resolve(name)
        kind = tree.kind(path)
        if kind is None:
            output.fail(f"grep: {name}: No such file or directory", 2)
        elif kind and not recursive:
            output.fail(f"grep: {name}: Is a directory", 2)
        elif kind:
            prefix = name if operands else None
            for file in (p for p in tree.descendants(path, state.meter) if not tree.kind(p)):
                sources.append((join_display(prefix, file[len(path.rstrip("/")) + 1:]), file))
        else:
            sources.append((name, path))
    return sources


def _grep_text(matcher: Matcher, text: str, name: str, prefix: str, flags: set[str], output: Output) -> bool:
    """Write grep's output for one file (`prefix` is "name:" when several files are searched)."""
    invert = "v" in flags
    hits = (
        (number, line) for number, line in enumerate(_lines(text), start=1)
        if matcher.search(line[:MAX_LINE_CHARS]) != invert
    )
    if flags & {"l", "q"}:
        found = next(hits, None) is not None
        output.write(f"{name}\n" if found and "l" in flags else "")
        return found
    if "c" in flags:
        count = sum(1 for _ in hits)
        output.write(f"{prefix}{count}\n")
        return bool(count)
    found = False
    for number, line in hits:
        found = True
        line_prefix = prefix + (f"{number}:" if "n" in flags else "")
        pieces = matcher.find_all(line[:MAX_LINE_CHARS]) if "o" in flags and not invert else [line]
        output.write("".join(f"{line_prefix}{piece}\n" for piece in pieces))
    return found


def _lines(text: str) -> Iterator[str]:
    """The lines of `text` without their '\\n', one at a time."""
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        if end == -1:
            yield text[start:]
            return
        yield text[start:end]
        start = end + 1
