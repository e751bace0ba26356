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

__all__ = ["COMMANDS", "CommandError", "Outcome", "ShellState", "expand_glob", "read_text", "writable_reason"]

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
    for marker, reason in (("permission", "Permission denied"), ("directory", "Is a directory")):
        if marker in text:
            return reason
    return "No such file or directory" if "no such" in text else str(error)


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
    """GNU-style options: combined short flags, values (`-n 5`, `-n5`, `-5`), `--`, permutation."""
    options = _Options(set(), {}, [])
    index = 0
    while index < len(args):
        arg = args[index]
        index += 1
        if arg == "--":
            options.operands.extend(args[index:])
            break
        if arg.startswith("--"):
            index = _long_option(command, arg, args, index, flags + valued, valued, options)
        elif len(arg) > 1 and arg.startswith("-") and arg[1:].isdigit() and "n" in valued:
            options.values["n"] = arg[1:]
        elif len(arg) > 1 and arg.startswith("-"):
            index = _short_options(command, arg, args, index, flags, valued, options)
        else:
            options.operands.append(arg)
    return options


def _long_option(command: str, arg: str, args: list[str], index: int, known: str, valued: str, options: _Options) -> int:
    name, has_value, value = arg.partition("=")
    letter = _LONG_OPTIONS.get(name)
    if letter is None or letter not in known:
        raise CommandError(f"{command}: unrecognized option '{arg}'\nTry '{command} --help' for more information.", 2)
    if letter not in valued:
        options.flags.add(letter)
        return index
    if not has_value:
        if index >= len(args):
            raise CommandError(f"{command}: option '{name}' requires an argument", 2)
        value, index = args[index], index + 1
    options.values[letter] = value
    return index


def _short_options(command: str, arg: str, args: list[str], index: int, flags: str, valued: str, options: _Options) -> int:
    for position, letter in enumerate(arg[1:], start=1):
        if letter in valued:
            value = arg[position + 1:]
            if not value:
                if index >= len(args):
                    raise CommandError(f"{command}: option requires an argument -- '{letter}'", 2)
                value, index = args[index], index + 1
            options.values[letter] = value
            return index
        if letter not in flags:
            raise CommandError(f"{command}: invalid option -- '{letter}'\nTry '{command} --help' for more information.", 2)
        options.flags.add(letter)
    return index


# ---- simple commands ----


def pwd(state: ShellState, args: list[str], stdin: str | None) -> Outcome:
    return Outcome(state.cwd + "\n")


def whoami(state: ShellState, args: list[str], stdin: str | None) -> Outcome:
    return Outcome(state.user + "\n")


def hostname(state: ShellState, args: list[str], stdin: str | None) -> Outcome:
    return Outcome(state.host + "\n")


def date(state: ShellState, args: list[str], stdin: str | None) -> Outcome:
    return Outcome(state.now + "\n")


def echo(state: ShellState, args: list[str], stdin: str | None) -> Outcome:
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
    options = parse_options("ls", args, "laAh1tr")
    found = entries(state)
    output = _Output()
    files, directories = [], []
    for name in options.operands or ["."]:
        kind = found.get(state.resolve(name))
        if kind is None:
            output.fail(f"ls: cannot access '{name}': No such file or directory", 2)
        (directories if kind else files).append(name) if kind is not None else None
    blocks = [_ls_block(state, found, [(n, state.resolve(n)) for n in files], options)] if files else []
    for name in directories:
        path = state.resolve(name)
        names = _children(found, path)
        names = (([".", ".."] if "a" in options.flags else []) + names) if "a" in options.flags or "A" in options.flags else [
            n for n in names if not n.startswith(".")
        ]
        block = _ls_block(state, found, [(n, posixpath.join(path, n)) for n in names], options)
        header = f"{name}:\n" if len(files) + len(directories) > 1 else ""
        blocks.append(header + block)
    output.write("\n".join(blocks))
    return output.outcome()


def _ls_block(state: ShellState, found: dict[str, bool], items: list[tuple[str, str]], options: _Options) -> str:
    if "r" in options.flags:
        items = items[::-1]
    if "l" not in options.flags:
        return "".join(name + "\n" for name, _ in items)
    files = state.files.files()
    sizes = [4096 if found.get(state.resolve(path), True) else len(files[path].content.encode()) for _, path in items]
    width = max((len(str(size)) for size in sizes), default=1)
    lines = []
    for (name, path), size in zip(items, sizes):
        file = files.get(state.resolve(path))
        mode = "drwxr-xr-x" if file is None else ("-rw-r--r--" if file.writable else "-r--r--r--")
        lines.append(f"{mode} 1 {state.user} {state.user} {size:>{width}} {_ls_timestamp(state.now)} {name}\n")
    return "".join(lines)


def _ls_timestamp(now: str) -> str:
    match = re.search(r"([A-Z][a-z]{2})\s+(\d{1,2})\s+(\d{2}:\d{2})", now)
    return f"{match.group(1)} {int(match.group(2)):>2} {match.group(3)}" if match else "Jan  1 00:00"


def cat(state: ShellState, args: list[str], stdin: str | None) -> Outcome:
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
    return _head_or_tail("head", state, args, stdin)


def tail(state: ShellState, args: list[str], stdin: str | None) -> Outcome:
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
        return lines[: len(lines) - number] if count.startswith("-") else lines[:number]
    if count.startswith("+"):
        return lines[max(number - 1, 0):]
    return lines[len(lines) - number:] if number else []


def wc(state: ShellState, args: list[str], stdin: str | None) -> Outcome:
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
    options = parse_options("grep", args, "rRinlvcEFwHhoqs", valued="e")
    operands = list(options.operands)
    if "e" not in options.values and not operands:
        raise CommandError("Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.", 2)
    regex = _compile_grep_pattern(options.values.get("e") or operands.pop(0), options.flags)
    recursive = bool(options.flags & {"r", "R"})
    output = _Output()
    sources = _grep_sources(state, operands, recursive, output)
    show_names = "H" in options.flags or (len(sources) > 1 or recursive) and "h" not in options.flags
    matched = False
    for display, path in sources:
        text = stdin or "" if path is None else state.files.read(path)
        matched = _grep_text(regex, text, display if show_names else None, options.flags, output) or matched
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


def _grep_sources(state: ShellState, operands: list[str], recursive: bool, output: _Output) -> list[tuple[str, str | None]]:
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


def _grep_text(regex: re.Pattern[str], text: str, display: str | None, flags: set[str], output: _Output) -> bool:
    invert = "v" in flags
    hits = [(number, line.rstrip("\n")) for number, line in enumerate(split_lines(text), start=1)]
    hits = [(number, line) for number, line in hits if bool(regex.search(line)) != invert]
    prefix = f"{display}:" if display is not None else ""
    if "l" in flags:
        output.write(f"{display or '(standard input)'}\n" if hits else "")
    elif "c" in flags:
        output.write(f"{prefix}{len(hits)}\n")
    else:
        for number, line in hits:
            line_prefix = prefix + (f"{number}:" if "n" in flags else "")
            pieces = [m.group(0) for m in regex.finditer(line) if m.group(0)] if "o" in flags and not invert else [line]
            output.write("".join(f"{line_prefix}{piece}\n" for piece in pieces))
    return bool(hits)


def find(state: ShellState, args: list[str], stdin: str | None) -> Outcome:
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
            output.fail("rm: it is dangerous to operate recursively on '/'\nrm: use --no-preserve-root to override this failsafe")
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
    host: str
    path: str
    display: str


def cp(state: ShellState, args: list[str], stdin: str | None) -> Outcome:
    options = parse_options("cp", args, "rRapfvin")
    return _transfer(state, "cp", options.operands, recursive=bool(options.flags & {"r", "R", "a"}), move=False)


def mv(state: ShellState, args: list[str], stdin: str | None) -> Outcome:
    options = parse_options("mv", args, "fvin")
    return _transfer(state, "mv", options.operands, recursive=True, move=False if not options.operands else True)


def scp(state: ShellState, args: list[str], stdin: str | None) -> Outcome:
    options = parse_options("scp", args, "rpqCv346B", valued="PioFlS")
    return _transfer(state, "scp", options.operands, recursive="r" in options.flags, move=False)


def _transfer(state: ShellState, command: str, operands: list[str], *, recursive: bool, move: bool) -> Outcome:
    if len(operands) < 2:
        missing = "missing file operand" if not operands else f"missing destination file operand after '{operands[0]}'"
        raise CommandError(f"usage: scp [-r] source ... target" if command == "scp" else f"{command}: {missing}")
    target = _location(state, command, operands[-1])
    sources = [_location(state, command, spec) for spec in operands[:-1]]
    if command == "scp":
        sources = [expanded for source in sources for expanded in _expand_remote(state, source)]
    target_is_dir = entries(state, target.host).get(target.path) is True or target.display.endswith("/")
    if len(sources) > 1 and not target_is_dir:
        raise CommandError(f"{command}: target '{target.display}' is not a directory")
    output = _Output()
    for source in sources:
        for message in _copy(state, command, source, target, target_is_dir, recursive=recursive, move=move):
            output.fail(message)
    return output.outcome()


def _location(state: ShellState, command: str, spec: str) -> _Location:
    match = _REMOTE_SPEC.match(spec) if command == "scp" else None
    if match is None:
        return _Location(state.host, state.resolve(spec), spec)
    host, path = match.groups()
    if host not in state.files.hosts:
        raise CommandError(f"ssh: Could not resolve hostname {host}: Name or service not known\nlost connection")
    return _Location(host, state.resolve(path or ".", base=state.home), spec)


def _expand_remote(state: ShellState, source: _Location) -> list[_Location]:
    if source.host == state.host or not any(char in source.path for char in GLOB_CHARS):
        return [source]
    matches = expand_glob(state, source.path, source.host)
    return [_Location(source.host, m, f"{source.host}:{m}") for m in matches] or [source]


def _copy(
    state: ShellState, command: str, source: _Location, target: _Location, into_dir: bool, *, recursive: bool, move: bool
) -> list[str]:
    kind = entries(state, source.host).get(source.path)
    if kind is None:
        where = f"cannot stat '{source.display}'" if command != "scp" else source.display
        return [f"{command}: {where}: No such file or directory"]
    if kind and not recursive:
        if command == "scp":
            return [f"scp: {source.display}: not a regular file"]
        return [f"cp: -r not specified; omitting directory '{source.display}'"]
    root = posixpath.join(target.path, posixpath.basename(source.path)) if into_dir else target.path
    root = normalize_path(root)
    same_host = source.host == target.host
    if same_host and (root == source.path or (kind and root.startswith(source.path.rstrip("/") + "/"))):
        if root == source.path:
            return [f"{command}: '{source.display}' and '{target.display}' are the same file"]
        return [f"{command}: cannot copy a directory, '{source.display}', into itself, '{target.display}'"]
    if not kind:
        return _copy_file(state, command, source, _Location(target.host, root, root), move)
    errors = []
    for file in (p for p in sorted(state.files.files(source.host)) if p.startswith(source.path.rstrip("/") + "/")):
        destination = root.rstrip("/") + file[len(source.path.rstrip("/")):]
        errors += _copy_file(state, command, _Location(source.host, file, file), _Location(target.host, destination, destination), move)
    if move:
        made = state.made_dirs.get(source.host, set())
        made.difference_update({d for d in made if d == source.path or d.startswith(source.path.rstrip("/") + "/")})
    return errors


def _copy_file(state: ShellState, command: str, source: _Location, target: _Location, move: bool) -> list[str]:
    source_file = state.files.files(source.host)[source.path]
    if move and not source_file.writable:
        return [f"mv: cannot move '{source.display}' to '{target.display}': Permission denied"]
    reason = writable_reason(state, target.path, target.host)
    if reason is not None:
        return [f"scp: {target.display}: {reason}" if command == "scp" else f"{command}: cannot create regular file '{target.display}': {reason}"]
    content = state.files.read(source.path, source.host, record=not move)
    reason = write_text(state, target.path, content, target.host)
    if reason is not None:
        return [f"{command}: cannot create regular file '{target.display}': {reason}"]
    if move:
        _delete(state, source.path, source.host)
    state.record(
        FileCopied(source_host=source.host, source_path=source.path, target_host=target.host, target_path=target.path, moved=move)
    )
    return []


COMMANDS: dict[str, Callable[[ShellState, list[str], str | None], Outcome]] = {
    "cat": cat, "cd": cd, "cp": cp, "date": date, "echo": echo, "find": find, "grep": grep, "head": head,
    "hostname": hostname, "ls": ls, "mkdir": mkdir, "mv": mv, "pwd": pwd, "rm": rm, "scp": scp, "tail": tail,
    "touch": touch, "wc": wc, "whoami": whoami,
}
