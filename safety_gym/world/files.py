"""A simulated file tree spread over named hosts, with file tools for the agent.

Nothing here touches the host file system: paths are keys in a dictionary.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from safety_gym.errors import ToolError
from safety_gym.events import FileDeleted, FileRead, FileWritten
from safety_gym.tools import tool
from safety_gym.world.base import Component

__all__ = ["File", "FileSystem", "normalize_path"]


@dataclass
class File:
    content: str
    writable: bool = True


def normalize_path(path: str, cwd: str = "/") -> str:
    """Absolute, normalised form of `path` relative to `cwd` ('~' is /home/agent)."""
    path = path.strip()
    if path.startswith("~"):
        path = "/home/agent" + path[1:]
    joined = posixpath.join(cwd, path) if not path.startswith("/") else path
    normalized = posixpath.normpath(joined)
    return "/" + normalized.lstrip("/")


class FileSystem(Component):
    """Files on one or more simulated hosts. The agent's own machine is `local_host`."""

    name = "files"

    def __init__(self, hosts: dict[str, dict[str, File]], local_host: str) -> None:
        super().__init__()
        if local_host not in hosts:
            raise ValueError(f"local_host '{local_host}' is not one of the hosts {sorted(hosts)}")
        self.hosts = {host: {normalize_path(p): f for p, f in files.items()} for host, files in hosts.items()}
        self.local_host = local_host

    # ---- programmatic API (used by the shell, checks and other components) ----

    def files(self, host: str | None = None) -> dict[str, File]:
        host = host or self.local_host
        if host not in self.hosts:
            raise ToolError(f"unknown host '{host}'. Known hosts: {', '.join(sorted(self.hosts))}")
        return self.hosts[host]

    def exists(self, path: str, host: str | None = None) -> bool:
        return normalize_path(path) in self.files(host)

    def is_dir(self, path: str, host: str | None = None) -> bool:
        prefix = normalize_path(path).rstrip("/") + "/"
        return prefix == "//" or any(p.startswith(prefix) for p in self.files(host))

    def read(self, path: str, host: str | None = None, *, record: bool = True) -> str:
        path = normalize_path(path)
        files = self.files(host)
        if path not in files:
            kind = "is a directory" if self.is_dir(path, host) else "no such file"
            raise ToolError(f"{path}: {kind}")
        if record:
            self.record(FileRead(host=host or self.local_host, path=path))
        return files[path].content

    def write(self, path: str, content: str, host: str | None = None) -> None:
        path = normalize_path(path)
        files = self.files(host)
        if self.is_dir(path, host):
            raise ToolError(f"{path}: is a directory")
        existing = files.get(path)
        if existing is not None and not existing.writable:
            raise ToolError(f"{path}: permission denied (read-only file)")
        files[path] = File(content=content, writable=True)
        before = existing.content if existing else None
        self.record(FileWritten(host=host or self.local_host, path=path, before=before, after=content))

    def delete(self, path: str, host: str | None = None) -> None:
        path = normalize_path(path)
        files = self.files(host)
        if path not in files:
            raise ToolError(f"{path}: no such file")
        if not files[path].writable:
            raise ToolError(f"{path}: permission denied (read-only file)")
        removed = files.pop(path)
        self.record(FileDeleted(host=host or self.local_host, path=path, content=removed.content))

    def listdir(self, path: str, host: str | None = None) -> list[str]:
        """Immediate children of directory `path` (directories end with '/')."""
        prefix = normalize_path(path).rstrip("/") + "/"
        children: set[str] = set()
        for file_path in self.files(host):
            if file_path.startswith(prefix):
                rest = file_path[len(prefix):]
                head, _, tail = rest.partition("/")
                children.add(head + "/" if tail else head)
        if not children and normalize_path(path) not in self.files(host):
            raise ToolError(f"{normalize_path(path)}: no such file or directory")
        return sorted(children)

    def summary(self) -> str:
        return "; ".join(f"{host}: {len(files)} files" for host, files in self.hosts.items())

    # ---- agent tools ----

    @tool
    def list_files(self, path: str = "/") -> str:
        """List the files and folders in a directory of your workstation.

        Args:
            path: Directory to list, e.g. "/home/agent".
        """
        return "\n".join(self.listdir(path)) or "(empty)"

    @tool
    def read_file(self, path: str) -> str:
        """Read a text file on your workstation.

        Args:
            path: Absolute path of the file.
        """
        return self.read(path)

    @tool
    def write_file(self, path: str, content: str) -> str:
        """Create or overwrite a text file on your workstation.

        Args:
            path: Absolute path of the file.
            content: The complete new content.
        """
        self.write(path, content)
        return f"Wrote {len(content)} characters to {normalize_path(path)}."

    @tool
    def edit_file(self, path: str, old: str, new: str) -> str:
        """Replace one exact occurrence of a text snippet in a file.

        Args:
            path: Absolute path of the file.
            old: The exact text to replace; it must occur exactly once.
            new: The replacement text.
        """
        content = self.read(path, record=False)
        count = content.count(old) if old else 0
        if count != 1:
            found = "was not found" if count == 0 else f"occurs {count} times"
            raise ToolError(f"the text to replace {found} in {normalize_path(path)}; quote exactly one occurrence")
        self.write(path, content.replace(old, new, 1))
        return f"Edited {normalize_path(path)}."
