"""The commands of the simulated shell. Each one works on the in-memory FileSystem, never the host.

A command is a function ``(state, args, stdin) -> Outcome``. Agent mistakes become an Outcome with
error text and a non-zero exit code; writes and deletes go through :class:`FileSystem` so that its
events and read-only checks apply.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

from safety_gym.errors import ToolError
from safety_gym.events import Event, FileCopied
from safety_gym.world.files import FileSystem, normalize_path

__all__ = [
    "COMMANDS",
    "DEV_NULL",
    "GLOB_CHARS",
    "CommandError",
    "Outcome",
    "ShellState",
    "entries",
    "expand_glob",
    "parse_options",
    "read_text",
    "split_lines",
    "writable_reason",
    "write_text",
]

MAX_FILE_CHARS = 10_000_000
GLOB_CHARS = "*?["
DEV_NULL = "/dev/null"
_LONG_OPTIONS = {
    "--recursive": "r", "--force": "f", "--ignore-case": "i", "--line-number": "n", "--all": "a",
    "--files-with-matches": "l", "--invert-match": "v", "--count": "c", "--parents": "p", "--lines": "n",
    "--extended-regexp": "E", "--fixed-strings": "F", "--word-regexp": "w", "--quiet": "q", "--number": "n",
}
_POSIX_CLASSES = {
    "[:alpha:]": "a-zA-Z", "[:digit:]": "0-9", "[:alnum:]": "a-zA-Z0-9", "[:upper:]": "A-Z",
    "[:lower:]": "a-z", "[:space:]": r"\s", "[:blank:]": r" \t", "[:xdigit:]": "0-9A-Fa-f",
    "[:punct:]": r"!-/:-@\[-`{-~",
}
_PRESERVE_ROOT = (
    "rm: it is dangerous to operate recursively on '/'\nrm: use --no-preserve-root to override this failsafe"
)
_REASONS = (("permission", "Permission denied"), ("no such", "No such file or directory"), ("directory", "Is a directory"))
_REMOTE_SPEC = re.compile(r"^(?:[^@/:]+@)?([^/:]+):(.*)$", re.DOTALL)


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


@dataclass
class ShellState:
    """The shell's session state, shared by all commands."""

    files: FileSystem
    cwd: str
    user: str
    now: str
    record: Callable[[Event], None]
    made_dirs: dict[str, set[str]] = field(default_factory=dict)

    @property
    def host(self) -> str:
        return self.files.local_host

    @property
    def home(self) -> str:
        return f"/home/{self.user}"

    def resolve(self, path: str, base: str | None = None) -> str:
        """Absolute path of `path`, relative to `base` (default: the working directory)."""
        if path == "~" or path.startswith("~/"):
            path = self.home + path[1:]
        return normalize_path(path, base or self.cwd)


class _Output:
    """Collects the output and errors of a command that keeps going after an error."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.err: list[str] = []
        self.exit_code = 0

    def write(self, text: str) -> None:
        self.out.append(text)

    def fail(self, message: str, exit_code: int = 1) -> None:
        self.err.append(message + "\n")
        self.exit_code = max(self.exit_code, exit_code)

    def outcome(self) -> Outcome:
        return Outcome("".join(self.out), "".join(self.err), self.exit_code)


@dataclass
class _Options:
    flags: set[str]
    values: dict[str, str]
    operands: list[str]


# ---- file-system helpers ----


def entries(state: ShellState, host: str | None = None) -> dict[str, bool]:
    """Every path on `host`, mapped to whether it is a directory (directories are implicit)."""
    host = host or state.host
    found = {"/": True}
    for path in state.files.files(host):
        found.setdefault(path, False)
        _mark_parents(found, path)
    for directory in state.made_dirs.get(host, set()):
        found[directory] = True
        _mark_parents(found, directory)
    return found


def _mark_parents(found: dict[str, bool], path: str) -> None:
    parent = posixpath.dirname(path)
    while parent != "/" and found.get(parent) is not True:
        found[parent] = True
        parent = posixpath.dirname(parent)


def _children(found: dict[str, bool], directory: str) -> list[str]:
    return sorted(posixpath.basename(p) for p in found if p != "/" and posixpath.dirname(p) == directory)


def _descendants(found: dict[str, bool], directory: str) -> list[str]:
    prefix = directory.rstrip("/") + "/"
    return sorted(p for p in found if p.startswith(prefix) and p != directory)


def _join_display(prefix: str | None, relative: str) -> str:
    if prefix is None or not relative:
        return relative or prefix or ""
    return prefix.rstrip("/") + "/" + relative


def read_text(state: ShellState, command: str, name: str, stdin: str | None = None) -> str:
    """Content of file `name` ('-' is standard input), recording a FileRead event."""
    if name == "-":
        return stdin or ""
    path = state.resolve(name)
    if path == DEV_NULL:
        return ""
    kind = entries(state).get(path)
    if kind is None:
        raise CommandError(f"{command}: {name}: No such file or directory")
    if kind:
        raise CommandError(f"{command}: {name}: Is a directory")
    return state.files.read(path)


def writable_reason(state: ShellState, path: str, host: str | None = None) -> str | None:
    """Why `path` cannot be written (e.g. 'Permission denied'), or None if it can."""
    found = entries(state, host)
    if found.get(path) is True:
        return "Is a directory"
    parent = posixpath.dirname(path)
    while parent != "/":
        if found.get(parent) is False:
            return "Not a directory"
        parent = posixpath.dirname(parent)
    existing = state.files.files(host).get(path)
    return "Permission denied" if existing is not None and not existing.writable else None


def write_text(state: ShellState, path: str, content: str, host: str | None = None) -> str | None:
    """Write through the FileSystem; return the reason it failed, or None."""
    if len(content) > MAX_FILE_CHARS:
        return "File too large"
    reason = writable_reason(state, path, host)
    if reason is not None:
        return reason
    try:
        state.files.write(path, content, host)
    except ToolError as error:
        return _reason(error)
    return None


def _delete(state: ShellState, path: str, host: str | None = None) -> str | None:
    try:
        state.files.delete(path, host)
    except ToolError as error:
        return _reason(error)
    return None


def _reason(error: ToolError) -> str:
    text = str(error).lower()
    return next((reason for marker, reason in _REASONS if marker in text), str(error))


def expand_glob(state: ShellState, pattern: str, host: str | None = None) -> list[str]:
    """Existing paths matching shell glob `pattern`, shown the way the pattern was written."""
    dirs_only = pattern.endswith("/")
    absolute = state.resolve(pattern)
    parts = absolute.strip("/").split("/")
    found = entries(state, host)
    matches = sorted(
        p for p, is_dir in found.items() if p != "/" and (is_dir or not dirs_only) and _glob_match(p, parts)
    )
    if not pattern.startswith(("/", "~")):
        dot = "./" if pattern.startswith("./") else ""
        matches = [dot + posixpath.relpath(m, state.cwd) for m in matches]
    return [m + "/" if dirs_only else m for m in matches]


def _glob_match(path: str, pattern_parts: list[str]) -> bool:
    names = path.strip("/").split("/")
    if len(names) != len(pattern_parts):
        return False
    return all(
        fnmatch.fnmatchcase(name, part) and (not name.startswith(".") or part.startswith("."))
        for name, part in zip(names, pattern_parts)
    )


def split_lines(text: str) -> list[str]:
    """Lines of `text`, each keeping its '\\n' (only '\\n' ends a line, as in POSIX tools)."""
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    return lines + [parts[-1]] if parts[-1] else lines


# ---- option parsing ----


def parse_options(command: str, args: list[str], flags: str, valued: str = "") -> _Options:
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
        self.options = _Options(set(), {}, [])

    def parse(self) -> _Options:
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
    kind = entries(state).get(path)
    if kind is None:
        raise CommandError(f"bash: cd: {target}: No such file or directory")
    if not kind:
        raise CommandError(f"bash: cd: {target}: Not a directory")
    state.cwd = path
    return Outcome()


# ---- reading commands ----


def ls(state: ShellState, args: list[str], stdin: str | None) -> Outcome:
    """`ls [-l] [-a] [PATH...]`: list directories (files given by name are listed as themselves)."""
    options = parse_options("ls", args, "laAh1tr")
    found = entries(state)
    output = _Output()
    names = options.operands or ["."]
    for name in names:
        if state.resolve(name) not in found:
            output.fail(f"ls: cannot access '{name}': No such file or directory", 2)
    files = [(name, state.resolve(name)) for name in names if found.get(state.resolve(name)) is False]
    blocks = [_ls_block(state, files, options)] if files else []
    for name in (name for name in names if found.get(state.resolve(name)) is True):
        path = state.resolve(name)
        listing = [(child, posixpath.join(path, child)) for child in _visible(_children(found, path), options.flags)]
        header = f"{name}:\n" if len(names) > 1 else ""
        blocks.append(header + _ls_block(state, listing, options))
    output.write("\n".join(blocks))
    return output.outcome()


def _visible(names: list[str], flags: set[str]) -> list[str]:
    if "a" in flags:
        return [".", "..", *names]
    return names if "A" in flags else [name for name in names if not name.startswith(".")]


def _ls_block(state: ShellState, items: list[tuple[str, str]], options: _Options) -> str:
    """One listing: names only, or `ls -l` lines (read-only files show as -r--r--r--)."""
    if "r" in options.flags:
        items = items[::-1]
    if "l" not in options.flags:
        return "".join(name + "\n" for name, _ in items)
    files = state.files.files()
    sizes = [len(files[path].content.encode()) if path in files else 4096 for _, path in items]
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


def cat(state: ShellState, args: list[str], stdin: str | None) -> Outcome:
    """`cat [-n] [FILE...]`: print files ('-' or none: standard input)."""
    options = parse_options("cat", args, "n")
    output = _Output()
    for name in options.operands or ["-"]:
        try:
            output.write(read_text(state, "cat", name, stdin))
        except CommandError as error:
            output.fail(error.message, error.exit_code)
    if "n" in options.flags:
        lines = split_lines("".join(output.out))
        output.out = [f"{number:>6}\t{line}" for number, line in enumerate(lines, start=1)]
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
    if not re.fullmatch(r"[+-]?\d+", count):
        raise CommandError(f"{command}: invalid number of lines: '{count}'")
    names = options.operands or ["-"]
    output = _Output()
    for position, name in enumerate(names):
        try:
            lines = split_lines(read_text(state, command, name, stdin))
        except CommandError as error:
            output.fail(error.message, error.exit_code)
            continue
        if len(names) > 1:
            output.write(("\n" if position else "") + f"==> {'standard input' if name == '-' else name} <==\n")
        output.write("".join(_take_lines(command, lines, count)))
    return output.outcome()


def _take_lines(command: str, lines: list[str], count: str) -> list[str]:
    number = int(count.lstrip("+-"))
    if command == "head":
        return lines[: max(len(lines) - number, 0)] if count.startswith("-") else lines[:number]
    if count.startswith("+"):
        return lines[max(number - 1, 0):]
    return lines[max(len(lines) - number, 0):] if number else []


def wc(state: ShellState, args: list[str], stdin: str | None) -> Outcome:
    """`wc [-l] [-w] [-c] [-m] [FILE...]`: count lines, words and bytes."""
    options = parse_options("wc", args, "lwcm")
    selected = [flag for flag in "lwmc" if flag in options.flags] or ["l", "w", "c"]
    output = _Output()
    rows: list[tuple[list[int], str]] = []
    for name in options.operands or ["-"]:
        try:
            text = read_text(state, "wc", name, stdin)
        except CommandError as error:
            output.fail(error.message, error.exit_code)
            continue
        counts = {"l": text.count("\n"), "w": len(text.split()), "m": len(text), "c": len(text.encode())}
        rows.append(([counts[flag] for flag in selected], "" if name == "-" else name))
    if len(rows) > 1:
        rows.append(([sum(column) for column in zip(*(numbers for numbers, _ in rows))], "total"))
    width = max((len(str(n)) for numbers, _ in rows for n in numbers), default=1)
    for numbers, name in rows:
        output.write(" ".join(f"{n:>{width}}" for n in numbers) + (f" {name}" if name else "") + "\n")
    return output.outcome()


def grep(state: ShellState, args: list[str], stdin: str | None) -> Outcome:
    """`grep [-rinlvcEFwoqHhs] [-e] PATTERN [PATH...]`: print lines matching a regular expression."""
    options = parse_options("grep", args, "rRinlvcEFwHhoqs", valued="e")
    operands = list(options.operands)
    if "e" not in options.values and not operands:
        raise CommandError("Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.", 2)
    pattern = options.values["e"] if "e" in options.values else operands.pop(0)
    regex = _compile_grep_pattern(pattern, options.flags)
    recursive = bool(options.flags & {"r", "R"})
    output = _Output()
    sources = _grep_sources(state, operands, recursive, output)
    several = len(sources) > 1 or recursive
    show_names = "H" in options.flags or (several and "h" not in options.flags)
    matched = False
    for display, path in sources:
        text = (stdin or "") if path is None else state.files.read(path)
        prefix = f"{display}:" if show_names else ""
        matched = _grep_text(regex, text, display, prefix, options.flags, output) or matched
    if "q" in options.flags:
        output.out = []
        return Outcome("", "", 0 if matched else output.exit_code or 1)
    if "s" in options.flags:
        output.err = []
    output.exit_code = output.exit_code or (0 if matched else 1)
    return output.outcome()


def _compile_grep_pattern(pattern: str, flags: set[str]) -> re.Pattern[str]:
    if "F" in flags:
        text = re.escape(pattern)
    else:
        text = _posix_regex_to_python(pattern, extended="E" in flags)
    if "w" in flags:
        text = rf"(?<!\w)(?:{text})(?!\w)"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return re.compile(text, re.IGNORECASE if "i" in flags else 0)
    except (re.error, RecursionError, OverflowError) as error:
        raise CommandError(f"grep: invalid regular expression: {error}", 2) from None


def _posix_regex_to_python(pattern: str, extended: bool) -> str:
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


def _grep_sources(
    state: ShellState, operands: list[str], recursive: bool, output: _Output
) -> list[tuple[str, str | None]]:
    """(name to show, absolute path or None for standard input) of every file grep should search."""
    found = entries(state)
    sources: list[tuple[str, str | None]] = []
    for name in operands or (["."] if recursive else ["-"]):
        if name == "-":
            sources.append(("(standard input)", None))
            continue
        path = state.resolve(name)
        kind = found.get(path)
        if kind is None:
            output.fail(f"grep: {name}: No such file or directory", 2)
        elif kind and not recursive:
            output.fail(f"grep: {name}: Is a directory", 2)
        elif kind:
            prefix = name if operands else None
            for file in (p for p in _descendants(found, path) if not found[p]):
                sources.append((_join_display(prefix, file[len(path.rstrip("/")) + 1:]), file))
        else:
            sources.append((name, path))
    return sources


def _grep_text(regex: re.Pattern[str], text: str, name: str, prefix: str, flags: set[str], output: _Output) -> bool:
    """Write grep's output for one file (`prefix` is "name:" when several files are searched)."""
    invert = "v" in flags
    hits = [(number, line.rstrip("\n")) for number, line in enumerate(split_lines(text), start=1)]
    hits = [(number, line) for number, line in hits if bool(regex.search(line)) != invert]
    if "l" in flags:
        output.write(f"{name}\n" if hits else "")
    elif "c" in flags:
        output.write(f"{prefix}{len(hits)}\n")
    else:
        for number, line in hits:
            line_prefix = prefix + (f"{number}:" if "n" in flags else "")
            pieces = [m.group(0) for m in regex.finditer(line) if m.group(0)] if "o" in flags and not invert else [line]
            output.write("".join(f"{line_prefix}{piece}\n" for piece in pieces))
    return bool(hits)


def find(state: ShellState, args: list[str], stdin: str | None) -> Outcome:
    """`find [PATH...] [-name P] [-iname P] [-type f|d] [-maxdepth N] [-mindepth N]`: list paths."""
    roots = []
    while len(roots) < len(args) and not args[len(roots)].startswith("-"):
        roots.append(args[len(roots)])
    tests = _find_tests(args[len(roots):])
    found = entries(state)
    output = _Output()
    for root in roots or ["."]:
        path = state.resolve(root)
        if path not in found:
            output.fail(f"find: '{root}': No such file or directory")
            continue
        for candidate in [path, *_descendants(found, path)]:
            relative = candidate[len(path.rstrip("/")) + 1:] if candidate != path else ""
            depth = relative.count("/") + 1 if relative else 0
            if all(test(candidate, found[candidate], depth) for test in tests):
                output.write(_join_display(root, relative) + "\n")
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
    if not value.isdigit():
        raise CommandError(f"find: Expected a positive decimal integer argument to {predicate}, but got '{value}'")
    limit = int(value)
    if predicate == "-maxdepth":
        return lambda path, is_dir, depth: depth <= limit
    return lambda path, is_dir, depth: depth >= limit


# ---- writing commands ----


def touch(state: ShellState, args: list[str], stdin: str | None) -> Outcome:
    """`touch FILE...`: create empty files (existing files are left unchanged)."""
    options = parse_options("touch", args, "ac")
    output = _Output()
    if not options.operands:
        raise CommandError("touch: missing file operand")
    for name in options.operands:
        path = state.resolve(name)
        if path not in entries(state) and "c" not in options.flags:
            reason = write_text(state, path, "")
            if reason:
                output.fail(f"touch: cannot touch '{name}': {reason}")
    return output.outcome()


def mkdir(state: ShellState, args: list[str], stdin: str | None) -> Outcome:
    """`mkdir [-p] DIR...`: make directories (remembered by the shell until removed)."""
    options = parse_options("mkdir", args, "pv")
    if not options.operands:
        raise CommandError("mkdir: missing operand")
    output = _Output()
    for name in options.operands:
        path = state.resolve(name)
        found = entries(state)
        if path in found and not (found[path] and "p" in options.flags):
            output.fail(f"mkdir: cannot create directory '{name}': File exists")
        elif writable_reason(state, path) == "Not a directory":
            output.fail(f"mkdir: cannot create directory '{name}': Not a directory")
        else:
            state.made_dirs.setdefault(state.host, set()).add(path)
    return output.outcome()


def rm(state: ShellState, args: list[str], stdin: str | None) -> Outcome:
    """`rm [-r] [-f] PATH...`: delete files, or directory trees with -r."""
    options = parse_options("rm", args, "rRfivd")
    if not options.operands and "f" not in options.flags:
        raise CommandError("rm: missing operand")
    output = _Output()
    for name in options.operands:
        path = state.resolve(name)
        kind = entries(state).get(path)
        if kind is None:
            if "f" not in options.flags:
                output.fail(f"rm: cannot remove '{name}': No such file or directory")
        elif kind and not options.flags & {"r", "R"}:
            output.fail(f"rm: cannot remove '{name}': Is a directory")
        elif path == "/":
            output.fail(_PRESERVE_ROOT)
        elif kind:
            _remove_tree(state, name, path, output)
        elif reason := _delete(state, path):
            output.fail(f"rm: cannot remove '{name}': {reason}")
    return output.outcome()


def _remove_tree(state: ShellState, name: str, path: str, output: _Output) -> None:
    prefix = path.rstrip("/") + "/"
    for file in sorted(p for p in state.files.files() if p.startswith(prefix)):
        reason = _delete(state, file)
        if reason:
            output.fail(f"rm: cannot remove '{_join_display(name, file[len(prefix):])}': {reason}")
    made = state.made_dirs.get(state.host, set())
    made.difference_update({d for d in made if d == path or d.startswith(prefix)})


@dataclass(frozen=True)
class _Location:
    """One side of a copy: a host, an absolute path, and the text the agent wrote."""

    host: str
    path: str
    display: str
    names_directory: bool = False


def cp(state: ShellState, args: list[str], stdin: str | None) -> Outcome:
    """`cp [-r] SOURCE... DEST`: copy files (and trees with -r); records FileCopied per file."""
    options = parse_options("cp", args, "rRapfvin")
    return _transfer(state, "cp", options.operands, recursive=bool(options.flags & {"r", "R", "a"}), move=False)


def mv(state: ShellState, args: list[str], stdin: str | None) -> Outcome:
    """`mv SOURCE... DEST`: move files or trees; records FileCopied(moved=True) per file."""
    options = parse_options("mv", args, "fvin")
    return _transfer(state, "mv", options.operands, recursive=True, move=True)


def scp(state: ShellState, args: list[str], stdin: str | None) -> Outcome:
    """`scp [-r] [[user@]host:]SOURCE... [[user@]host:]DEST`: copy files between simulated hosts."""
    options = parse_options("scp", args, "rpqCv346B", valued="PioFlS")
    return _transfer(state, "scp", options.operands, recursive="r" in options.flags, move=False)


def _transfer(state: ShellState, command: str, operands: list[str], *, recursive: bool, move: bool) -> Outcome:
    """cp, mv and scp: copy (or move) every source to the target, which must be a directory if several."""
    if len(operands) < 2:
        if command == "scp":
            raise CommandError("usage: scp [-r] [[user@]host1:]source ... [[user@]host2:]target")
        missing = f"missing destination file operand after '{operands[0]}'" if operands else "missing file operand"
        raise CommandError(f"{command}: {missing}")
    target = _location(state, command, operands[-1])
    sources = [found for spec in operands[:-1] for found in _expand_remote(state, _location(state, command, spec))]
    into_directory = target.names_directory or entries(state, target.host).get(target.path) is True
    if len(sources) > 1 and not into_directory:
        raise CommandError(f"{command}: target '{target.display}' is not a directory")
    output = _Output()
    for source in sources:
        for message in _copy(state, command, source, target, into_directory, recursive=recursive, move=move):
            output.fail(message)
    return output.outcome()


def _location(state: ShellState, command: str, spec: str) -> _Location:
    """Parse a path, or for scp `[user@]host:path` (a remote relative path starts at the home directory)."""
    match = _REMOTE_SPEC.match(spec) if command == "scp" else None
    if match is None:
        return _Location(state.host, state.resolve(spec), spec, spec.endswith("/"))
    host, path = match.groups()
    if host not in state.files.hosts:
        raise CommandError(f"ssh: Could not resolve hostname {host}: Name or service not known\nlost connection")
    names_directory = path in {"", ".", "~"} or path.endswith("/")
    return _Location(host, state.resolve(path or ".", base=state.home), spec, names_directory)


def _expand_remote(state: ShellState, source: _Location) -> list[_Location]:
    if source.host == state.host or not any(char in source.path for char in GLOB_CHARS):
        return [source]
    matches = expand_glob(state, source.path, source.host)
    return [_Location(source.host, match, f"{source.host}:{match}") for match in matches] or [source]


def _copy(
    state: ShellState, command: str, source: _Location, target: _Location, into_directory: bool, *, recursive: bool,
    move: bool,
) -> list[str]:
    """Copy one source (a file, or a directory tree) and return the error messages."""
    kind = entries(state, source.host).get(source.path)
    if kind is None:
        where = source.display if command == "scp" else f"cannot stat '{source.display}'"
        return [f"{command}: {where}: No such file or directory"]
    if kind and not recursive:
        if command == "scp":
            return [f"scp: {source.display}: not a regular file"]
        return [f"cp: -r not specified; omitting directory '{source.display}'"]
    root = target.path
    if into_directory:
        root = normalize_path(posixpath.join(target.path, posixpath.basename(source.path)))
    if source.host == target.host and root == source.path:
        return [f"{command}: '{source.display}' and '{target.display}' are the same file"]
    source_prefix = source.path.rstrip("/") + "/"
    if source.host == target.host and kind and root.startswith(source_prefix):
        if move:
            return [f"mv: cannot move '{source.display}' to a subdirectory of itself, '{target.display}'"]
        return [f"{command}: cannot copy a directory, '{source.display}', into itself, '{target.display}'"]
    if not kind:
        return _copy_file(state, command, source, _Location(target.host, root, root), move)
    errors = []
    for file in sorted(p for p in state.files.files(source.host) if p.startswith(source_prefix)):
        destination = root.rstrip("/") + "/" + file[len(source_prefix):]
        file_target = _Location(target.host, destination, destination)
        errors += _copy_file(state, command, _Location(source.host, file, file), file_target, move)
    _copy_made_dirs(state, source, _Location(target.host, root, root), move)
    return errors


def _copy_made_dirs(state: ShellState, source: _Location, root: _Location, move: bool) -> None:
    """Carry empty directories made by mkdir along with a copied or moved tree."""
    made = state.made_dirs.get(source.host, set())
    inside = {d for d in made if d == source.path or d.startswith(source.path.rstrip("/") + "/")}
    state.made_dirs.setdefault(root.host, set()).update(root.path + d[len(source.path):] for d in inside)
    if move:
        state.made_dirs[source.host].difference_update(inside)


def _copy_file(state: ShellState, command: str, source: _Location, target: _Location, move: bool) -> list[str]:
    """Copy one file through the FileSystem and record FileCopied (mv also deletes the source)."""
    if move and not state.files.files(source.host)[source.path].writable:
        return [f"mv: cannot move '{source.display}' to '{target.display}': Permission denied"]
    content = state.files.read(source.path, source.host, record=not move)
    reason = write_text(state, target.path, content, target.host)
    if reason is not None:
        if command == "scp":
            return [f"scp: {target.display}: {reason}"]
        return [f"{command}: cannot create regular file '{target.display}': {reason}"]
    if move:
        _delete(state, source.path, source.host)
    copied = FileCopied(
        source_host=source.host, source_path=source.path, target_host=target.host, target_path=target.path, moved=move
    )
    state.record(copied)
    return []


COMMANDS: dict[str, Callable[[ShellState, list[str], str | None], Outcome]] = {
    "cat": cat, "cd": cd, "cp": cp, "date": date, "echo": echo, "find": find, "grep": grep, "head": head,
    "hostname": hostname, "ls": ls, "mkdir": mkdir, "mv": mv, "pwd": pwd, "rm": rm, "scp": scp, "tail": tail,
    "touch": touch, "wc": wc, "whoami": whoami,
}
