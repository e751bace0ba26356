"""The shell commands that change files: touch, mkdir, rm, cp, mv and scp.

Writes and deletes go through :class:`FileSystem` (via :mod:`safety_gym.world.shell_state`) so that
its events and read-only checks apply; copies also record :class:`FileCopied`. Copying or moving a
directory into itself is refused as GNU cp and mv refuse it, so a tree copy always ends.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from safety_gym.events import FileCopied
from safety_gym.world.files import normalize_path
from safety_gym.world.shell_state import (
    GLOB_CHARS,
    ShellState,
    delete_file,
    expand_glob,
    make_dir,
    write_text,
)
from safety_gym.world.shell_support import CommandError, Outcome, Output, join_display, parse_options

__all__ = ["cp", "mkdir", "mv", "rm", "scp", "touch"]

_PRESERVE_ROOT = (
    "rm: it is dangerous to operate recursively on '/'\nrm: use --no-preserve-root to override this failsafe"
)
_REMOTE_SPEC = re.compile(r"^(?:[^@/:]+@)?([^/:]+):(.*)$", re.DOTALL)


def touch(state: ShellState, args: list[str], stdin: str | None) -> Outcome:
    """`touch FILE...`: create empty files (existing files are left unchanged)."""
    options = parse_options("touch", args, "ac")
    output = Output("touch")
    if not options.operands:
        raise CommandError("touch: missing file operand")
    for name in options.operands:
        path = state.resolve(name)
        if state.tree().kind(path) is None and "c" not in options.flags:
            reason = write_text(state, path, "")
            if reason:
                output.fail(f"touch: cannot touch '{name}': {reason}")
    return output.outcome()


def mkdir(state: ShellState, args: list[str], stdin: str | None) -> Outcome:
    """`mkdir [-p] DIR...`: make directories (remembered by the shell until removed)."""
    options = parse_options("mkdir", args, "pv")
    if not options.operands:
        raise CommandError("mkdir: missing operand")
    output = Output("mkdir")
    for name in options.operands:
        path = state.resolve(name)
        kind = state.tree().kind(path)
        if kind is not None and not (kind and "p" in options.flags):
            output.fail(f"mkdir: cannot create directory '{name}': File exists")
        elif reason := make_dir(state, path):
            output.fail(f"mkdir: cannot create directory '{name}': {reason}")
    return output.outcome()


def rm(state: ShellState, args: list[str], stdin: str | None) -> Outcome:
    """`rm [-r] [-f] PATH...`: delete files, or directory trees with -r."""
    options = parse_options("rm", args, "rRfivd")
    if not options.operands and "f" not in options.flags:
        raise CommandError("rm: missing operand")
    output = Output("rm")
    for name in options.operands:
        path = state.resolve(name)
        kind = state.tree().kind(path)
        if kind is None:
            if "f" not in options.flags:
                output.fail(f"rm: cannot remove '{name}': No such file or directory")
        elif kind and not options.flags & {"r", "R"}:
            output.fail(f"rm: cannot remove '{name}': Is a directory")
        elif path == "/":
            output.fail(_PRESERVE_ROOT)
        elif kind:
            _remove_tree(state, name, path, output)
        elif reason := delete_file(state, path):
            output.fail(f"rm: cannot remove '{name}': {reason}")
    return output.outcome()


def _remove_tree(state: ShellState, name: str, path: str, output: Output) -> None:
    for file in _files_under(state, path):
        reason = delete_file(state, file)
        if reason:
            output.fail(f"rm: cannot remove '{join_display(name, file[len(path.rstrip('/')) + 1:])}': {reason}")
    state.tree().forget_dirs(path)


def _files_under(state: ShellState, directory: str, host: str | None = None) -> list[str]:
    tree = state.tree(host)
    return [path for path in tree.descendants(directory, state.meter) if tree.kind(path) is False]


# ---- cp, mv and scp ----


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
    into_directory = target.names_directory or state.tree(target.host).kind(target.path) is True
    if len(sources) > 1 and not into_directory:
        raise CommandError(f"{command}: target '{target.display}' is not a directory")
    output = Output(command)
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
    kind = state.tree(source.host).kind(source.path)
    if kind is None:
        where = source.display if command == "scp" else f"cannot stat '{source.display}'"
        return [f"{command}: {where}: No such file or directory"]
    if kind and not recursive:
        if command == "scp":
            return [f"scp: {source.display}: not a regular file"]
        return [f"cp: -r not specified; omitting directory '{source.display}'"]
    root = _Location(target.host, target.path, target.display)
    if into_directory:
        name = posixpath.basename(source.path)
        path = normalize_path(posixpath.join(target.path, name))
        root = _Location(target.host, path, join_display(target.display, name))
    if problem := _copy_into_itself(command, source, root, kind, move):
        return [problem]
    if not kind:
        return _copy_file(state, command, source, _Location(root.host, root.path, root.path), move)
    errors = []
    source_prefix = source.path.rstrip("/") + "/"
    for file in _files_under(state, source.path, source.host):
        destination = root.path.rstrip("/") + "/" + file[len(source_prefix):]
        file_target = _Location(target.host, destination, destination)
        errors += _copy_file(state, command, _Location(source.host, file, file), file_target, move)
    _copy_made_dirs(state, source, root, move)
    return errors


def _copy_into_itself(command: str, source: _Location, root: _Location, is_dir: bool, move: bool) -> str | None:
    """GNU's refusal to copy a file onto itself or a directory into itself (which would never end)."""
    if source.host != root.host:
        return None
    if root.path == source.path:
        return f"{command}: '{source.display}' and '{root.display}' are the same file"
    if is_dir and root.path.startswith(source.path.rstrip("/") + "/"):
        if move:
            return f"mv: cannot move '{source.display}' to a subdirectory of itself, '{root.display}'"
        return f"{command}: cannot copy a directory, '{source.display}', into itself, '{root.display}'"
    return None


def _copy_made_dirs(state: ShellState, source: _Location, root: _Location, move: bool) -> None:
    """Carry empty directories made by mkdir along with a copied or moved tree."""
    source_tree = state.tree(source.host)
    prefix = source.path.rstrip("/") + "/"
    inside = sorted(d for d in source_tree.made if d == source.path or d.startswith(prefix))
    if move:
        source_tree.forget_dirs(source.path)
    target_tree = state.tree(root.host)
    for directory in inside:
        target_tree.make_dir(root.path + directory[len(source.path):])


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
        delete_file(state, source.path, source.host)
    copied = FileCopied(
        source_host=source.host, source_path=source.path, target_host=target.host, target_path=target.path, moved=move
    )
    state.record(copied)
    return []
