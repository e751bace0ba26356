"""Tracker hooks and logger sinks with the real packages: transformers Trainer, W&B offline, TensorBoard, MLflow.

Each test that needs an optional package skips when it is missing; nothing reaches the network
(W&B offline, MLflow file store, Hugging Face offline, a randomly initialised model).
"""

from __future__ import annotations

import importlib.util
import json
import os
import struct
import sys
from pathlib import Path

import pytest

from safety_gym.errors import ConfigError
from safety_gym.tracker import Tracker, TrackerConfig
from safety_gym.tracker.alarms import SEVERITY, Alarm, AlarmConfig, CheckpointStats, RunAssessment
from safety_gym.tracker.hooks import SafetyCheckpointHook
from safety_gym.tracker.sinks import MLflowSink, TensorBoardSink, WandbSink, metrics_at

SUITE = "SafetyGym/OversightSubversion-v0,SafetyGym/TestTampering-v0"
FAMILIES = ("OversightSubversion", "TestTampering")
POLICIES = {0: "scripted:aligned", 1: "scripted:aligned", 2: "scripted:misaligned"}
EXPECTED_LEVELS = {0: 0.0, 1: 0.0, 2: 3.0}  # reference, clean, regression (tier-2 envs)


@pytest.fixture(autouse=True)
def _offline(tmp_path, monkeypatch):
    monkeypatch.setenv("WANDB_MODE", "offline")
    monkeypatch.setenv("WANDB_DIR", str(tmp_path))
    monkeypatch.setenv("WANDB_SILENT", "true")
    monkeypatch.setenv("WANDB_CONSOLE", "off")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"file:{tmp_path}/mlruns")
    monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")  # MLflow 3.x refuses file stores without it


def _hook(tracker, sinks=(), **options):
    options.setdefault("stop_on", "regression")
    return SafetyCheckpointHook(tracker, "run", lambda step, path: POLICIES[step], suite=SUITE, episodes=6,
                                controls=False, sinks=sinks, **options)


def _run_three_checkpoints(tmp_path: Path, sink) -> dict[int, dict[str, float]]:
    with Tracker(tmp_path / "tracker.db") as tracker:
        hook = _hook(tracker, [sink])
        results = {step: hook(step) for step in POLICIES}
        hook.close()
    assert [r.reference for r in results.values()] == [True, False, False]
    assert {step: r.metrics["safety/alarm_level"] for step, r in results.items()} == EXPECTED_LEVELS
    return {step: r.metrics for step, r in results.items()}


def _check_mirrored(metrics: dict[int, dict[str, float]], history: dict[str, dict[int, float]]) -> None:
    """Every mirrored key has the hook's value at each step."""
    for family in FAMILIES:
        assert f"safety/in_distribution/{family}/wilson_high" in history
    for key in ("safety/alarm_level", "safety/violation_rate", "safety/in_distribution/violation_rate"):
        assert history[key] == {step: metrics[step][key] for step in POLICIES}
    for step, values in metrics.items():
        for key, value in values.items():
            assert history[key][step] == pytest.approx(value, rel=1e-6), (key, step)


# (a) transformers Trainer --------------------------------------------------------------------------------------


def test_trainer_callback_evaluates_each_saved_checkpoint_and_stops_on_regression(tmp_path):
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    pytest.importorskip("accelerate")
    from safety_gym.tracker.transformers_callback import SafetyTrackerCallback

    torch.manual_seed(0)
    config = transformers.GPT2Config(n_layer=1, n_head=1, n_embd=8, vocab_size=32, n_positions=16,
                                     bos_token_id=0, eos_token_id=0)
    model = transformers.GPT2LMHeadModel(config)
    data = [{"input_ids": ids, "labels": ids} for ids in torch.randint(0, 32, (16, 8))]
    calls = []

    def factory(step: int, path: str | None) -> str:
        calls.append(step)
        assert path is not None and os.path.isdir(path), path  # the Trainer saved it before on_save
        return "scripted:aligned" if step < 4 else "scripted:misaligned"

    out = tmp_path / "out"
    args = transformers.TrainingArguments(output_dir=str(out), max_steps=6, save_steps=2, per_device_train_batch_size=2,
                                          report_to=[], use_cpu=True, logging_steps=100, disable_tqdm=True,
                                          save_only_model=True, seed=0)
    with Tracker(tmp_path / "tracker.db") as tracker:
        hook = SafetyCheckpointHook(tracker, "run", factory, suite=SUITE, episodes=6, controls=False,
                                    stop_on="regression", sinks=[TensorBoardSink(tmp_path / "tb")])
        callback = SafetyTrackerCallback(hook, write_report=importlib.util.find_spec("matplotlib") is not None)
        trainer = transformers.Trainer(model=model, args=args, train_dataset=data, callbacks=[callback])
        trainer.train()
        checkpoints = tracker.store.checkpoints("run")
        assessment = tracker.update("run")

    assert calls == [2, 4]
    assert [(c["step"], bool(c["is_reference"]), c["policy"]) for c in checkpoints] == [
        (2, True, "scripted:aligned"), (4, False, "scripted:misaligned")]
    assert trainer.state.global_step == 4 < args.max_steps and callback.stopped_at == 4
    assert [(r.step, r.reference, r.should_stop) for r in callback.results] == [(2, True, False), (4, False, True)]
    assert callback.results[1].highest_level == "regression"
    assert any(a.step >= 4 and SEVERITY[a.level] >= SEVERITY["regression"] for a in assessment.alarms)
    assert not [a for a in assessment.alarms if a.step < 4]
    if callback.write_report:
        summary = json.loads((out / "safety_report" / "summary.json").read_text())
        assert summary["highest_level"] == "regression"


# (b) W&B offline -------------------------------------------------------------------------------------------------


def _wandb_history(path: Path) -> dict[str, dict[int, float]]:
    """History rows of an offline ``.wandb`` file (LevelDB-log framing of ``Record`` protos) by key and step."""
    from wandb.proto import wandb_internal_pb2

    data, position, buffer, rows = path.read_bytes(), 7, b"", []
    assert data[:4] == b":W&B"
    while position + 7 <= len(data):
        if 32768 - position % 32768 < 7:  # block trailer
            position += 32768 - position % 32768
            continue
        _, length, kind = struct.unpack("<IHB", data[position:position + 7])
        buffer += data[position + 7:position + 7 + length]
        position += 7 + length
        if kind in (1, 4):  # a full record, or the last fragment of one
            record = wandb_internal_pb2.Record()
            record.ParseFromString(buffer)
            buffer = b""
            if record.WhichOneof("record_type") == "history":
                rows.append({item.key or "/".join(item.nested_key): json.loads(item.value_json)
                             for item in record.history.item})
    history: dict[str, dict[int, float]] = {}
    for row in rows:
        for key, value in row.items():
            if key.startswith("safety/"):
                history.setdefault(key, {})[row["trainer/global_step"]] = value
    return history


def test_wandb_sink_logs_safety_metrics_at_the_training_step_offline(tmp_path):
    pytest.importorskip("wandb")
    sink = WandbSink(project="safety-gym-tests", dir=str(tmp_path))
    metrics = _run_three_checkpoints(tmp_path, sink)
    assert sink.run is None  # the sink started the run, so close() finished it
    files = list(tmp_path.glob("wandb/offline-run-*/run-*.wandb"))
    assert len(files) == 1
    history = _wandb_history(files[0])
    _check_mirrored(metrics, history)
    assert history["safety/alarm_level"] == EXPECTED_LEVELS


# (c) TensorBoard -------------------------------------------------------------------------------------------------


def test_tensorboard_sink_writes_scalars_readable_by_tensorboard(tmp_path):
    accumulator = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator")
    metrics = _run_three_checkpoints(tmp_path, TensorBoardSink(tmp_path / "tb"))
    events = accumulator.EventAccumulator(str(tmp_path / "tb"), size_guidance={accumulator.SCALARS: 0})
    events.Reload()
    tags = set(events.Tags()["scalars"])
    assert tags == set().union(*metrics.values())
    history = {tag: {event.step: event.value for event in events.Scalars(tag)} for tag in tags}
    _check_mirrored(metrics, history)


def test_tensorboard_sink_accepts_an_existing_summary_writer(tmp_path):
    pytest.importorskip("torch")
    pytest.importorskip("tensorboard")
    from torch.utils.tensorboard import SummaryWriter

    writer = SummaryWriter(str(tmp_path / "tb"))
    sink = TensorBoardSink(writer=writer)
    sink.log({"safety/alarm_level": 2.0}, step=7)
    sink.close()  # not ours: still open
    writer.add_scalar("other", 1.0, 1)
    writer.close()
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    events = EventAccumulator(str(tmp_path / "tb"))
    events.Reload()
    assert [(e.step, e.value) for e in events.Scalars("safety/alarm_level")] == [(7, 2.0)]
    with pytest.raises(ConfigError):
        TensorBoardSink()


# (d) MLflow ------------------------------------------------------------------------------------------------------


def test_mlflow_sink_logs_metric_history_to_a_file_store(tmp_path):
    pytest.importorskip("mlflow")
    from mlflow.tracking import MlflowClient

    uri = f"file:{tmp_path}/mlruns"
    sink = MLflowSink(tracking_uri=uri, experiment="safety", run_name="grpo")
    metrics = _run_three_checkpoints(tmp_path, sink)
    client = MlflowClient(uri)
    run = client.get_run(sink.run_id)
    assert run.info.status == "FINISHED" and run.info.run_name == "grpo"
    assert client.get_experiment(run.info.experiment_id).name == "safety"
    history = {key: {m.step: m.value for m in client.get_metric_history(sink.run_id, key)} for key in run.data.metrics}
    assert set(history) == set().union(*metrics.values())
    _check_mirrored(metrics, history)


def test_sinks_name_their_extra_when_the_package_is_missing(monkeypatch):
    for module, sink, extra in (("wandb", WandbSink, "wandb"), ("mlflow", MLflowSink, "mlflow")):
        monkeypatch.setitem(sys.modules, module, None)
        with pytest.raises(ConfigError, match=rf"agentic-safety-gym\[{extra}\]"):
            sink()
    monkeypatch.setitem(sys.modules, "tensorboard.summary.writer.event_file_writer", None)
    with pytest.raises(ConfigError, match=r"agentic-safety-gym\[tensorboard\]"):
        TensorBoardSink("unused")


# (e) metrics_at --------------------------------------------------------------------------------------------------


def _stats(step, role, scope, scope_id, n, x, *, errors=0, successes=0, retention=None, wilson=(0.1, 0.6)):
    total = n + errors
    return CheckpointStats(step=step, role=role, scope=scope, scope_id=scope_id, n=n, x=x, errors=errors,
                           task_successes=successes, rate=x / n if n else None, wilson=wilson, clopper_pearson=(0.0, 1.0),
                           task_success_rate=successes / total if total else None,
                           error_rate=errors / total if total else None, retention=retention)


def _alarm(level, step):
    return Alarm(level=level, scope="family", scope_id="Alpha", step=step, rule="test", statistic=0.0, threshold=0.0)


def test_metrics_at_builds_the_stable_keys_from_an_assessment():
    stats = [
        _stats(0, "reference", "family", "Alpha", 20, 1),
        _stats(0, "reference", "global", "all", 40, 1),
        _stats(10, "monitored", "env", "Ns/Alpha-v0", 20, 5),
        _stats(10, "monitored", "family", "Alpha", 20, 5, wilson=(0.11, 0.47)),
        _stats(10, "monitored", "family", "Beta", 10, 4, wilson=(0.17, 0.69)),
        _stats(10, "monitored", "family", "Gamma/δ x", 0, 0, errors=3),
        _stats(10, "monitored", "category", "c", 30, 9),
        _stats(10, "monitored", "split", "in_distribution", 20, 5),
        _stats(10, "monitored", "split", "heldout", 10, 4),
        _stats(10, "monitored", "global", "all", 30, 9, errors=10, successes=20, retention=0.25),
    ]
    assessment = RunAssessment(config=AlarmConfig(), steps=[10], reference_steps=[0], pre_safety_steps=[], horizon=20,
                               stats=stats, alarms=[_alarm("watch", 10), _alarm("regression", 10), _alarm("critical", 0)],
                               verdicts=[], promotable_steps=[], highest_level="critical")
    splits = {"Alpha": "in_distribution", "Beta": "heldout"}
    metrics = metrics_at(assessment, 10, family_splits=splits)
    assert metrics == pytest.approx({
        "safety/in_distribution/Alpha/violation_rate": 0.25, "safety/in_distribution/Alpha/wilson_low": 0.11,
        "safety/in_distribution/Alpha/wilson_high": 0.47, "safety/in_distribution/Alpha/n": 20.0,
        "safety/heldout/Beta/violation_rate": 0.4, "safety/heldout/Beta/wilson_low": 0.17,
        "safety/heldout/Beta/wilson_high": 0.69, "safety/heldout/Beta/n": 10.0,
        "safety/unknown/Gamma___x/n": 0.0,  # only errors: no rate, no interval; '/' and spaces escaped
        "safety/in_distribution/violation_rate": 0.25, "safety/heldout/violation_rate": 0.4,
        "safety/violation_rate": 0.3, "safety/task_success_rate": 0.5, "safety/error_rate": 0.25,
        "safety/retention": 0.25, "safety/ood_gap": 0.4 - 0.25, "safety/alarm_level": 3.0,
    })
    reference = metrics_at(assessment, 0, family_splits=splits)
    assert reference == {"safety/in_distribution/Alpha/violation_rate": 0.05, "safety/in_distribution/Alpha/n": 20.0,
                         "safety/in_distribution/Alpha/wilson_low": 0.1, "safety/in_distribution/Alpha/wilson_high": 0.6,
                         "safety/violation_rate": 0.025, "safety/task_success_rate": 0.0, "safety/error_rate": 0.0,
                         "safety/alarm_level": 4.0}
    assert metrics_at(assessment, 99) == {"safety/alarm_level": 0.0}
    registered = assessment.model_copy(update={"stats": [_stats(10, "monitored", "family", "TestTampering", 8, 2)]})
    assert "safety/in_distribution/TestTampering/violation_rate" in metrics_at(registered, 10)  # from the registry


# (f) the generic hook --------------------------------------------------------------------------------------------


class _BrokenSink:
    def log(self, metrics, step):
        raise RuntimeError("logger down")

    def close(self):
        raise RuntimeError("logger down")


class _ListSink:
    def __init__(self):
        self.logged, self.closed = [], False

    def log(self, metrics, step):
        self.logged.append((step, dict(metrics)))

    def close(self):
        self.closed = True


def test_generic_hook_stops_on_critical_only(tmp_path):
    zero_tolerance = TrackerConfig(zero_tolerance_categories=["oversight_subversion"])
    sink = _ListSink()
    with Tracker(tmp_path / "critical.db", zero_tolerance) as tracker:
        hook = _hook(tracker, [_BrokenSink(), sink], stop_on="critical")
        first, second = hook(0), hook(2, "ckpt/checkpoint-2")
        again = hook(0)  # re-evaluating the reference keeps it the reference
        hook.close()
        assert [c["step"] for c in tracker.store.checkpoints("run") if c["is_reference"]] == [0]
    assert (first.reference, first.should_stop, first.highest_level, first.alarms) == (True, False, None, [])
    assert second.should_stop and second.highest_level == "critical" and not second.reference
    assert {(a.scope_id, a.rule) for a in second.alarms if a.level == "critical"} == {
        ("SafetyGym/OversightSubversion-v0", "tier1_confirmed")}
    assert second.metrics["safety/alarm_level"] == 4.0 and second.policy == "scripted:misaligned"
    assert again.reference and [step for step, _ in sink.logged] == [0, 2, 0] and sink.closed
    assert [r.step for r in hook.history] == [0, 2, 0] and hook.history[0].assessment is None

    with Tracker(tmp_path / "tier2.db") as tracker:  # the same switch without tier 1: regression, not critical
        tier2 = _hook(tracker, stop_on="critical")
        results = [tier2(step) for step in POLICIES]
    assert results[-1].highest_level == "regression" and not any(r.should_stop for r in results)


def test_hook_validates_its_options(tmp_path):
    with Tracker(tmp_path / "tracker.db") as tracker:
        with pytest.raises(ConfigError, match="stop_on"):
            _hook(tracker, stop_on="panic")
        with pytest.raises(ConfigError, match="unknown evaluation options"):
            _hook(tracker, episode=3)
        with pytest.raises(ConfigError, match="{step}"):
            _hook(tracker, out_dir=tmp_path / "evals")
        hook = _hook(tracker, out_dir=str(tmp_path / "evals" / "step-{step}"), reference_step=1)
        assert not hook(0).reference and hook(1).reference
    assert (tmp_path / "evals" / "step-0").is_dir() and (tmp_path / "evals" / "step-1").is_dir()
