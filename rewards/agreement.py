"""Agreement between the rule-based checks and the Claude judge: pure functions.

The rule-based verdict is the reference ("truth" for the confusion matrix): a true positive is an
episode both flag, a false negative one that the rules flag and the judge does not. For an
episode of category ``c`` the rule verdict is whether the checks reported a violation *of
category c* (the judge is asked about ``c`` only).

Episodes with ``error`` set have no rule verdict and are skipped (counted in ``errors``); episodes
whose judge verdict is missing or ``"unjudged"`` have no judge verdict and are counted apart
(``missing``, ``unjudged``), never as agreement or as "no violation".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from safety_gym.rewards.judge import JudgeVerdict
from safety_gym.rollout.records import EpisodeRecord

__all__ = ["agreement_report", "agreement_stats", "cohens_kappa", "confusion_matrix", "percent_agreement"]


def _check(rule: Sequence[bool], judge: Sequence[bool]) -> None:
    if len(rule) != len(judge):
        raise ValueError(f"rule and judge must rate the same episodes, received {len(rule)} and {len(judge)} ratings")


def confusion_matrix(rule: Sequence[bool], judge: Sequence[bool]) -> dict[str, int]:
    """Counts ``tp``, ``fp``, ``fn``, ``tn`` with the rule verdicts as the reference.

    Args:
        rule: Per episode, whether the rule-based checks found a violation.
        judge: Per episode (same order), whether the judge found one.
    """
    _check(rule, judge)
    counts = {"tp": 0, "fp": 0, "fn": 0, "tn": 0}
    for reference, rating in zip(rule, judge):
        counts[("t" if reference == rating else "f") + ("p" if rating else "n")] += 1
    return counts


def percent_agreement(rule: Sequence[bool], judge: Sequence[bool]) -> float | None:
    """Share of episodes on which both raters agree, in percent; None when there are none."""
    _check(rule, judge)
    if not rule:
        return None
    return 100.0 * sum(a == b for a, b in zip(rule, judge)) / len(rule)


def cohens_kappa(rule: Sequence[bool], judge: Sequence[bool]) -> float | None:
    """Cohen's kappa ``(po - pe) / (1 - pe)`` of two binary raters.

    ``po`` is the observed agreement and ``pe = p_rule·p_judge + (1 - p_rule)(1 - p_judge)`` the
    agreement expected by chance from each rater's "violation" rate.

    Degenerate cases (never NaN):
        * no episodes: None (undefined);
        * ``pe == 1``, which happens only when both raters give one and the same constant answer: 1.0
          (they agree on everything; the textbook formula would be 0/0);
        * both constant but opposite: ``pe == 0`` and ``po == 0``, so 0.0 by the formula.
    """
    _check(rule, judge)
    n = len(rule)
    if n == 0:
        return None
    po = sum(a == b for a, b in zip(rule, judge)) / n
    p_rule, p_judge = sum(rule) / n, sum(judge) / n
    pe = p_rule * p_judge + (1 - p_rule) * (1 - p_judge)
    if pe >= 1.0:
        return 1.0
    return (po - pe) / (1 - pe)


def agreement_stats(rule: Sequence[bool], judge: Sequence[bool]) -> dict[str, Any]:
    """Confusion counts, percent agreement, kappa and each rater's violation rate for paired verdicts."""
    n = len(rule)
    return {
        "confusion": confusion_matrix(rule, judge),
        "percent_agreement": percent_agreement(rule, judge),
        "kappa": cohens_kappa(rule, judge),
        "rule_violation_rate": sum(rule) / n if n else None,
        "judge_violation_rate": sum(judge) / n if n else None,
    }


def _rule_violations(record: EpisodeRecord, category: str) -> list[dict[str, Any]]:
    return [violation for violation in record.violations if str(violation.get("category")) == category]


class _Group:
    def __init__(self) -> None:
        self.episodes = self.errors = self.unjudged = self.missing = 0
        self.rule: list[bool] = []
        self.judge: list[bool] = []

    def summary(self) -> dict[str, Any]:
        return {"episodes": self.episodes, "errors": self.errors, "judged": len(self.rule),
                "unjudged": self.unjudged, "missing": self.missing, **agreement_stats(self.rule, self.judge)}


def agreement_report(records: Iterable[EpisodeRecord], verdicts: Iterable[JudgeVerdict]) -> dict[str, Any]:
    """Agreement of rules and judge, overall and per category, with the episodes they disagree on.

    Args:
        records: The evaluated episodes (``episodes.jsonl``).
        verdicts: Judge verdicts, matched to records by ``episode_id`` (and the record's category).

    Returns:
        ``{"overall": stats, "categories": {category: stats}, "disagreements": [...], "judge_models": [...],
        "prompt_versions": [...]}``, where stats holds ``episodes`` (without errors), ``errors`` (skipped),
        ``judged``, ``unjudged`` (judge failed), ``missing`` (no verdict), ``confusion``
        (tp/fp/fn/tn, rules as reference), ``percent_agreement``, ``kappa`` and both violation rates.
        Each disagreement holds episode_id, family, category, rule_violation, judge_violation,
        judge_severity, judge_rationale and rule_evidence (``"rule: evidence"`` strings).
    """
    by_key: dict[tuple[str, str], JudgeVerdict] = {}
    for verdict in verdicts:
        by_key[(verdict.episode_id, verdict.category)] = verdict
    overall = _Group()
    groups: dict[str, _Group] = {}
    disagreements: list[dict[str, Any]] = []
    for record in records:
        group = groups.setdefault(record.category, _Group())
        if record.error is not None:
            group.errors += 1
            overall.errors += 1
            continue
        group.episodes += 1
        overall.episodes += 1
        verdict = by_key.get((record.episode_id, record.category))
        if verdict is None or not verdict.judged:
            attribute = "missing" if verdict is None else "unjudged"
            for target in (group, overall):
                setattr(target, attribute, getattr(target, attribute) + 1)
            continue
        found = _rule_violations(record, record.category)
        rule_violation, judge_violation = bool(found), bool(verdict.violation)
        for target in (group, overall):
            target.rule.append(rule_violation)
            target.judge.append(judge_violation)
        if rule_violation != judge_violation:
            disagreements.append({
                "episode_id": record.episode_id, "family": record.family, "category": record.category,
                "control": record.control, "rule_violation": rule_violation, "judge_violation": judge_violation,
                "judge_severity": verdict.severity.value if verdict.severity else None,
                "judge_rationale": verdict.rationale,
                "rule_evidence": [f"{item.get('rule')}: {item.get('evidence')}" for item in found],
            })
    used = list(by_key.values())
    return {
        "overall": overall.summary(),
        "categories": {category: groups[category].summary() for category in sorted(groups)},
        "disagreements": disagreements,
        "judge_models": sorted({verdict.judge_model for verdict in used}),
        "prompt_versions": sorted({verdict.prompt_version for verdict in used}),
    }
