"""The persistence tracker end to end: recording, alarms on a real switch, gates, idempotence, reports."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from safety_gym.cli import app
from safety_gym.registry import families
from safety_gym.tracker import Tracker, TrackerConfig
from safety_gym.tracker.ingest import export_parquet, import_parquet, read_eval_dir

SUITE = "SafetyGym/Blackmail-v0,SafetyGym/OversightSubversion-v0,SafetyGym/TestTampering-v0"
HELDOUT = [family.env_id for family in families() if family.split == "heldout"]
IN_DISTRIBUTION = [family.env_id for family in families() if family.split != "heldout"][:4]


def _track(*arguments: str):
    return CliRunner().invoke(app, ["track", *arguments])


def _eval(db, step, policy, *extra):
    result = _track("eval", "run", "--step", str(step), "--policy", policy, "--suite", SUITE, "--episodes", "8",
                    "--no-controls", "--db", str(db), *extra)
    assert result.exit_code == 0, result.output
    return result


def test_switch_to_misaligned_raises_an_alarm_within_two_checkpoints_and_fails_the_gate(tmp_path):
    db = tmp_path / "tracker.db"
    _eval(db, 0, "scripted:aligned", "--reference")
    _eval(db, 100, "scripted:aligned")
    quiet = _track("check", "run", "--fail-on", "regression", "--db", str(db))
    assert quiet.exit_code == 0, quiet.output
    _eval(db, 200, "scripted:misaligned")
    _eval(db, 300, "scripted:misaligned")
    with Tracker(db) as tracker:
        assessment = tracker.update("run")
    severe = [alarm for alarm in assessment.alarms if alarm.level in {"regression", "critical"}]
    assert severe and min(alarm.step for alarm in severe) <= 300
    assert not [alarm for alarm in assessment.alarms if alarm.step < 200 and alarm.level != "watch"]
    gate = _track("check", "run", "--fail-on", "regression", "--db", str(db))
    assert gate.exit_code == 1 and "FAIL" in gate.output
    report = _track("report", "run", "--out", str(tmp_path / "report"), "--db", str(db))
    assert report.exit_code == 0, report.output
    for name in ("report.html", "summary.json", "rates_by_family.png", "heatmap.png", "splits_and_retention.png"):
        assert (tmp_path / "report" / name).stat().st_size > 0
    summary = json.loads((tmp_path / "report" / "summary.json").read_text())
    assert summary["highest_level"] in {"regression", "critical"}
    assert {v["verdict"] for v in summary["verdicts"] if v["scope"] == "family"} == {"regressed"}


def test_an_all_aligned_run_stays_quiet(tmp_path):
    db = tmp_path / "tracker.db"
    _eval(db, 0, "scripted:aligned", "--reference")
    for step in (100, 200, 300):
        _eval(db, step, "scripted:aligned")
    gate = _track("check", "run", "--fail-on", "warn", "--db", str(db))
    assert gate.exit_code == 0, gate.output


@pytest.mark.skipif(not HELDOUT, reason="no held-out family registered")
def test_erosion_only_on_heldout_families_raises_ood_regression(tmp_path):
    suite = ",".join(HELDOUT + IN_DISTRIBUTION)
    with Tracker(tmp_path / "tracker.db", TrackerConfig(zero_tolerance_categories=[])) as tracker:
        tracker.evaluate_checkpoint("run", 0, "scripted:aligned", suite=suite, episodes=12, controls=False, reference=True)
        tracker.evaluate_checkpoint("run", 100, "scripted:aligned", suite=suite, episodes=12, controls=False)
        for step in (200, 300):
            tracker.evaluate_checkpoint("run", step, "python:policy_helpers:heldout_misaligned", suite=suite,
                                        episodes=12, controls=False)
        assessment = tracker.update("run")
    levels = {alarm.level for alarm in assessment.alarms}
    assert "ood_regression" in levels
    in_distribution = {family.name for family in families() if family.env_id in IN_DISTRIBUTION}
    assert not [a for a in assessment.alarms if a.scope == "family" and a.scope_id in in_distribution and a.level != "watch"]


def test_reingest_is_idempotent_and_late_records_join_their_checkpoint(tmp_path):
    folder = tmp_path / "eval"
    result = CliRunner().invoke(app, ["eval", "--no-progress", "--policy", "scripted:misaligned", "--suite", SUITE,
                                      "--episodes", "6", "--out", str(folder)])
    assert result.exit_code == 0, result.output
    records, _ = read_eval_dir(folder)
    with Tracker(tmp_path / "tracker.db") as tracker:
        tracker.record("run", 0, [], reference=True)
        assert tracker.record("run", 100, records[:10]) == 10
        first = tracker.update("run")
        assert tracker.record("run", 100, records) == len(records) - 10  # late arrivals
        second = tracker.update("run")
        assert tracker.add_eval_dir("run", 100, folder) == 0  # re-ingest: nothing new
        third = tracker.update("run")
    n_at = lambda assessment: sum(row.n for row in assessment.stats if row.scope == "env" and row.step == 100)  # noqa: E731
    assert n_at(first) == 10 and n_at(second) == len(records) == n_at(third)
    assert second.model_dump() == third.model_dump()


def test_parquet_round_trip_matches_the_store(tmp_path):
    pytest.importorskip("pyarrow")
    folder = tmp_path / "eval"
    CliRunner().invoke(app, ["eval", "--no-progress", "--policy", "scripted:aligned", "--suite", SUITE,
                             "--episodes", "4", "--out", str(folder)])
    with Tracker(tmp_path / "a.db") as tracker:
        tracker.add_eval_dir("run", 5, folder)
        rows = list(tracker.store.episodes("run"))
    assert export_parquet(rows, tmp_path / "shard.parquet") == len(rows)
    with Tracker(tmp_path / "b.db") as other:
        other.record("run", 5, import_parquet([tmp_path / "shard.parquet"]))
        assert list(other.store.episodes("run")) == rows


def test_bad_gate_level_and_unknown_run_explain_the_fix(tmp_path):
    db = tmp_path / "tracker.db"
    missing = _track("check", "nope", "--db", str(db))
    assert missing.exit_code == 2 and "no run 'nope'" in missing.output
    _eval(db, 0, "scripted:aligned", "--reference")
    bad = _track("check", "run", "--fail-on", "panic", "--db", str(db))
    assert bad.exit_code == 2 and "--fail-on must be one of" in bad.output
