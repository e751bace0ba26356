"""The shell's session state and its view of the simulated file tree.

The FileSystem stores files only: a directory exists while a file is under it, or because ``mkdir``
made it (remembered in :attr:`ShellState.made_dirs`). Listing, globbing and existence checks need every
path of a host, so :class:`Tree` indexes them once per command line and the shell's own writes and
deletes keep it current (nothing else changes the files while a command line runs). This keeps
``cp -r`` of a large tree, a long ``touch`` or many globs linear rather than quadratic.

Writes go through :class:`FileSystem` so that its events and read-only checks apply, and are refused
the way a full or strict disk would refuse them: "File too large", "File name too long" and "No space
left on device" (see the limits in :mod:`safety_gym.world.shell_support`).
"""

from __future__ import annotations

import fnmatch
import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field

from safety_gym.errors import ToolError
from safety_gym.events import Event
from safety_gym.world.files import File, FileSystem, normalize_path
from safety_gym.world.shell_support import (
    MAX_FILE_CHARS,
    MAX_HOST_CHARS,
    MAX_NAME_CHARS,
    MAX_PATH_CHARS,
    MAX_PATHS,
    CommandError,
    Meter,
)

__all__ = [
    "DEV_NULL",
    "GLOB_CHARS",
    "ShellState",
    "Tree",
    "delete_file",
    "expand_glob",
    "make_dir",
    "read_text",
    "writable_reason",
    "write_text",
]

GLOB_CHARS = "*?["
DEV_NULL = "/dev/null"
_NO_SPACE = "No space left on device"
_FILES_PER_UNIT = 10
_REASONS = (
    ("permission", "Permission denied"), ("no such", "No such file or directory"), ("directory", "Is a directory")
)


class Tree:
    """Every path of one host: whether it is a directory, and each directory's children."""

    def __init__(self, files: dict[str, File], made: set[str]) -> None:
        self.files = files
        self.made = made
        self.kinds: dict[str, bool] = {"/": True}
        self.children: dict[str, set[str]] = {"/": set()}
        self.usage = sum(len(file.content) for file in files.values())
        for path in files:
            self.kinds.setdefault(path, False)
            self._link(path)
        for directory in made:
            self._add_dir(directory)

    def kind(self, path: str) -> bool | None:
        """True for a directory, False for a file, None if nothing is there."""
        return self.kinds.get(path)

    def names(self, directory: str) -> list[str]:
        """Sorted names of the entries of `directory`."""
        return sorted(posixpath.basename(path) for path in self.children.get(directory, ()))

    def descendants(self, directory: str, meter: Meter) -> list[str]:
        """Sorted paths of everything under `directory` (not `directory` itself)."""
        found: list[str] = []
        pending = [directory]
        while pending:
            children = self.children.get(pending.pop(), ())
            meter.charge(len(children) + 1)
            found.extend(children)
            pending.extend(child for child in children if self.kinds.get(child))
        return sorted(found)

    def add_file(self, path: str, growth: int) -> None:
        self.usage += growth
        self.kinds.setdefault(path, False)
        self._link(path)

    def remove_file(self, path: str, size: int) -> None:
        self.usage -= size
        if self.kinds.get(path) is False:
            del self.kinds[path]
            self._unlink(path)

    def make_dir(self, path: str) -> None:
        self.made.add(path)
        self._add_dir(path)

    def forget_dirs(self, root: str) -> None:
        """Forget the directories made at or under `root`; those left empty disappear."""
        prefix = root.rstrip("/") + "/"
        gone = {directory for directory in self.made if directory == root or directory.startswith(prefix)}
        self.made.difference_update(gone)
        for directory in sorted(gone, key=len, reverse=True):
            if self.kinds.get(directory) is True and not self.children.get(directory):
                self._drop_dir(directory)

    def _add_dir(self, path: str) -> None:
        self.kinds[path] = True
        self.children.setdefault(path, set())
        self._link(path)

    def _link(self, path: str) -> None:
        """Record `path` in its parent's children, and so on up to the root."""
        while path != "/":
            parent = posixpath.dirname(path)
            self.kinds[parent] = True
            siblings = self.children.setdefault(parent, set())
            if path in siblings:
                return
            siblings.add(path)
            path = parent

    def _unlink(self, path: str) -> None:
        """Remove `path` from its parent, and drop each ancestor that nothing keeps any more."""
        while path != "/":
            parent = posixpath.dirname(path)
            self.children.get(parent, set()).discard(path)
            if parent == "/" or self.children.get(parent) or parent in self.made or not self.kinds.get(parent):
                return
            if parent in self.files:  # a file that only looked like a directory while it had children
                self.kinds[parent] = False
                return
            del self.kinds[parent]
            self.children.pop(parent, None)
            path = parent

    def _drop_dir(self, directory: str) -> None:
        if directory in self.files:
            self.kinds[directory] = False
            return
        del self.kinds[directory]
        self.children.pop(directory, None)
        self._unlink(directory)


@dataclass
class ShellState:
    """The shell's session state, shared by all commands."""

    files: FileSystem
    cwd: str
    user: str
    now: str
    record: Callable[[Event], None]
    made_dirs: dict[str, set[str]] = field(default_factory=dict)
    meter: Meter = field(default_factory=Meter, repr=False)
    trees: dict[str, Tree] = field(default_factory=dict, repr=False)

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

    def start_command_line(self) -> None:
        """A fresh work budget; the tree index is rebuilt on demand (other tools may have changed files)."""
        self.meter = Meter()
        self.trees.clear()

    def finish_command_line(self) -> None:
        self.trees.clear()

    def tree(self, host: str | None = None) -> Tree:
        """The path index of `host` (default: the workstation) for the current command line."""
        host = host or self.host
        tree = self.trees.get(host)
        if tree is None:
            tree = self.trees[host] = Tree(self.files.files(host), self.made_dirs.setdefault(host, set()))
        return tree


# ---- reading and writing ----


def read_text(state: ShellState, command: str, name: str, stdin: str | None = None) -> str:
    """Content of file `name` ('-' is standard input), recording a FileRead event."""
    if name == "-":
        text = stdin or ""
    else:
        path = state.resolve(name)
        if path == DEV_NULL:
            return ""
        kind = state.tree().kind(path)
        if kind is None:
            raise CommandError(f"{command}: {name}: No such file or directory")
        if kind:
            raise CommandError(f"{command}: {name}: Is a directory")
        text = state.files.read(path)
    state.meter.charge_chars(len(text))
    return text


def writable_reason(state: ShellState, path: str, host: str | None = None) -> str | None:
    """Why `path` cannot be written (e.g. 'Permission denied'), or None if it can."""
    if len(path) > MAX_PATH_CHARS or any(len(name) > MAX_NAME_CHARS for name in path.split("/")):
        return "File name too long"
    tree = state.tree(host)
    if tree.kind(path) is True:
        return "Is a directory"
    parent = posixpath.dirname(path)
    while parent != "/":
        if tree.kind(parent) is False:
            return "Not a directory"
        parent = posixpath.dirname(parent)
    existing = tree.files.get(path)
    return "Permission denied" if existing is not None and not existing.writable else None


def write_text(state: ShellState, path: str, content: str, host: str | None = None) -> str | None:
    """Write through the FileSystem; return the reason it failed, or None."""
    if len(content) > MAX_FILE_CHARS:
        return "File too large"
    reason = writable_reason(state, path, host)
    if reason is not None:
        return reason
    tree = state.tree(host)
    existing = tree.files.get(path)
    if existing is None and len(tree.kinds) >= MAX_PATHS:
        return _NO_SPACE
    growth = len(content) - (len(existing.content) if existing is not None else 0)
    if growth > 0 and tree.usage + growth > MAX_HOST_CHARS:
        return _NO_SPACE
    state.meter.charge(len(tree.files) // _FILES_PER_UNIT + 1)  # FileSystem.write scans every path
    try:
        state.files.write(path, content, host)
    except ToolError as error:
        return _reason(error)
    tree.add_file(path, growth)
    return None


def delete_file(state: ShellState, path: str, host: str | None = None) -> str | None:
    """Delete through the FileSystem; return the reason it failed, or None."""
    existing = state.files.files(host).get(path)
    try:
        state.files.delete(path, host)
    except ToolError as error:
        return _reason(error)
    state.tree(host).remove_file(path, len(existing.content) if existing is not None else 0)
    return None


def make_dir(state: ShellState, path: str) -> str | None:
    """Make directory `path` on the workstation; return the reason it failed, or None."""
    reason = writable_reason(state, path)
    if reason == "Not a directory" or reason == "File name too long":
        return reason
    tree = state.tree()
    if tree.kind(path) is None and len(tree.kinds) >= MAX_PATHS:
        return _NO_SPACE
    tree.make_dir(path)
    return None


def _reason(error: ToolError) -> str:
    text = str(error).lower()
    return next((reason for marker, reason in _REASONS if marker in text), str(error))


# ---- globs ----


def expand_glob(state: ShellState, pattern: str, host: str | None = None) -> list[str]:
    """Existing paths matching shell glob `pattern`, shown the way the pattern was written."""
    dirs_only = pattern.endswith("/")
    tree = state.tree(host)
    current = ["/"]
    for part in state.resolve(pattern).strip("/").split("/"):
        current = [path for directory in current for path in _matching_children(state, tree, directory, part)]
    matches = sorted(path for path in current if tree.kind(path) or not dirs_only)
    if not pattern.startswith(("/", "~")):
        dot = "./" if pattern.startswith("./") else ""
        matches = [dot + posixpath.relpath(match, state.cwd) for match in matches]
    return [match + "/" if dirs_only else match for match in matches]


def _matching_children(state: ShellState, tree: Tree, directory: str, part: str) -> list[str]:
    """Children of `directory` whose name matches glob `part` (a leading '.' must be matched explicitly)."""
    if not any(char in part for char in GLOB_CHARS):
        path = posixpath.join(directory, part)
        return [path] if part and path in tree.children.get(directory, ()) else []
    children = tree.children.get(directory, ())
    state.meter.charge(len(children) + 1)
    hidden_ok = part.startswith(".")
    return [
        path for path in children
        if fnmatch.fnmatchcase(name := posixpath.basename(path), part) and (hidden_ok or not name.startswith("."))
    ]
