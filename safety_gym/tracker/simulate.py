"""Calibration of the alarm rule by simulation (persistence-statistics.md, section 5.4).

``simulate_null`` draws whole runs (a reference per environment, then C checkpoints) and applies
the same stream kernel as :func:`safety_gym.tracker.alarms.evaluate_run` (exact test + BH + margin
WARN, consecutive-WARN and Shiryaev-Roberts REGRESSION) to the environment streams and the pooled
family streams together, as one family of hypotheses (one BH per checkpoint, one e-detector
threshold (K + F) * C / alpha), as ``evaluate_run`` does. Environments are all tier 2, evaluated at every checkpoint, and
assigned to ``families`` families round-robin. Tier-1 CRITICAL and the split/OOD rules are not
simulated; as ``evaluate_run`` also puts the split streams into the joint family (a larger BH
family and threshold), the simulated rule is slightly more liberal than the real one, so its
false-alarm estimate errs on the high side. Vectorised over repetitions; a seed fixes the result.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, Field

from safety_gym.stats import clopper_pearson_interval
from safety_gym.tracker.alarms import AlarmConfig, StreamRules, e_detector_null, stream_rules

__all__ = ["SimulationResult", "simulate_null"]

_CELLS_PER_CHUNK = 2_000_000  # bounds the (repetitions, envs, C, C) e-detector arrays
_FIELDS = ("p", "test", "q", "diff", "warn", "streak", "log_sr", "consecutive_hit", "sr_hit")


class SimulationResult(BaseModel):
    """Empirical run-wide alarm probabilities (and detection, when a jump was simulated)."""

    repetitions: int
    n_envs: int
    n_checkpoints: int
    episodes_per_checkpoint: int
    reference_episodes: int
    base_rate: float
    families: int
    false_alarm_regression: float = Field(description="P(any false REGRESSION, env or family level, in a run).")
    false_alarm_regression_se: float = Field(description="Monte-Carlo standard error.")
    false_alarm_regression_upper: float = Field(description="Clopper-Pearson 95% upper bound.")
    false_alarm_consecutive: float = Field(description="Env level, consecutive-WARN path only.")
    false_alarm_e_detector: float = Field(description="Env level, e-detector path only.")
    false_alarm_family: float = Field(description="Family level, either path.")
    false_alarm_warn: float = Field(description="P(any false WARN, env or family level, in a run).")
    false_alarm_warn_se: float
    jump: tuple[int, int, float] | None = None
    detection_probability: float | None = Field(None, description="REGRESSION of the jumped env at or after the jump.")
    detection_se: float | None = None
    median_delay: float | None = Field(None, description="Checkpoints from the jump to the first REGRESSION (0 = same).")
    mean_delay: float | None = None


def simulate_null(
    n_envs: int,
    n_checkpoints: int,
    episodes_per_checkpoint: int,
    reference_episodes: int,
    base_rate: float,
    config: AlarmConfig | None = None,
    repetitions: int = 200,
    seed: int = 0,
    jump: tuple[int, int, float] | None = None,
    *,
    families: int = 1,
) -> SimulationResult:
    """Monte-Carlo false-alarm probability of the alarm rule, and detection of an optional jump.

    Args:
        n_envs: K tier-2 environments, all at ``base_rate`` under the null.
        n_checkpoints: C monitored checkpoints per run.
        episodes_per_checkpoint: Episodes per environment and checkpoint.
        reference_episodes: Episodes per environment at the reference.
        base_rate: True violation rate of every environment (reference included).
        config: Alarm configuration (``AlarmConfig()`` by default).
        repetitions: Simulated runs.
        seed: Seed of ``numpy.random.default_rng``.
        jump: ``(env_index, checkpoint, new_rate)``: from checkpoint index ``checkpoint`` (0-based)
            on, that environment's rate is ``new_rate``. Its alarms from then on, and those of its
            family, count as detections rather than false alarms.
        families: Families the environments are pooled into (round-robin) for the family rule.

    Returns:
        A :class:`SimulationResult`.
    """
    config = config or AlarmConfig()
    if min(n_envs, n_checkpoints, episodes_per_checkpoint, reference_episodes, repetitions, families) < 1:
        raise ValueError("counts and repetitions must be positive")
    if families > n_envs:
        raise ValueError(f"families ({families}) cannot exceed n_envs ({n_envs})")
    if jump is not None and not (0 <= jump[0] < n_envs and 0 <= jump[1] < n_checkpoints):
        raise ValueError(f"jump {jump} outside {n_envs} envs x {n_checkpoints} checkpoints")
    rng = np.random.default_rng(seed)
    rates = np.full((n_checkpoints, n_envs), base_rate)
    if jump is not None:
        rates[jump[1]:, jump[0]] = jump[2]
    x_ref = rng.binomial(reference_episodes, base_rate, size=(repetitions, n_envs))
    x = rng.binomial(episodes_per_checkpoint, rates, size=(repetitions, n_checkpoints, n_envs))
    membership = np.zeros((n_envs, families), dtype=np.int64)
    membership[np.arange(n_envs), np.arange(n_envs) % families] = 1
    horizon = max(config.planned_checkpoints, n_checkpoints)
    chunk = max(1, _CELLS_PER_CHUNK // (n_envs * n_checkpoints * n_checkpoints))
    parts = [_run_chunk(x[i:i + chunk], x_ref[i:i + chunk], episodes_per_checkpoint, reference_episodes, membership,
                        config, horizon) for i in range(0, repetitions, chunk)]
    env, fam = (_concat([part[i] for part in parts]) for i in (0, 1))
    setting = {"episodes_per_checkpoint": episodes_per_checkpoint, "reference_episodes": reference_episodes,
               "base_rate": base_rate}
    return _summarise(env, fam, membership, jump, setting)


def _run_chunk(x: NDArray, x_ref: NDArray, n: int, n_ref: int, membership: NDArray, config: AlarmConfig,
               horizon: int) -> tuple[StreamRules, StreamRules]:
    """Env and family streams as one family of hypotheses, exactly as ``evaluate_run`` treats them."""
    size = membership.sum(axis=0)
    fx, fref = x @ membership, x_ref @ membership
    shape = x.shape[:2] + (x.shape[2] + fx.shape[2],)
    joint = stream_rules(
        np.concatenate([x, fx], axis=-1),
        np.broadcast_to(np.concatenate([np.full(x.shape[2], n), n * size]), shape),
        np.broadcast_to(np.concatenate([x_ref, fref], axis=-1)[:, None, :], shape),
        np.broadcast_to(np.concatenate([np.full(x.shape[2], n_ref), n_ref * size]), shape),
        np.concatenate([e_detector_null(x_ref, n_ref, config.margin), e_detector_null(fref, n_ref * size, config.margin)],
                       axis=-1),
        config.margin, config, horizon)
    k = x.shape[2]
    return _take(joint, slice(0, k)), _take(joint, slice(k, None))


def _take(rules: StreamRules, part: slice) -> StreamRules:
    arrays = {name: getattr(rules, name)[..., part] for name in _FIELDS}
    return StreamRules(**arrays, log_threshold=rules.log_threshold)


def _concat(parts: list[StreamRules]) -> StreamRules:
    arrays = {name: np.concatenate([getattr(p, name) for p in parts]) for name in _FIELDS}
    return StreamRules(**arrays, log_threshold=parts[0].log_threshold)


def _rate(hits: NDArray[np.bool_]) -> tuple[float, float]:
    p = float(hits.mean())
    return p, math.sqrt(p * (1 - p) / hits.size)


def _summarise(env: StreamRules, fam: StreamRules, membership: NDArray, jump: tuple[int, int, float] | None,
               setting: dict[str, float]) -> SimulationResult:
    repetitions, checkpoints, n_envs = env.warn.shape
    null_env = np.ones((checkpoints, n_envs), dtype=bool)
    null_fam = np.ones((checkpoints, membership.shape[1]), dtype=bool)
    if jump is not None:
        null_env[jump[1]:, jump[0]] = False
        null_fam[jump[1]:, int(np.argmax(membership[jump[0]]))] = False
    env_reg, fam_reg = env.regression & null_env, fam.regression & null_fam
    any_reg = env_reg.any(axis=(1, 2)) | fam_reg.any(axis=(1, 2))
    any_warn = (env.warn & null_env).any(axis=(1, 2)) | (fam.warn & null_fam).any(axis=(1, 2))
    fa, fa_se = _rate(any_reg)
    warn, warn_se = _rate(any_warn)
    result = SimulationResult(
        repetitions=repetitions, n_envs=n_envs, n_checkpoints=checkpoints,
        episodes_per_checkpoint=int(setting["episodes_per_checkpoint"]),
        reference_episodes=int(setting["reference_episodes"]), base_rate=float(setting["base_rate"]),
        families=membership.shape[1], false_alarm_regression=fa,
        false_alarm_regression_se=fa_se,
        false_alarm_regression_upper=clopper_pearson_interval(int(any_reg.sum()), repetitions)[1],
        false_alarm_consecutive=float((env.consecutive_hit & null_env).any(axis=(1, 2)).mean()),
        false_alarm_e_detector=float((env.sr_hit & null_env).any(axis=(1, 2)).mean()),
        false_alarm_family=float(fam_reg.any(axis=(1, 2)).mean()), false_alarm_warn=warn, false_alarm_warn_se=warn_se,
        jump=jump,
    )
    if jump is None:
        return result
    hits = env.regression[:, jump[1]:, jump[0]]
    detected = hits.any(axis=1)
    delays = np.argmax(hits, axis=1)[detected].astype(float)
    detection, detection_se = _rate(detected)
    return result.model_copy(update={
        "detection_probability": detection, "detection_se": detection_se,
        "median_delay": float(np.median(delays)) if delays.size else None,
        "mean_delay": float(delays.mean()) if delays.size else None,
    })
