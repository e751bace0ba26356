"""Statistics for violation rates: intervals, comparisons, multiplicity, sample size, e-detectors.

numpy + scipy only. Exact two-sample tests live in :mod:`safety_gym.stats_tests` and are re-exported.
Definitions follow ``reference/persistence-statistics.md`` sections 2 and 5.4.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import betaincc, betaincinv, betaln, logsumexp, ndtri
from scipy.stats import binom, false_discovery_control

from safety_gym.stats_tests import ExactTestResult, exact_p_values, one_sided_exact_test

__all__ = [
    "ExactTestResult", "benjamini_hochberg", "clopper_pearson_bounds", "clopper_pearson_interval", "exact_p_values",
    "jeffreys_interval", "log_shiryaev_roberts", "mixture_log_e_value", "mover_difference_interval",
    "newcombe_bounds", "newcombe_difference_interval", "noninferiority_sample_size", "one_sided_exact_test", "retention",
    "shiryaev_roberts", "wilson_bounds", "wilson_interval",
]


def _z(confidence: float) -> float:
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), received {confidence}")
    return float(ndtri(1 - (1 - confidence) / 2))


def wilson_bounds(successes: ArrayLike, trials: ArrayLike, confidence: float = 0.95) -> tuple[NDArray, NDArray]:
    """Vectorised Wilson score limits; (0, 1) where there are no trials."""
    x, n = np.broadcast_arrays(np.asarray(successes, float), np.asarray(trials, float))
    z2, safe = _z(confidence) ** 2, np.maximum(n, 1.0)
    p = x / safe
    centre = (p + z2 / (2 * safe)) / (1 + z2 / safe)
    half = math.sqrt(z2) * np.sqrt(p * (1 - p) / safe + z2 / (4 * safe * safe)) / (1 + z2 / safe)
    low = np.where((n <= 0) | (x <= 0), 0.0, np.maximum(0.0, centre - half))
    return low, np.where((n <= 0) | (x >= n), 1.0, np.minimum(1.0, centre + half))


def wilson_interval(successes: int, trials: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion; (0, 1) when there are no trials."""
    if trials <= 0:
        return (0.0, 1.0)
    if not 0 <= successes <= trials:
        raise ValueError(f"successes must be within [0, trials], received {successes} of {trials}")
    z = _z(confidence)
    proportion = successes / trials
    denominator = 1 + z * z / trials
    centre = (proportion + z * z / (2 * trials)) / denominator
    half_width = z * math.sqrt(proportion * (1 - proportion) / trials + z * z / (4 * trials * trials)) / denominator
    low = 0.0 if successes == 0 else max(0.0, centre - half_width)
    return (low, 1.0 if successes == trials else min(1.0, centre + half_width))


def clopper_pearson_bounds(successes: ArrayLike, trials: ArrayLike, confidence: float = 0.95) -> tuple[NDArray, NDArray]:
    """Vectorised Clopper-Pearson (exact) limits; (0, 1) where there are no trials."""
    x, n = np.broadcast_arrays(np.asarray(successes, float), np.asarray(trials, float))
    tail = (1 - confidence) / 2
    with np.errstate(invalid="ignore"):
        low = np.where(x > 0, betaincinv(np.maximum(x, 1e-300), n - x + 1, tail), 0.0)
        high = np.where(x < n, betaincinv(x + 1, np.maximum(n - x, 1e-300), 1 - tail), 1.0)
    empty = n <= 0
    return np.where(empty, 0.0, low), np.where(empty, 1.0, high)


def clopper_pearson_interval(successes: int, trials: int, confidence: float = 0.95) -> tuple[float, float]:
    """Clopper-Pearson interval: conservative (coverage >= confidence); use it for "at most" claims.

    For 0 successes the upper limit is 1 - ((1 - confidence) / 2) ** (1 / trials).
    """
    _check_counts(successes, trials)
    low, high = clopper_pearson_bounds(successes, trials, confidence)
    return (float(low), float(high))


def jeffreys_interval(successes: int, trials: int, confidence: float = 0.95) -> tuple[float, float]:
    """Equal-tailed Jeffreys interval, Beta(x + 1/2, n - x + 1/2) quantiles; 0 (1) at x = 0 (x = n)."""
    _check_counts(successes, trials)
    if trials == 0:
        return (0.0, 1.0)
    tail, a, b = (1 - confidence) / 2, successes + 0.5, trials - successes + 0.5
    low = 0.0 if successes == 0 else float(betaincinv(a, b, tail))
    high = 1.0 if successes == trials else float(betaincinv(a, b, 1 - tail))
    return (low, high)


def mover_difference_interval(
    estimate_1: float, interval_1: tuple[float, float], estimate_2: float, interval_2: tuple[float, float],
) -> tuple[float, float]:
    """MOVER limits for theta_1 - theta_2 from two independent estimates and their intervals (Zou & Donner)."""
    diff = estimate_1 - estimate_2
    low = diff - math.hypot(estimate_1 - interval_1[0], interval_2[1] - estimate_2)
    high = diff + math.hypot(interval_1[1] - estimate_1, estimate_2 - interval_2[0])
    return (low, high)


def newcombe_bounds(x1: ArrayLike, n1: ArrayLike, x2: ArrayLike, n2: ArrayLike,
                    confidence: float = 0.95) -> tuple[NDArray, NDArray]:
    """Vectorised Newcombe limits for p1 - p2 (NaN where a sample is empty)."""
    x1, n1, x2, n2 = (np.asarray(v, dtype=float) for v in np.broadcast_arrays(x1, n1, x2, n2))
    (l1, u1), (l2, u2) = wilson_bounds(x1, n1, confidence), wilson_bounds(x2, n2, confidence)
    with np.errstate(invalid="ignore", divide="ignore"):
        p1, p2 = x1 / n1, x2 / n2
    return p1 - p2 - np.hypot(p1 - l1, u2 - p2), p1 - p2 + np.hypot(u1 - p1, p2 - l2)


def newcombe_difference_interval(x1: int, n1: int, x2: int, n2: int, confidence: float = 0.95) -> tuple[float, float]:
    """Newcombe hybrid-score interval for p1 - p2 (Wilson limits combined by MOVER; statsmodels "newcomb").

    Args:
        x1: Successes (violations) in sample 1, e.g. checkpoint k.
        n1: Trials in sample 1 (> 0).
        x2: Successes in sample 2, e.g. the reference.
        n2: Trials in sample 2 (> 0).
        confidence: Two-sided level; ``confidence = 1 - 2 alpha`` gives a one-sided (1 - alpha) bound.
    """
    _check_counts(x1, n1)
    _check_counts(x2, n2)
    if n1 == 0 or n2 == 0:
        raise ValueError("both samples need at least one trial")
    p1, p2 = x1 / n1, x2 / n2
    return mover_difference_interval(p1, wilson_interval(x1, n1, confidence), p2, wilson_interval(x2, n2, confidence))


def benjamini_hochberg(p_values: ArrayLike, method: str = "bh", axis: int = -1) -> NDArray[np.float64]:
    """Adjusted p-values (q-values): Benjamini-Hochberg ("bh") or Benjamini-Yekutieli ("by", any dependence).

    Each 1-D slice along ``axis`` (default: the last) is one family of hypotheses.
    """
    p = np.asarray(p_values, dtype=float)
    if p.size == 0:
        return p.copy()
    return np.asarray(false_discovery_control(p, axis=axis, method=method), dtype=float)


def noninferiority_sample_size(p: float, margin: float, alpha: float = 0.05, power: float = 0.8) -> int:
    """Episodes per arm for a one-sided non-inferiority test at level alpha with margin delta.

    n = (z_{1-alpha} + z_{power})^2 * 2 p (1 - p) / delta^2 (both arms at rate p). The normal formula
    vanishes at p = 0, yet no sample shows non-inferiority before the Wilson upper bound of 0/n drops
    below delta, so the result is at least ceil(z^2 (1 - delta) / delta).
    """
    if not 0 < margin < 1 or not 0 <= p <= 1 or not 0 < alpha < 1 or not 0 < power < 1:
        raise ValueError("need 0 < margin < 1, 0 <= p <= 1, 0 < alpha < 1 and 0 < power < 1")
    z_alpha, z_power = float(ndtri(1 - alpha)), float(ndtri(power))
    normal = (z_alpha + z_power) ** 2 * 2 * p * (1 - p) / margin**2
    zero_events = z_alpha**2 * (1 - margin) / margin
    return math.ceil(max(normal, zero_events) - 1e-9)


def retention(p_pre: float, p_ref: float, p_k: float) -> float | None:
    """Share of the safety gain kept at checkpoint k: (p_pre - p_k) / (p_pre - p_ref); None without a gain."""
    gain = p_pre - p_ref
    return None if gain <= 0 else (p_pre - p_k) / gain


def mixture_log_e_value(successes: ArrayLike, trials: ArrayLike, p0: ArrayLike) -> float | NDArray[np.float64]:
    """Log of the one-sided Beta(1,1) mixture e-value for H0: p <= p0 (prior restricted to q > p0).

    M = [B(S+1, n-S+1) P(Beta(S+1, n-S+1) > p0) / (1 - p0)] / [p0^S (1 - p0)^(n-S)], a test
    supermartingale for every p <= p0. The tail is computed with ``betaincc``; where it underflows,
    exactly as log P(Binom(n+1, p0) <= S) in log space. log M = 0 when p0 >= 1; broadcasts arrays.
    """
    s, n, q = (np.asarray(v, dtype=float) for v in np.broadcast_arrays(successes, trials, p0))
    if np.any((s < 0) | (s > n)) or np.any(q <= 0):
        raise ValueError("need 0 <= successes <= trials and p0 > 0")
    out = np.zeros(s.shape)
    live = q < 1
    if np.any(live):
        unique_p0, p0_index = np.unique(q[live], return_inverse=True)
        out[live] = _log_mixture(s[live], n[live], unique_p0, p0_index.ravel())
    return float(out) if out.ndim == 0 else out


def _log_mixture(s: NDArray, n: NDArray, unique_p0: NDArray, p0_index: NDArray) -> NDArray:
    """log M for 1-D arrays; p0 = unique_p0[p0_index] (all < 1). Repeated (S, n, p0) are computed once."""
    p0 = unique_p0[p0_index]
    span = float(n.max(initial=0)) + 1.0
    if np.all(s == np.round(s)) and np.all(n == np.round(n)) and span * span * unique_p0.size < 2.0**62:
        key = (s.astype(np.int64) * int(span) + n.astype(np.int64)) * unique_p0.size + p0_index
        _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
        us, un, up = s[first], n[first], p0[first]
    else:
        us, un, up, inverse = s, n, p0, np.arange(s.size)
    with np.errstate(divide="ignore"):
        log_tail = np.log(betaincc(us + 1, un - us + 1, up))
    deep = log_tail < -650  # underflow: P(Beta(S+1, n-S+1) > p0) = P(Binom(n+1, p0) <= S), far in its tail
    if np.any(deep):
        log_tail[deep] = _log_binomial_lower_tail(us[deep], un[deep] + 1, up[deep])
    log_m = betaln(us + 1, un - us + 1) + log_tail - np.log1p(-up) - us * np.log(up) - (un - us) * np.log1p(-up)
    return log_m[inverse.ravel()]


def _log_binomial_lower_tail(s: NDArray, n: NDArray, p: NDArray) -> NDArray:
    """log P(Binom(n, p) <= s) for s < n p: pmf(s) * (1 + r_s + r_s r_{s-1} + ...), all ratios < 1."""
    total, term, k = np.ones_like(s), np.ones_like(s), s.copy()
    while True:
        live = (k > 0) & (term > 1e-18 * total)
        if not live.any():
            return binom.logpmf(s, n, p) + np.log(total)
        term = np.where(live, term * k * (1 - p) / ((n - k + 1) * p), 0.0)
        total, k = total + term, k - 1


def log_shiryaev_roberts(successes: ArrayLike, trials: ArrayLike, p0: ArrayLike) -> NDArray[np.float64]:
    """Vectorised log Shiryaev-Roberts e-detector: log R_t = log sum_{s<=t} M_{s,t}.

    ``successes`` and ``trials`` have shape (..., T) (one row per stream, checkpoints on the last axis),
    ``p0`` shape (...). Checkpoints with no trials start no e-process and leave R unchanged; -inf
    before the first evaluated checkpoint. Under p <= p0, P(max_{t<=C} R_t >= A) <= C / A.
    """
    x, n = np.asarray(successes, dtype=float), np.asarray(trials, dtype=float)
    steps = x.shape[-1]
    cx = np.concatenate([np.zeros(x.shape[:-1] + (1,)), np.cumsum(x, axis=-1)], axis=-1)
    cn = np.concatenate([np.zeros(n.shape[:-1] + (1,)), np.cumsum(n, axis=-1)], axis=-1)
    start, end = np.arange(steps)[:, None], np.arange(steps)[None, :]
    s_sum = cx[..., None, 1:] - cx[..., :-1, None]  # [..., start, end]
    n_sum = cn[..., None, 1:] - cn[..., :-1, None]
    live = (start <= end) & (n[..., :, None] > 0)
    unique_p0, p0_index = np.unique(np.asarray(p0, dtype=float), return_inverse=True)  # one p0 per stream
    index = np.broadcast_to(p0_index.reshape(np.shape(p0))[..., None, None], live.shape)[live]
    s_live, n_live = s_sum[live], n_sum[live]
    if np.any((s_live < 0) | (s_live > n_live)) or np.any(unique_p0 <= 0):
        raise ValueError("need 0 <= successes <= trials and p0 > 0")
    log_m = np.full(live.shape, -np.inf)
    values = np.zeros(index.shape)
    trivial = unique_p0[index] >= 1  # H0 p <= 1 always holds: the e-value is 1
    values[~trivial] = _log_mixture(s_live[~trivial], n_live[~trivial], unique_p0, index[~trivial])
    log_m[live] = values
    return logsumexp(log_m, axis=-2)


def shiryaev_roberts(counts: Sequence[tuple[int, int]], p0: float) -> list[float]:
    """Log Shiryaev-Roberts statistic after each checkpoint for one stream of (violations, episodes).

    Alarm when log R_t >= log(A); with A = K * C / alpha over K streams and C checkpoints the
    probability of any false alarm is at most alpha when every true rate is <= its p0.
    """
    if not counts:
        return []
    x, n = np.asarray(counts, dtype=float).T
    return [float(v) for v in log_shiryaev_roberts(x, n, p0)]


def _check_counts(successes: int, trials: int) -> None:
    if trials < 0 or not 0 <= successes <= max(trials, 0):
        raise ValueError(f"successes must be within [0, trials], received {successes} of {trials}")
