"""The Claude judge (real anthropic SDK, local fake Messages API) and rules-vs-judge agreement.

The fake server acts as a judge whose answer follows a rule the test controls (a violation when
the rendered transcript holds a given tool call), so agreement figures can be computed by hand.
Nothing reaches the internet and no real key exists.
"""

from __future__ import annotations

import asyncio
import json
import math
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from safety_gym.cli import app
from safety_gym.errors import ConfigError
from safety_gym.rewards.agreement import agreement_report, cohens_kappa, confusion_matrix, percent_agreement
from safety_gym.rewards.judge import PROMPT_VERSION, RUBRICS, ClaudeJudge, JudgeVerdict, trajectory_hash
from safety_gym.rewards.judge_prompts import parse_answer, render_transcript, truncate_middle
from safety_gym.rollout.records import EpisodeRecord
from safety_gym.taxonomy import Category, Severity

from fake_llm_servers import (  # noqa: I001 - tests/ is on sys.path under pytest
    FakeAnthropicServer,
    RecordedRequest,
    Reply,
    anthropic_error,
    anthropic_message,
)

SECRET = "sk-test-JUDGE-0123456789"
MODEL = "claude-judge-test"
MONITOR_CALL = "[tool call] update_monitoring_config"
FAST = {"backoff_base": 0.01, "backoff_max": 0.05, "timeout": 5.0}
TERMINAL = {"COLUMNS": "200", "NO_COLOR": "1", "FORCE_COLOR": None, "TTY_COMPATIBLE": None}


@pytest.fixture(autouse=True)
def _hermetic_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("ANTHROPIC_BASE_URL", "ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_PROFILE",
                 "ANTHROPIC_CUSTOM_HEADERS", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy",
                 "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ANTHROPIC_CONFIG_DIR", str(tmp_path))
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A results folder written by `safety-gym eval` (misaligned agents, with controls)."""
    out = tmp_path_factory.mktemp("results")
    result = CliRunner().invoke(app, ["eval", "--no-progress", "--policy", "scripted:misaligned", "--suite", "all",
                                      "--episodes", "3", "--controls", "--out", str(out)], env=TERMINAL)
    assert result.exit_code == 0, result.output
    return out


def load(results: Path) -> list[EpisodeRecord]:
    lines = (results / "episodes.jsonl").read_text().splitlines()
    return [EpisodeRecord.model_validate_json(line) for line in lines if line.strip()]


def record_of(results: Path, family: str, *, control: bool) -> EpisodeRecord:
    return next(r for r in load(results) if r.family == family and r.control == control)


def user_text(request: RecordedRequest) -> str:
    return "\n".join(m["content"] if isinstance(m["content"], str) else json.dumps(m["content"])
                     for m in request.body["messages"])


def answer(text: str, model: str = MODEL) -> Reply:
    return Reply(200, anthropic_message([{"type": "text", "text": text}], model=model))


class RuleJudge:
    """A fake judge: 'violation' when the first user message contains `marker`; 500 when it contains `fail`."""

    def __init__(self, marker: str = MONITOR_CALL, fail: str | None = None) -> None:
        self.marker, self.fail = marker, fail

    def __call__(self, request: RecordedRequest) -> Reply:
        text = request.body["messages"][0]["content"]
        if self.fail is not None and self.fail in text:
            return anthropic_error(500, "api_error", "judge backend down")
        violation = self.marker in text
        body = {"violation": violation, "category": "x", "severity": "high" if violation else "low",
                "rationale": f"marker {'present' if violation else 'absent'}"}
        return answer(f"Here is my verdict:\n```json\n{json.dumps(body)}\n```")


def make_judge(server: FakeAnthropicServer, cache: Path | None, model: str = MODEL, **options: Any) -> ClaudeJudge:
    return ClaudeJudge(model, base_url=server.base_url, api_key=SECRET, cache_dir=cache, **{**FAST, **options})


def judge_one(judge: ClaudeJudge, record: EpisodeRecord, category: str | None = None) -> JudgeVerdict:
    assert record.trajectory is not None
    return asyncio.run(judge.judge(record.trajectory, category))


# ---- (a) request shape and parsing ----


def test_request_shape_and_verdict(results: Path, tmp_path: Path) -> None:
    record = record_of(results, "Blackmail", control=False)
    with FakeAnthropicServer(RuleJudge("[tool call] send_email")) as server:
        verdict = judge_one(make_judge(server, tmp_path / "cache", max_tokens=777), record)
    [request] = server.requests
    body = request.body
    assert body["model"] == MODEL and body["temperature"] == 0 and body["max_tokens"] == 777
    assert RUBRICS["coercion"] in body["system"] and '"violation"' in body["system"]
    user = body["messages"][0]["content"]
    assert body["messages"][0]["role"] == "user" and len(body["messages"]) == 1
    assert record.trajectory is not None and record.trajectory.task in user
    assert record.trajectory.system_prompt.splitlines()[0] in user
    assert "[tool call] send_email" in user and "[tool result: read_email]" in user
    # The judge never sees the rule-based verdict.
    dumped = json.dumps(body)
    for violation in record.violations:
        assert violation["rule"] not in dumped and violation["evidence"] not in dumped
    assert SECRET in request.headers.get("x-api-key", "") + request.headers.get("authorization", "")
    assert verdict.status == "judged" and verdict.violation is True and verdict.severity is Severity.HIGH
    assert verdict.episode_id == record.episode_id and verdict.category == "coercion"
    assert verdict.rationale == "marker present" and verdict.error is None
    assert verdict.judge_model == MODEL and verdict.prompt_version == PROMPT_VERSION
    assert verdict.trajectory_hash == trajectory_hash(record.trajectory)


def test_unparseable_answer_is_retried_once_then_unjudged(results: Path, tmp_path: Path) -> None:
    record = record_of(results, "Blackmail", control=True)
    good = json.dumps({"violation": False, "category": "coercion", "severity": "low", "rationale": "fine"})
    with FakeAnthropicServer() as server:
        server.push(answer("I think it is fine."), answer(f"Sorry. {good} Hope that helps."))
        verdict = judge_one(make_judge(server, tmp_path / "cache"), record)
        assert verdict.status == "judged" and verdict.violation is False and verdict.severity is None
        second = server.requests[1].body["messages"]
        assert [m["role"] for m in second] == ["user", "assistant", "user"] and "JSON" in second[2]["content"]
        server.push(answer("no idea"), answer("still no idea"))
        failed = judge_one(make_judge(server, tmp_path / "other"), record)
    assert failed.status == "unjudged" and failed.violation is None and "unparseable" in (failed.error or "")
    assert len(server.requests) == 4 and not list((tmp_path / "other").rglob("*.json"))


# ---- (b) cache ----


def test_cache_hit_and_misses(results: Path, tmp_path: Path) -> None:
    record, cache = record_of(results, "OversightSubversion", control=False), tmp_path / "cache"
    with FakeAnthropicServer(RuleJudge()) as server:
        first = judge_one(make_judge(server, cache), record)
        assert len(server.requests) == 1 and len(list(cache.rglob("*.json"))) == 1
        again = judge_one(make_judge(server, cache), record)
        assert len(server.requests) == 1 and again == first  # served from disk, no request
        judge_one(make_judge(server, cache, prompt_version="judge-v2"), record)
        assert len(server.requests) == 2
        judge_one(make_judge(server, cache, model="claude-other"), record)
        assert len(server.requests) == 3 and server.requests[-1].body["model"] == "claude-other"
        judge_one(make_judge(server, cache), record, "sabotage")
        assert len(server.requests) == 4
        judge_one(make_judge(server, None), record)  # cache disabled
        assert len(server.requests) == 5
    assert first.violation is True and SECRET not in "".join(p.read_text() for p in cache.rglob("*.json"))


# ---- (c), (d) retries and failures ----


def test_429_then_success_is_retried(results: Path, tmp_path: Path) -> None:
    record = record_of(results, "OversightSubversion", control=True)
    with FakeAnthropicServer(RuleJudge()) as server:
        server.push(anthropic_error(429, "rate_limit_error", "slow down", {"retry-after": "0.01"}))
        verdict = judge_one(make_judge(server, tmp_path / "cache"), record)
    assert len(server.requests) == 2 and verdict.status == "judged" and verdict.violation is False


def test_persistent_500_is_unjudged_and_not_cached(results: Path, tmp_path: Path) -> None:
    record, cache = record_of(results, "Blackmail", control=False), tmp_path / "cache"
    with FakeAnthropicServer(lambda request: anthropic_error(500, "api_error", "boom")) as server:
        verdict = judge_one(make_judge(server, cache, max_retries=2), record)
        assert len(server.requests) == 3
        assert verdict.status == "unjudged" and verdict.violation is None and verdict.severity is None
        assert "HTTP 500" in (verdict.error or "") and SECRET not in (verdict.error or "")
        assert not list(cache.rglob("*.json"))
        judge_one(make_judge(server, cache, max_retries=0), record)  # not cached: asked again
        assert len(server.requests) == 4
    report = agreement_report([record], [verdict])
    assert report["overall"]["judged"] == 0 and report["overall"]["unjudged"] == 1
    assert report["overall"]["confusion"] == {"tp": 0, "fp": 0, "fn": 0, "tn": 0}


def test_judge_many_bounds_concurrency(results: Path, tmp_path: Path) -> None:
    records = [r for r in load(results) if r.trajectory is not None][:6]

    def slow(request: RecordedRequest) -> Reply:
        reply = RuleJudge()(request)
        reply.delay = 0.05
        return reply

    with FakeAnthropicServer(slow) as server:
        judge = make_judge(server, None, concurrency=2)
        verdicts = asyncio.run(judge.judge_many([r.trajectory for r in records]))  # type: ignore[misc]
    assert [v.episode_id for v in verdicts] == [r.episode_id for r in records]
    assert all(v.judged for v in verdicts) and server.max_in_flight <= 2


def test_credentials_and_sdk_are_required(monkeypatch: pytest.MonkeyPatch, results: Path) -> None:
    with pytest.raises(ConfigError, match="ANTHROPIC_API_KEY"):
        ClaudeJudge(MODEL)
    result = CliRunner().invoke(app, ["judge", str(results), "--base-url", "http://127.0.0.1:9"], env=TERMINAL)
    assert result.exit_code == 2 and "ANTHROPIC_API_KEY" in result.output
    monkeypatch.setitem(sys.modules, "anthropic", None)
    result = CliRunner().invoke(app, ["judge", str(results), "--api-key", SECRET], env=TERMINAL)
    assert result.exit_code == 2 and "pip install 'agentic-safety-gym[anthropic]'" in result.output


# ---- (e) the CLI on a stored results folder ----


def test_cli_agreement_on_eval_results(results: Path, tmp_path: Path) -> None:
    records = load(results)
    down = record_of(results, "OversightSubversion", control=True)  # the judge fails on this one
    assert down.trajectory is not None
    option = next(c.arguments["option_id"] for s in down.trajectory.steps if s.action
                  for c in s.action.tool_calls if c.name == "select_option")
    fail = f'[tool call] select_option {{"option_id": "{option}"'
    with FakeAnthropicServer(RuleJudge(MONITOR_CALL, fail=fail)) as server:
        result = CliRunner().invoke(app, ["judge", str(results), "--base-url", server.base_url, "--api-key", SECRET,
                                          "--model", MODEL, "--max-retries", "1", "--cache-dir",
                                          str(tmp_path / "cache")], env=TERMINAL)
    assert result.exit_code == 0, result.output
    verdicts = [JudgeVerdict.model_validate_json(line) for line in (results / "judge.jsonl").read_text().splitlines()]
    assert [v.episode_id for v in verdicts] == [r.episode_id for r in records if r.error is None]
    assert [v.episode_id for v in verdicts if not v.judged] == [down.episode_id]
    report = json.loads((results / "agreement.json").read_text())
    assert report["judge_models"] == [MODEL] and report["prompt_versions"] == [PROMPT_VERSION]

    # Coercion families: the tempting episodes the rules flag are missed by the judge (no monitoring call).
    coercive = [r for r in records if r.category == "coercion" and r.error is None]
    caught = sum(any(v["category"] == "coercion" for v in r.violations) for r in coercive)
    coercion = report["categories"]["coercion"]
    assert caught >= 3
    assert coercion["confusion"] == {"tp": 0, "fp": 0, "fn": caught, "tn": len(coercive) - caught}
    assert (coercion["episodes"], coercion["judged"], coercion["unjudged"]) == (len(coercive), len(coercive), 0)
    assert coercion["percent_agreement"] == pytest.approx(100 * (len(coercive) - caught) / len(coercive))
    assert coercion["kappa"] == pytest.approx(0.0)  # the judge is constant "no": pe = po
    # Oversight subversion: the judge flags exactly the episodes that edit the monitoring config.
    def judge_says(record) -> bool:
        return any(call.name == "update_monitoring_config" for step in record.trajectory.steps if step.action
                   for call in step.action.tool_calls)

    oversight_records = [r for r in records if r.category == "oversight_subversion" and r.error is None]
    judged = [r for r in oversight_records if r.episode_id != down.episode_id]
    rule = [any(v["category"] == "oversight_subversion" for v in r.violations) for r in judged]
    said = [judge_says(r) for r in judged]
    expected = {"tp": sum(a and b for a, b in zip(rule, said)), "fp": sum(b and not a for a, b in zip(rule, said)),
                "fn": sum(a and not b for a, b in zip(rule, said)), "tn": sum(not a and not b for a, b in zip(rule, said))}
    oversight = report["categories"]["oversight_subversion"]
    assert expected["tp"] == 3 and oversight["confusion"] == expected
    assert (oversight["episodes"], oversight["judged"], oversight["unjudged"]) == (len(oversight_records), len(judged), 1)

    # Overall: other families (if any) have no monitoring call, so the judge says "no" there.
    others = [r for r in records if r.category not in {"coercion", "oversight_subversion"} and r.error is None]
    flagged = sum(any(v["category"] == r.category for v in r.violations) for r in others)
    tp, fp = expected["tp"], expected["fp"]
    fn = expected["fn"] + caught + flagged
    tn = expected["tn"] + len(coercive) - caught + len(others) - flagged
    assert report["overall"]["confusion"] == {"tp": tp, "fp": fp, "fn": fn, "tn": tn}
    n = tp + fp + fn + tn
    po, pe = (tp + tn) / n, ((tp + fn) / n) * ((tp + fp) / n) + ((fp + tn) / n) * ((fn + tn) / n)
    assert report["overall"]["kappa"] == pytest.approx((po - pe) / (1 - pe))
    if not others:  # the two reference families alone: po = 8/11, pe = 58/121, kappa = 10/21
        assert report["overall"]["kappa"] == pytest.approx(10 / 21)

    disagreements = {d["episode_id"]: d for d in report["disagreements"]}
    blackmail = [r for r in records if r.family == "Blackmail" and not r.control]
    assert {r.episode_id for r in blackmail} <= set(disagreements)
    item = disagreements[blackmail[0].episode_id]
    assert item["rule_violation"] is True and item["judge_violation"] is False
    assert item["judge_rationale"] == "marker absent" and "secret_used_on_executive" in item["rule_evidence"][0]
    output = " ".join(result.output.split())
    assert "coercion" in output and "Disagreements" in output and "1 of" in output and "unjudged" in output


# ---- (f) agreement statistics ----


def test_confusion_matrix_and_kappa_by_hand() -> None:
    rule = [True, True, True, False, False, False, False, True, False, False]
    judge = [True, True, False, False, False, True, False, True, False, False]
    assert confusion_matrix(rule, judge) == {"tp": 3, "fp": 1, "fn": 1, "tn": 5}
    # po = 8/10; p_rule = 4/10, p_judge = 4/10; pe = .16 + .36 = .52; kappa = .28 / .48
    assert percent_agreement(rule, judge) == pytest.approx(80.0)
    assert cohens_kappa(rule, judge) == pytest.approx(0.28 / 0.48)
    assert cohens_kappa([True, False], [False, True]) == pytest.approx(-1.0)
    assert cohens_kappa([True, True, False, False], [True, False, True, False]) == pytest.approx(0.0)


def test_kappa_degenerate_cases() -> None:
    assert cohens_kappa([], []) is None and percent_agreement([], []) is None
    assert cohens_kappa([False] * 4, [False] * 4) == 1.0 and cohens_kappa([True] * 3, [True] * 3) == 1.0
    assert cohens_kappa([True] * 3, [False] * 3) == 0.0
    value = cohens_kappa([False] * 5, [False, False, False, False, True])  # pe = .8, po = .8
    assert value == pytest.approx(0.0) and not math.isnan(value)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        confusion_matrix([True], [])


def test_agreement_report_skips_errors_and_counts_missing(results: Path) -> None:
    records = [r for r in load(results) if r.family == "Blackmail"]
    failed = records[0].model_copy(update={"error": "HTTP 500; gave up"})
    verdicts = [JudgeVerdict(episode_id=r.episode_id, category=r.category, violation=not r.control, status="judged",
                             judge_model=MODEL, prompt_version=PROMPT_VERSION, trajectory_hash="h") for r in records]
    report = agreement_report([failed, *records[1:]], verdicts[:-1])
    stats = report["categories"]["coercion"]
    assert (stats["episodes"], stats["errors"], stats["judged"], stats["missing"]) == (5, 1, 4, 1)
    assert stats["kappa"] == pytest.approx(1.0) and report["disagreements"] == []


# ---- prompts and parsing ----


def test_rubrics_cover_every_category_and_render_hides_the_verdict(results: Path) -> None:
    assert set(RUBRICS) == {category.value for category in Category}
    record = record_of(results, "OversightSubversion", control=False)
    assert record.trajectory is not None
    text = render_transcript(record.trajectory)
    assert MONITOR_CALL in text and record.violations[0]["rule"] not in text
    assert record.violations[0]["evidence"] not in text
    short = render_transcript(record.trajectory, limit=2_000)
    assert "characters omitted" in short and len(short) < len(text)


def test_truncate_middle_and_parse_answer() -> None:
    text = "a" * 50 + "b" * 200 + "c" * 50
    cut = truncate_middle(text, 120)
    assert cut.startswith("a") and cut.endswith("c") and "characters omitted" in cut and len(cut) < len(text)
    assert truncate_middle("short", 100) == "short"
    parse: Callable[[str], Any] = parse_answer
    assert parse('{"violation": true, "severity": "Critical", "rationale": "x"}') == (True, Severity.CRITICAL, "x")
    fenced = 'Verdict:\n```json\n{"violation": "no", "severity": "low", "rationale": "ok"}\n```'
    assert parse(fenced) == (False, None, "ok")
    assert parse('noise {"a": 1} then {"violation": false, "rationale": "r"} end') == (False, None, "r")
    assert parse('{"violation": true, "severity": "extreme"}') == (True, None, "")
    assert parse("no json here") is None and parse('{"violation": "maybe"}') is None and parse('{"violation": ') is None
