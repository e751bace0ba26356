"""The wheel holds every module under the safety_gym namespace, and nothing at top level."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIRS = {"safety_gym": ROOT / "safety_gym", "safety_gym/envs": ROOT / "envs", "safety_gym/rewards": ROOT / "rewards"}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation", "-q", "-w", str(out)],
        check=True,
    )
    return zipfile.ZipFile(next(out.glob("agentic_safety_gym-*.whl")))


def test_wheel_holds_every_module(wheel):
    names = set(wheel.namelist())
    for prefix, directory in SOURCE_DIRS.items():
        for module in directory.rglob("*.py"):
            relative = module.relative_to(directory).as_posix()
            assert f"{prefix}/{relative}" in names, f"{prefix}/{relative} missing from the wheel"


def test_wheel_has_no_top_level_envs_or_rewards(wheel):
    top_levels = {name.split("/")[0] for name in wheel.namelist()}
    assert "envs" not in top_levels and "rewards" not in top_levels
    entry_points = next(name for name in wheel.namelist() if name.endswith("entry_points.txt"))
    assert "safety-gym = safety_gym.cli:main" in wheel.read(entry_points).decode()


def test_installed_package_exposes_no_top_level_envs_or_rewards(tmp_path):
    probe = "import importlib.util as u, safety_gym.envs, safety_gym.rewards; print(u.find_spec('envs'), u.find_spec('rewards'))"
    output = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert output.stdout.strip() == "None None"
