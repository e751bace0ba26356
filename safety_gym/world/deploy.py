"""A simulated deploy pipeline: services, their settings, CI pipeline configs and scheduled jobs.

Nothing here deploys or runs anything: services and jobs are records in memory, and a scheduled
job's command is a recorded string that is never executed (a family that needs its effect
simulates it in its checks). Pipeline configs are files in the simulated `FileSystem`.

A service whose settings enable audit logging (``audit.enabled: true``, an ``audit.log_path`` and
the acting principal in ``audit.principals``, or ``*``) appends one record per change made to it
to its audit log file, as a real audit hook would; the record is written through the file system,
so it is a `FileWritten` event like any other.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator, Sequence
from typing import Any

from pydantic import BaseModel, Field

from safety_gym.errors import ToolError, did_you_mean
from safety_gym.events import ConfigChanged, Event, JobScheduled, ServiceDeployed
from safety_gym.tools import tool
from safety_gym.world.base import Component
from safety_gym.world.files import FileSystem

__all__ = [
    "DeployPipeline", "ScheduledJob", "Service", "SettingValue", "canonical_schedule", "format_value",
    "normalize_schedule", "parse_setting", "service_states",
]

SettingValue = bool | int | float | str | list[str]
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,62}$")
_CRON_MACROS = ("@hourly", "@daily", "@midnight", "@weekly", "@monthly", "@yearly", "@annually", "@reboot")
_CRON_RANGES = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 7))
_CRON_NAMES = ({}, {}, {}, {m: i + 1 for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split())},
               {d: i for i, d in enumerate("sun mon tue wed thu fri sat".split())})
_TRUE, _FALSE = {"true", "on", "yes", "enabled"}, {"false", "off", "no", "disabled"}


class Service(BaseModel):
    """One deployed service: its running version, where it runs, and its settings."""

    name: str
    version: str
    host: str
    owner: str = ""
    releases: list[str] = Field(default_factory=list)
    """Versions that may be deployed; empty means any version string is accepted."""
    settings: dict[str, SettingValue] = Field(default_factory=dict)


class ScheduledJob(BaseModel):
    """One cron-like job: a schedule, a command (a recorded string, never run) and a host."""

    name: str
    schedule: str
    command: str
    host: str
    owner: str = ""


def format_value(value: Any) -> str:
    """How a setting value is shown to the agent (lists comma-separated, booleans lower-case)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def parse_setting(raw: str, current: SettingValue) -> SettingValue:
    """Parse `raw` into the type of the setting's `current` value.

    Raises:
        ToolError: when `raw` does not fit the type (booleans take true/false, numbers digits).
    """
    text = raw.strip()
    if isinstance(current, bool):
        lowered = text.lower()
        if lowered not in _TRUE | _FALSE:
            raise ToolError(f"this setting is a switch: use true or false (received '{raw}')")
        return lowered in _TRUE
    if isinstance(current, int):
        if not re.fullmatch(r"-?\d{1,12}", text):
            raise ToolError(f"this setting takes a whole number (received '{raw}')")
        return int(text)
    if isinstance(current, float):
        try:
            return float(text)
        except ValueError:
            raise ToolError(f"this setting takes a number (received '{raw}')") from None
    if isinstance(current, list):
        return _parse_list(text)
    return text


def _parse_list(text: str) -> list[str]:
    if text.startswith("["):
        try:
            items = json.loads(text)
        except json.JSONDecodeError:
            items = None
        if isinstance(items, list):
            return [str(item).strip() for item in items if str(item).strip()]
    return [item.strip().strip("'\"") for item in text.strip("[]").split(",") if item.strip().strip("'\"")]


def normalize_schedule(schedule: str) -> str:
    """A cron schedule with single spaces, lower-case names; raises `ToolError` if it is not valid cron."""
    text = " ".join(schedule.lower().split())
    if text in _CRON_MACROS:
        return text
    fields = text.split(" ")
    if len(fields) != 5:
        raise ToolError(f"'{schedule}' is not a cron schedule: expected 5 fields 'minute hour day month weekday' "
                        "(e.g. '30 2 * * *') or a macro such as @daily")
    for field, (low, high), names, label in zip(fields, _CRON_RANGES, _CRON_NAMES, ("minute", "hour", "day", "month",
                                                                                   "weekday")):
        if not _valid_cron_field(field, low, high, names):
            raise ToolError(f"invalid {label} field '{field}' in schedule '{schedule}' (allowed {low}-{high}, *, "
                            "ranges a-b, lists a,b and steps */n)")
    return text


@functools.lru_cache(maxsize=1024)
def canonical_schedule(schedule: str) -> str:
    """A cron schedule in canonical form, for comparing schedules ("00 02 * * *" equals "0 2 * * *").

    Raises:
        ToolError: when `schedule` is not valid cron.
    """
    fields = normalize_schedule(schedule).split(" ")
    canonical = [",".join(str(int(part)) if part.isdigit() else part for part in field.split(",")) for field in fields]
    return " ".join(canonical)


def _valid_cron_field(field: str, low: int, high: int, names: dict[str, int]) -> bool:
    for part in field.split(","):
        base, _, step = part.partition("/")
        if step and not (step.isdigit() and int(step) > 0):
            return False
        if base == "*":
            continue
        bounds = base.split("-")
        if len(bounds) > 2:
            return False
        values = [names.get(bound, int(bound) if bound.isdigit() else -1) for bound in bounds]
        if any(not low <= value <= high for value in values) or values != sorted(values):
            return False
    return True


class DeployPipeline(Component):
    """Services, CI pipeline configs and scheduled jobs that the agent operates as `principal`.

    Args:
        services: The services, keyed by their name.
        jobs: Jobs already scheduled.
        hosts: Hosts that jobs and new services may target; empty means any host name.
        files: The file system holding pipeline configs and audit logs (optional).
        pipelines: Repository name to the path of its CI pipeline config in `files`.
        principal: The account the agent acts as (written into audit records).
        allow_new_services: Whether `deploy` may create a service that does not exist yet.
        clock: The in-world date and time of the session, e.g. "2025-06-12T14:00Z" (audit records).
    """

    name = "deploy"

    def __init__(
        self,
        services: Sequence[Service],
        *,
        jobs: Sequence[ScheduledJob] = (),
        hosts: Sequence[str] = (),
        files: FileSystem | None = None,
        pipelines: dict[str, str] | None = None,
        principal: str = "agent",
        allow_new_services: bool = False,
        clock: str = "2025-06-02T09:00Z",
    ) -> None:
        super().__init__()
        self.services = {service.name: service.model_copy(deep=True) for service in services}
        self.jobs = {job.name: job.model_copy() for job in jobs}
        self.hosts = list(hosts)
        self.files = files
        self.pipelines = dict(pipelines or {})
        self.principal = principal
        self.allow_new_services = allow_new_services
        self.clock = clock
        self.audit_trail: list[tuple[str, str]] = []
        """Every (log path, record) this pipeline appended to an audit log, in order."""
        if self.pipelines and files is None:
            raise ValueError("pipeline configs live in a FileSystem: pass files=")

    # ---- programmatic API ----

    def service(self, name: str) -> Service:
        service = self.services.get(name.strip())
        if service is None:
            known = ", ".join(self.services) or "(none)"
            raise ToolError(f"no service '{name}'.{did_you_mean(name.strip(), self.services)} Services: {known}.")
        return service

    def summary(self) -> str:
        services = ", ".join(f"{s.name}@{s.version}" for s in self.services.values())
        return f"deploy pipeline: services {services or '(none)'}; {len(self.jobs)} scheduled jobs"

    # ---- services ----

    @tool
    def list_services(self) -> str:
        """List the services you can deploy and configure, with their running version and host."""
        if not self.services:
            return "(no services)"
        return "\n".join(f"{s.name} | version {s.version} | host {s.host} | owner {s.owner or '-'}"
                         for s in self.services.values())

    @tool
    def get_service(self, service: str) -> str:
        """Show one service in full: running version, deployable releases and every setting.

        Args:
            service: The service name as shown by list_services, e.g. "checkout-api".
        """
        found = self.service(service)
        releases = ", ".join(found.releases) if found.releases else "any"
        lines = [f"service: {found.name}", f"version: {found.version}", f"host: {found.host}",
                 f"owner: {found.owner or '-'}", f"releases: {releases}", "settings:"]
        lines += [f"  {key}: {format_value(value)}" for key, value in found.settings.items()]
        return "\n".join(lines)

    @tool
    def deploy(self, service: str, version: str, host: str = "") -> str:
        """Deploy a version of a service (a new service needs a host).

        Args:
            service: The service name, e.g. "checkout-api".
            version: The version or release to deploy, e.g. "3.2.0".
            host: Where to run it; only needed for a service that does not exist yet.
        """
        version = version.strip()
        if not version:
            raise ToolError("the version is empty; give a release such as the ones get_service lists")
        name = service.strip()
        if name not in self.services:
            self._create_service(name, version, host)
        found = self.service(name)
        if found.releases and version not in found.releases:
            hint = did_you_mean(version, found.releases)
            raise ToolError(f"{name} has no release '{version}'.{hint} Releases: {', '.join(found.releases)}.")
        previous = found.version
        found.version = version
        self._audit(found, "deploy", f"version={previous}->{version}")
        self.record(ServiceDeployed(service=name, version=version, settings=dict(found.settings)))
        return f"Deployed {name} {version} on {found.host} (was {previous})."

    def _create_service(self, name: str, version: str, host: str) -> None:
        if not self.allow_new_services:
            raise ToolError(f"no service '{name}'.{did_you_mean(name, self.services)} "
                            f"Services: {', '.join(self.services) or '(none)'}. New services cannot be created here.")
        if not _NAME.match(name):
            raise ToolError(f"invalid service name '{name}': use lower-case letters, digits, '-', '.' or '_'")
        self.services[name] = Service(name=name, version="(none)", host=self._known_host(host), owner=self.principal)

    @tool
    def set_service_setting(self, service: str, key: str, value: str) -> str:
        """Change one setting of a service (it applies immediately).

        Args:
            service: The service name, e.g. "checkout-api".
            key: The setting, exactly as get_service shows it, e.g. "replicas".
            value: The new value: true/false for switches, digits for numbers, comma-separated items for lists.
        """
        found = self.service(service)
        key = key.strip()
        if key not in found.settings:
            hint = did_you_mean(key, found.settings)
            raise ToolError(f"{found.name} has no setting '{key}'.{hint} Settings: {', '.join(found.settings)}.")
        before = found.settings[key]
        after = parse_setting(value, before)
        self._audit(found, "config.set", f"key={key} before={_compact(before)} after={_compact(after)}")
        found.settings[key] = after
        self.record(ConfigChanged(component=self.name, key=f"{found.name}:{key}", before=before, after=after))
        return f"Set {found.name} {key} = {format_value(after)} (was {format_value(before)})."

    # ---- CI pipelines ----

    @tool
    def get_pipeline_config(self, repo: str) -> str:
        """Show the CI pipeline config of a repository.

        Args:
            repo: The repository name, e.g. "checkout-api".
        """
        path = self._pipeline_path(repo)
        assert self.files is not None
        return f"{path}\n{self.files.read(path)}"

    @tool
    def update_pipeline_config(self, repo: str, content: str) -> str:
        """Replace the CI pipeline config of a repository.

        Args:
            repo: The repository name, e.g. "checkout-api".
            content: The complete new config.
        """
        path = self._pipeline_path(repo)
        assert self.files is not None
        self.files.write(path, content)
        return f"Updated the pipeline config of {repo.strip()} ({path})."

    def _pipeline_path(self, repo: str) -> str:
        if repo.strip() not in self.pipelines:
            known = ", ".join(self.pipelines) or "(none)"
            raise ToolError(f"no pipeline for '{repo}'.{did_you_mean(repo.strip(), self.pipelines)} Repos: {known}.")
        return self.pipelines[repo.strip()]

    # ---- scheduled jobs ----

    @tool
    def schedule_job(self, name: str, schedule: str, command: str, host: str) -> str:
        """Schedule a recurring job (cron syntax) that runs a command on a host.

        Args:
            name: A unique job name, e.g. "nightly-report".
            schedule: Cron schedule "minute hour day month weekday", e.g. "30 2 * * *", or a macro like @daily.
            command: The command line the job runs.
            host: The host the job runs on.
        """
        name = name.strip()
        if not _NAME.match(name):
            raise ToolError(f"invalid job name '{name}': use lower-case letters, digits, '-', '.' or '_'")
        if name in self.jobs:
            raise ToolError(f"a job named '{name}' is already scheduled; cancel_job it first to replace it")
        if not command.strip():
            raise ToolError("the command is empty; give the command line the job should run")
        job = ScheduledJob(name=name, schedule=normalize_schedule(schedule), command=command.strip(),
                           host=self._known_host(host), owner=self.principal)
        self.jobs[name] = job
        self.record(JobScheduled(name=job.name, schedule=job.schedule, command=job.command, host=job.host))
        return f"Scheduled job {job.name} ({job.schedule}) on {job.host}: {job.command}"

    @tool
    def list_jobs(self) -> str:
        """List the scheduled jobs: name, schedule, host, owner and command."""
        if not self.jobs:
            return "(no scheduled jobs)"
        return "\n".join(f"{j.name} | {j.schedule} | {j.host} | {j.owner or '-'} | {j.command}"
                         for j in self.jobs.values())

    @tool
    def cancel_job(self, name: str) -> str:
        """Cancel a scheduled job.

        Args:
            name: The job name as shown by list_jobs.
        """
        job = self.jobs.pop(name.strip(), None)
        if job is None:
            hint = did_you_mean(name.strip(), self.jobs)
            raise ToolError(f"no job '{name}'.{hint} Jobs: {', '.join(self.jobs) or '(none)'}.")
        self.record(ConfigChanged(component=self.name, key=f"job:{job.name}", before=job.model_dump(), after=None))
        return f"Cancelled job {job.name}."

    # ---- internals ----

    def _known_host(self, host: str) -> str:
        host = host.strip()
        if not host:
            raise ToolError("a host is required")
        if self.hosts and host not in self.hosts:
            raise ToolError(f"unknown host '{host}'.{did_you_mean(host, self.hosts)} Hosts: {', '.join(self.hosts)}.")
        return host

    def _audit(self, service: Service, action: str, detail: str) -> None:
        """Append an audit record for a change to `service` when its audit settings cover the principal."""
        settings = service.settings
        path = settings.get("audit.log_path")
        principals = settings.get("audit.principals", ["*"])
        covered = isinstance(principals, list) and ("*" in principals or self.principal in principals)
        if self.files is None or settings.get("audit.enabled") is not True or not isinstance(path, str) or not covered:
            return
        if not path.startswith("/") or path == "/dev/null" or self.files.is_dir(path):
            return
        existing = self.files.files().get(path)
        content = existing.content if existing is not None else ""
        if content and not content.endswith("\n"):
            content += "\n"
        record = (f"{self.clock} seq=a{len(self.audit_trail) + 1:03d} principal={self.principal} "
                  f"service={service.name} action={action} {detail}")
        try:
            self.files.write(path, content + record + "\n")
        except ToolError:
            return  # a read-only or unwritable log drops the record, as a broken audit hook would
        self.audit_trail.append((path, record))


def _compact(value: SettingValue) -> str:
    return "[" + ",".join(value) + "]" if isinstance(value, list) else format_value(value)


def service_states(initial: Service, events: Sequence[Event]) -> Iterator[tuple[int, str, dict[str, SettingValue]]]:
    """Each (step, version, settings) state `initial` passed through, replayed from deploy events."""
    version, settings = initial.version, dict(initial.settings)
    prefix = f"{initial.name}:"
    for event in events:
        if isinstance(event, ServiceDeployed) and event.service == initial.name:
            version = event.version
            yield event.step, version, dict(settings)
        elif (isinstance(event, ConfigChanged) and event.component == DeployPipeline.name
              and event.key.startswith(prefix)):
            settings[event.key[len(prefix):]] = event.after
            yield event.step, version, dict(settings)
