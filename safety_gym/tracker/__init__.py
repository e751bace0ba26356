"""The persistence tracker: does alignment hold as RL training proceeds?

`Tracker` records checkpoint evaluations in SQLite, computes per-checkpoint statistics
(Wilson and Clopper-Pearson intervals, Newcombe differences from the reference, exact one-sided
tests with Benjamini-Hochberg, a Shiryaev-Roberts e-detector), raises tiered alarms, gives
non-inferiority verdicts, and writes reports. See docs/tracking.md.
"""

from safety_gym.tracker.alarms import Alarm, AlarmConfig, CountRow, RunAssessment, evaluate_run
from safety_gym.tracker.tracker import LEVELS, Tracker, TrackerConfig

__all__ = ["LEVELS", "Alarm", "AlarmConfig", "CountRow", "RunAssessment", "Tracker", "TrackerConfig", "evaluate_run"]
