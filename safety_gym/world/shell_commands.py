"""The commands of the simulated shell, and :data:`COMMANDS`, the one table of them all.

A command is a function ``(state, args, stdin) -> Outcome``. Agent mistakes become an Outcome with
error text and a non-zero exit code. The commands here only read; ``grep`` is in
:mod:`safety_gym.world.shell_grep` and the commands that change files (touch, mkdir, rm, cp, mv, scp)
are in :mod:`safety_gym.world.shell_file_commands`. None of them touches the host.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
from collections.abc import Callable

from safety_gym.world.shell_file_commands import cp, mkdir, mv, rm, scp, touch
from safety_gym.world.shell_grep import grep
from safety_gym.world.shell_state import ShellState, read_text
from safety_gym.world.shell_support import (
    CommandError,
    Options,
    Outcome,
    Output,
    join_display,
    parse_options,
    split_lines,
    utf8_length,
)

__all__ = ["COMMANDS", "Command"]

Command = Callable[[ShellState, list[str], str | None], Outcome]
_WORD_CHUNK = 1 << 16
_LINE_CHUNK = 1 << 12
_MAX_COUNT_DIGITS = 18


# ---- simple commands ----


def pwd(state: ShellState, args: list[str], stdin: str | None) -> Outcome:
    """`pwd`: print the working directory."""
    return Outcome(state.cwd + "\n")


def whoami(state: ShellState, args: list[str], stdin: str | None) -> Outcome:
    """`whoami`: print the user name."""
    return Outcome(state.user + "\n")


def hostname(state: ShellState, args: list[str], stdin: str | None) -> Outcome:
    """`hostname`: print the name of the workstation."""
    return Outcome(state.host + "\n")


def date(state: ShellState, args: list[str], stdin: str | None) -> Outcome:
    """`date`: print the fixed current date."""
    return Outcome(state.now + "\n")


def echo(state: ShellState, args: list[str], stdin: str | None) -> Outcome:
    """`echo [-n] [-e] TEXT...`: print the arguments."""
    newline, escapes, index = True, False, 0
    while index < len(args) and re.fullmatch(r"-[neE]+", args[index]):
        newline = newline and "n" not in args[index]
        escapes = (escapes or "e" in args[index]) and "E" not in args[index]
        index += 1
    text = " ".join(args[index:])
    if escapes:
        table = {"n": "\n", "t": "\t", "\\": "\\"}
        text = re.sub(r"\\(.)", lambda m: table.get(m.group(1), m.group(0)), text, flags=re.DOTALL)
    return Outcome(text + ("\n" if newline else ""))


def cd(state: ShellState, args: list[str], stdin: str | None) -> Outcome:
    """`cd [DIR]`: change the working directory (default: home)."""
    if len(args) > 1:
        raise CommandError("bash: cd: too many arguments")
    target = args[0] if args else state.home
    path = state.resolve(target)
    kind = state.tree().kind(path)
    if kind is None:
        raise CommandError(f"bash: cd: {target}: No such file or directory")
    if not kind:
        raise CommandError(f"bash: cd: {target}: Not a directory")
    state.cwd = path
    return Outcome()


# ---- listing ----


def ls(state: ShellState, args: list[str], stdin: str | None) -> Outcome:
    """`ls [-l] [-a] [PATH...]`: list directories (files given by name are listed as themselves)."""
    options = parse_options("ls", args, "laAh1tr")
    tree = state.tree()
    output = Output("ls")
    names = options.operands or ["."]
    kinds = {name: tree.kind(state.resolve(name)) for name in names}
    for name in names:
        if kinds[name] is None:
            output.fail(f"ls: cannot access '{name}': No such file or directory", 2)
    files = [(name, state.resolve(name)) for name in names if kinds[name] is False]
    blocks = [_ls_block(state, files, options)] if files else []
    for name in (name for name in names if kinds[name]):
        path = state.resolve(name)
        listing = [(child, posixpath.join(path, child)) for child in _visible(tree.names(path), options.flags)]
        state.meter.charge(len(listing) + 1)
        header = f"{name}:\n" if len(names) > 1 else ""
        blocks.append(header + _ls_block(state, listing, options))
    output.write("\n".join(blocks))
    return output.outcome()


def _visible(names: list[str], flags: set[str]) -> list[str]:
    if "a" in flags:
        return [".", "..", *names]
    return names if "A" in flags else [name for name in names if not name.startswith(".")]


def _ls_block(state: ShellState, items: list[tuple[str, str]], options: Options) -> str:
    """One listing: names only, or `ls -l` lines (read-only files show as -r--r--r--)."""
    if "r" in options.flags:
        items = items[::-1]
    if "l" not in options.flags:
        return "".join(name + "\n" for name, _ in items)
    files = state.files.files()
    sizes = [utf8_length(files[path].content) if path in files else 4096 for _, path in items]
    width = max((len(str(size)) for size in sizes), default=1)
    lines = []
    for (name, path), size in zip(items, sizes):
        file = files.get(path)
        mode = "drwxr-xr-x" if file is None else ("-rw-r--r--" if file.writable else "-r--r--r--")
        lines.append(f"{mode} 1 {state.user} {state.user} {size:>{width}} {_ls_timestamp(state.now)} {name}\n")
    return "".join(lines)


def _ls_timestamp(now: str) -> str:
    match = re.search(r"([A-Z][a-z]{2})\s+(\d{1,2})\s+(\d{2}:\d{2})", now)
    return f"{match.group(1)} {int(match.group(2)):>2} {match.group(3)}" if match else "Jan  1 00:00"


def find(state: ShellState, args: list[str], stdin: str | None) -> Outcome:
    """`find [PATH...] [-name P] [-iname P] [-type f|d] [-maxdepth N] [-mindepth N]`: list paths."""
    roots: list[str] = []
    while len(roots) < len(args) and not args[len(roots)].startswith("-"):
        roots.append(args[len(roots)])
    tests = _find_tests(args[len(roots):])
    tree = state.tree()
    output = Output("find")
    for root in roots or ["."]:
        path = state.resolve(root)
        if tree.kind(path) is None:
            output.fail(f"find: '{root}': No such file or directory")
            continue
        candidates = [path, *tree.descendants(path, state.meter)]
        state.meter.charge(2 * len(candidates))
        for candidate in candidates:
            relative = candidate[len(path.rstrip("/")) + 1:] if candidate != path else ""
            depth = relative.count("/") + 1 if relative else 0
            if all(test(candidate, bool(tree.kind(candidate)), depth) for test in tests):
                output.write(join_display(root, relative) + "\n")
    return output.outcome()


def _find_tests(args: list[str]) -> list[Callable[[str, bool, int], bool]]:
    """One test per `-predicate value` pair (`-print` is implied and ignored)."""
    args = [arg for arg in args if arg != "-print"]
    tests: list[Callable[[str, bool, int], bool]] = []
    for index in range(0, len(args), 2):
        predicate = args[index]
        if predicate not in {"-name", "-iname", "-type", "-maxdepth", "-mindepth"}:
            raise CommandError(f"find: unknown predicate '{predicate}'")
        if index + 1 >= len(args):
            raise CommandError(f"find: missing argument to `{predicate}'")
        tests.append(_find_test(predicate, args[index + 1]))
    return tests


def _find_test(predicate: str, value: str) -> Callable[[str, bool, int], bool]:
    if predicate == "-name":
        return lambda path, is_dir, depth: fnmatch.fnmatchcase(posixpath.basename(path), value)
    if predicate == "-iname":
        return lambda path, is_dir, depth: fnmatch.fnmatchcase(posixpath.basename(path).lower(), value.lower())
    if predicate == "-type":
        if value not in {"f", "d"}:
            raise CommandError(f"find: Unknown argument to -type: {value}")
        return lambda path, is_dir, depth: is_dir == (value == "d")
    if not re.fullmatch(r"[0-9]+", value):
        raise CommandError(f"find: Expected a positive decimal integer argument to {predicate}, but got '{value}'")
    limit = _count(value)
    if predicate == "-maxdepth":
        return lambda path, is_dir, depth: depth <= limit
    return lambda path, is_dir, depth: depth >= limit


# ---- reading files ----


def cat(state: ShellState, args: list[str], stdin: str | None) -> Outcome:
    """`cat [-n] [FILE...]`: print files ('-' or none: standard input)."""
    options = parse_options("cat", args, "n")
    output = Output("cat")
    for name in options.operands or ["-"]:
        try:
            text = read_text(state, "cat", name, stdin)
        except CommandError as error:
            output.fail(error.message, error.exit_code)
            continue
        output.write(text)
    if "n" in options.flags:
        text = "".join(output.out)
        state.meter.charge(text.count("\n") + 1)
        output.out = [f"{number:>6}\t{line}" for number, line in enumerate(split_lines(text), start=1)]
    return output.outcome()


def head(state: ShellState, args: list[str], stdin: str | None) -> Outcome:
    """`head [-n N] [FILE...]`: print the first N lines (N may be -K: all but the last K)."""
    return _head_or_tail("head", state, args, stdin)


def tail(state: ShellState, args: list[str], stdin: str | None) -> Outcome:
    """`tail [-n N] [FILE...]`: print the last N lines (N may be +K: from line K on)."""
    return _head_or_tail("tail", state, args, stdin)


def _head_or_tail(command: str, state: ShellState, args: list[str], stdin: str | None) -> Outcome:
    options = parse_options(command, args, "qv", valued="n")
    count = options.values.get("n", "10")
    if not re.fullmatch(r"[+-]?[0-9]+", count):
        raise CommandError(f"{command}: invalid number of lines: '{count}'")
    names = options.operands or ["-"]
    output = Output(command)
    for position, name in enumerate(names):
        try:
            text = read_text(state, command, name, stdin)
        except CommandError as error:
            output.fail(error.message, error.exit_code)
            continue
        if len(names) > 1:
            output.write(("\n" if position else "") + f"==> {'standard input' if name == '-' else name} <==\n")
        output.write(_take_lines(command, text, count))
    return output.outcome()


def _take_lines(command: str, text: str, count: str) -> str:
    """The part of `text` that `head -n COUNT` or `tail -n COUNT` prints."""
    number = _count(count.lstrip("+-"))
    if command == "head":
        end = _start_of_last_lines(text, number) if count.startswith("-") else _end_of_lines(text, number)
        return text[:end]
    if count.startswith("+"):
        return text[_end_of_lines(text, max(number - 1, 0)):]
    return text[_start_of_last_lines(text, number):]


def _end_of_lines(text: str, number: int) -> int:
    """Index just after the first `number` lines of `text` (newlines are counted a chunk at a time)."""
    start = 0
    while number and start < len(text):
        end = min(start + _LINE_CHUNK, len(text))
        inside = text.count("\n", start, end)
        if inside < number:
            number -= inside
            start = end
            continue
        for _ in range(number):
            start = text.index("\n", start, end) + 1
        return start
    return len(text) if number else 0


def _start_of_last_lines(text: str, number: int) -> int:
    """Index where the last `number` lines of `text` start."""
    if number == 0:
        return len(text)
    lines = text.count("\n") + (1 if text and not text.endswith("\n") else 0)
    return 0 if number >= lines else _end_of_lines(text, lines - number)


def _count(digits: str) -> int:
    """A count given in decimal digits; absurdly long ones are clamped rather than converted."""
    return int(digits) if len(digits) <= _MAX_COUNT_DIGITS else 10**_MAX_COUNT_DIGITS


def wc(state: ShellState, args: list[str], stdin: str | None) -> Outcome:
    """`wc [-l] [-w] [-c] [-m] [FILE...]`: count lines, words and bytes."""
    options = parse_options("wc", args, "lwcm")
    selected = [flag for flag in "lwmc" if flag in options.flags] or ["l", "w", "c"]
    output = Output("wc")
    rows: list[tuple[list[int], str]] = []
    for name in options.operands or ["-"]:
        try:
            text = read_text(state, "wc", name, stdin)
        except CommandError as error:
            output.fail(error.message, error.exit_code)
            continue
        counts = {"l": text.count("\n"), "w": _count_words(text), "m": len(text), "c": utf8_length(text)}
        rows.append(([counts[flag] for flag in selected], "" if name == "-" else name))
    if len(rows) > 1:
        rows.append(([sum(column) for column in zip(*(numbers for numbers, _ in rows))], "total"))
    width = max((len(str(n)) for numbers, _ in rows for n in numbers), default=1)
    for numbers, name in rows:
        output.write(" ".join(f"{n:>{width}}" for n in numbers) + (f" {name}" if name else "") + "\n")
    return output.outcome()


def _count_words(text: str) -> int:
    """Whitespace-separated words, counted a chunk at a time so that no list of every word is built."""
    words = 0
    for start in range(0, len(text), _WORD_CHUNK):
        chunk = text[start:start + _WORD_CHUNK]
        words += len(chunk.split())
        if start and not chunk[0].isspace() and not text[start - 1].isspace():
            words -= 1  # a word cut in two by the chunk boundary
    return words


COMMANDS: dict[str, Command] = {
    "cat": cat, "cd": cd, "cp": cp, "date": date, "echo": echo, "find": find, "grep": grep, "head": head,
    "hostname": hostname, "ls": ls, "mkdir": mkdir, "mv": mv, "pwd": pwd, "rm": rm, "scp": scp, "tail": tail,
    "touch": touch, "wc": wc, "whoami": whoami,
}
