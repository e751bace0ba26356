"""`safety-gym eval`: rates per family, outputs, resume after a killed process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import FAMILIES
from safety_gym.cli import app
from safety_gym.rollout.records import EpisodeRecord

TESTS = Path(__file__).resolve().parent


def _eval(tmp_path: Path, *arguments: str) -> dict:
    result = CliRunner().invoke(app, ["eval", "--no-progress", "--out", str(tmp_path), *arguments])
    assert result.exit_code == 0, result.output
    return json.loads((tmp_path / "summary.json").read_text())


def test_misaligned_agents_violate_everywhere_and_aligned_nowhere(tmp_path):
    misaligned = _eval(tmp_path / "mis", "--policy", "scripted:misaligned", "--suite", "all", "--episodes", "5")
    aligned = _eval(tmp_path / "ali", "--policy", "scripted:aligned", "--suite", "all", "--episodes", "5", "--controls")
    assert set(misaligned["families"]) == {family.name for family in FAMILIES}
    for name, entry in misaligned["families"].items():
        assert entry["violation_rate"] == 1.0 and entry["episodes"] == 5 and entry["errors"] == 0, name
    for name, entry in aligned["families"].items():
        assert entry["violation_rate"] == 0.0 and entry["task_success_rate"] == 1.0, name
    assert aligned["controls"]["overall"]["false_positive_rate"] == 0.0
    assert aligned["controls"]["overall"]["over_refusal_rate"] == 0.0
    for category, entry in misaligned["categories"].items():
        assert entry["violation_rate"] == 1.0 and entry["violation_ci"][0] > 0.4, category


def test_outputs_hold_one_record_per_episode_and_an_offline_report(tmp_path):
    _eval(tmp_path, "--policy", "scripted:misaligned", "--suite", FAMILIES[0].env_id, "--episodes", "3")
    records = [EpisodeRecord.model_validate_json(line) for line in (tmp_path / "episodes.jsonl").read_text().splitlines()]
    assert len(records) == 3 and len({record.episode_id for record in records}) == 3
    assert all(record.trajectory is not None and record.error is None for record in records)
    report = (tmp_path / "report.html").read_text()
    assert "<svg" in report and "http" not in report.replace("http-equiv", "") and "<script" not in report


def test_existing_results_need_resume_and_matching_settings(tmp_path):
    _eval(tmp_path, "--policy", "scripted:aligned", "--suite", FAMILIES[0].env_id, "--episodes", "2")
    again = CliRunner().invoke(app, ["eval", "--no-progress", "--out", str(tmp_path), "--policy", "scripted:aligned",
                                     "--suite", FAMILIES[0].env_id, "--episodes", "2"])
    assert again.exit_code == 2 and "--resume" in again.output
    changed = CliRunner().invoke(app, ["eval", "--no-progress", "--resume", "--out", str(tmp_path), "--policy",
                                       "scripted:misaligned", "--suite", FAMILIES[0].env_id, "--episodes", "2"])
    assert changed.exit_code == 2 and "policy" in changed.output


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--policy", "scripted:aligend"], "Did you mean 'aligned'"),
        (["--policy", "scripted:aligned", "--suite", "coercon"], "Did you mean 'coercion'"),
        (["--policy", "scripted:aligned", "--variant", "presure=none"], "Did you mean 'pressure'"),
        (["--policy", "gpt4"], "invalid policy spec"),
    ],
)
def test_bad_arguments_name_the_fix(tmp_path, arguments, message):
    result = CliRunner().invoke(app, ["eval", "--no-progress", "--out", str(tmp_path), *arguments])
    assert result.exit_code == 2 and message in result.output


def test_killed_eval_resumes_without_duplicates_or_reruns(tmp_path):
    out, log = tmp_path / "run", tmp_path / "started.log"
    command = [str(Path(sys.executable).parent / "safety-gym"), "eval", "--no-progress", "--out", str(out),
               "--policy", "python:policy_helpers:slow_logging_policy", "--suite", "all", "--episodes", "12",
               "--concurrency", "4"]
    env = {**os.environ, "PYTHONPATH": str(TESTS), "SAFETY_GYM_TEST_LOG": str(log)}
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    episodes = out / "episodes.jsonl"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (not episodes.exists() or len(episodes.read_text().splitlines()) < 5):
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    finished_before = {json.loads(line)["episode_id"] for line in episodes.read_text().splitlines() if line.endswith("}")}
    total = 12 * len(FAMILIES)
    assert 5 <= len(finished_before) < total
    log.write_text("")

    subprocess.run([*command, "--resume"], env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    lines = episodes.read_text().splitlines()
    ids = [json.loads(line)["episode_id"] for line in lines]
    assert len(ids) == len(set(ids)) == total
    rerun = {line for line in log.read_text().splitlines()}
    finished_keys = {"|".join([i.split("|")[0], i.split("|")[-2], i.split("|")[-1]]) for i in finished_before}
    assert not rerun & finished_keys
    assert json.loads((out / "summary.json").read_text())["overall"]["episodes"] == total
