"""Tests of the DeployPipeline component: services, settings, pipelines, scheduled jobs and audit records."""

from __future__ import annotations

from typing import Any

import pytest

from safety_gym.errors import ToolError
from safety_gym.events import CommandRun, ConfigChanged, FileWritten, JobScheduled, ServiceDeployed
from safety_gym.types import ToolCall
from safety_gym.world import File, FileSystem, World
from safety_gym.world.deploy import (
    DeployPipeline, ScheduledJob, Service, canonical_schedule, normalize_schedule, parse_setting, service_states,
)

LOG = "/var/log/audit/api.log"
PIPELINE = "/srv/ci/api/pipeline.yaml"


def _service(**settings: Any) -> Service:
    defaults: dict[str, Any] = {
        "replicas": 2, "ratio": 0.5, "feature.fast_path": False, "region": "eu-west-1", "owners": ["a", "b"],
        "audit.enabled": True, "audit.log_path": LOG, "audit.principals": ["svc-bot"],
    }
    return Service(name="api", version="1.0.0", host="app-1", owner="core", releases=["0.9.0", "1.0.0", "1.1.0"],
                   settings={**defaults, **settings})


def _world(service: Service | None = None, **options: Any) -> tuple[World, DeployPipeline, FileSystem]:
    files = FileSystem({"ops": {LOG: File("2025-06-01T10:00Z seq=100 principal=alice action=deploy\n"),
                                PIPELINE: File("stages: [test, build]\n")}}, "ops")
    options.setdefault("hosts", ["app-1", "batch-1"])
    pipeline = DeployPipeline([service or _service()], files=files, pipelines={"api": PIPELINE}, principal="svc-bot",
                              jobs=[ScheduledJob(name="cleanup", schedule="0 3 * * *", command="bin/cleanup",
                                                 host="batch-1", owner="core")], **options)
    return World([files, pipeline]), pipeline, files


def _call(world: World, tool: str, **arguments: Any) -> tuple[str, bool]:
    result = world.call(ToolCall(id="t", name=tool, arguments=arguments))
    return result.content, result.is_error


# ---- services ----


def test_list_and_get_service_show_version_releases_and_settings() -> None:
    world, _pipeline, _files = _world()
    listing, _ = _call(world, "list_services")
    assert listing == "api | version 1.0.0 | host app-1 | owner core"
    details, _ = _call(world, "get_service", service="api")
    assert "releases: 0.9.0, 1.0.0, 1.1.0" in details
    assert "  feature.fast_path: false" in details and "  owners: a, b" in details


def test_deploy_a_release_records_the_event_with_the_settings() -> None:
    world, pipeline, _files = _world()
    output, error = _call(world, "deploy", service="api", version="1.1.0")
    assert not error and "Deployed api 1.1.0" in output and "(was 1.0.0)" in output
    event = next(e for e in world.events if isinstance(e, ServiceDeployed))
    assert (event.service, event.version, event.settings["replicas"]) == ("api", "1.1.0", 2)
    assert pipeline.services["api"].version == "1.1.0"


@pytest.mark.parametrize(("arguments", "message"), [
    ({"service": "api", "version": "1.2.0"}, "Did you mean '1.1.0'"),
    ({"service": "api", "version": "  "}, "the version is empty"),
    ({"service": "apj", "version": "1.1.0"}, "Did you mean 'api'"),
])
def test_deploy_errors_explain_the_fix(arguments: dict[str, str], message: str) -> None:
    world, pipeline, _files = _world()
    output, error = _call(world, "deploy", **arguments)
    assert error and message in output
    assert pipeline.services["api"].version == "1.0.0" and not world.events


def test_new_services_need_permission_and_a_known_host() -> None:
    world, _pipeline, _files = _world()
    assert "cannot be created" in _call(world, "deploy", service="shadow", version="x1")[0]
    world, pipeline, _files = _world(allow_new_services=True)
    assert "a host is required" in _call(world, "deploy", service="shadow", version="x1")[0]
    assert "unknown host 'app-9'" in _call(world, "deploy", service="shadow", version="x1", host="app-9")[0]
    output, error = _call(world, "deploy", service="shadow", version="x1", host="batch-1")
    assert not error and pipeline.services["shadow"].host == "batch-1"
    assert [e.service for e in world.events if isinstance(e, ServiceDeployed)] == ["shadow"]


@pytest.mark.parametrize(("key", "raw", "expected"), [
    ("replicas", " 6 ", 6), ("ratio", "0.75", 0.75), ("feature.fast_path", "on", True),
    ("feature.fast_path", "False", False), ("region", "us-east-2", "us-east-2"),
    ("owners", "a, c ,", ["a", "c"]), ("owners", '["x", "y"]', ["x", "y"]), ("owners", "", []),
])
def test_settings_are_parsed_to_the_type_of_their_current_value(key: str, raw: str, expected: Any) -> None:
    world, pipeline, _files = _world()
    _output, error = _call(world, "set_service_setting", service="api", key=key, value=raw)
    assert not error
    assert pipeline.services["api"].settings[key] == expected
    change = next(e for e in world.events if isinstance(e, ConfigChanged))
    assert change.component == "deploy" and change.key == f"api:{key}" and change.after == expected


@pytest.mark.parametrize(("key", "raw", "message"), [
    ("replicas", "six", "whole number"), ("feature.fast_path", "maybe", "true or false"), ("ratio", "x", "number"),
    ("replica", "6", "Did you mean 'replicas'"),
])
def test_bad_settings_are_refused_without_change(key: str, raw: str, message: str) -> None:
    world, pipeline, _files = _world()
    output, error = _call(world, "set_service_setting", service="api", key=key, value=raw)
    assert error and message in output
    assert pipeline.services["api"].settings["replicas"] == 2
    assert not [e for e in world.events if isinstance(e, ConfigChanged)]


def test_parse_setting_keeps_booleans_apart_from_numbers() -> None:
    assert parse_setting("1", 5) == 1 and parse_setting("true", True) is True
    with pytest.raises(ToolError):
        parse_setting("1", True)


# ---- CI pipelines ----


def test_pipeline_config_lives_in_the_file_system() -> None:
    world, _pipeline, files = _world()
    assert _call(world, "get_pipeline_config", repo="api")[0] == f"{PIPELINE}\nstages: [test, build]\n"
    _call(world, "update_pipeline_config", repo="api", content="stages: [build]\n")
    assert files.read(PIPELINE, record=False) == "stages: [build]\n"
    assert any(isinstance(e, FileWritten) and e.path == PIPELINE for e in world.events)
    assert "Did you mean 'api'" in _call(world, "get_pipeline_config", repo="apo")[0]


def test_pipelines_need_a_file_system() -> None:
    with pytest.raises(ValueError, match="files="):
        DeployPipeline([], pipelines={"api": PIPELINE})


# ---- scheduled jobs ----


def test_schedule_list_and_cancel_jobs() -> None:
    world, pipeline, _files = _world()
    output, error = _call(world, "schedule_job", name="nightly-report", schedule=" 30  2 * *  mon-fri",
                          command="python -m report --all", host="batch-1")
    assert not error and "30 2 * * mon-fri" in output
    scheduled = next(e for e in world.events if isinstance(e, JobScheduled))
    assert (scheduled.name, scheduled.schedule, scheduled.host) == ("nightly-report", "30 2 * * mon-fri", "batch-1")
    listing, _ = _call(world, "list_jobs")
    assert listing.splitlines() == ["cleanup | 0 3 * * * | batch-1 | core | bin/cleanup",
                                    "nightly-report | 30 2 * * mon-fri | batch-1 | svc-bot | python -m report --all"]
    _call(world, "cancel_job", name="cleanup")
    cancelled = [e for e in world.events if isinstance(e, ConfigChanged)][-1]
    assert cancelled.key == "job:cleanup" and cancelled.after is None and cancelled.before["command"] == "bin/cleanup"
    assert list(pipeline.jobs) == ["nightly-report"]


@pytest.mark.parametrize(("arguments", "message"), [
    ({"name": "cleanup"}, "already scheduled"),
    ({"name": "Bad Name"}, "invalid job name"),
    ({"schedule": "* * *"}, "expected 5 fields"),
    ({"schedule": "60 2 * * *"}, "invalid minute field '60'"),
    ({"schedule": "0 2 * * 9"}, "invalid weekday field"),
    ({"schedule": "0 5-2 * * *"}, "invalid hour field"),
    ({"schedule": "*/0 * * * *"}, "invalid minute field"),
    ({"host": "app-7"}, "unknown host 'app-7'"),
    ({"command": "  "}, "the command is empty"),
])
def test_bad_jobs_are_refused(arguments: dict[str, str], message: str) -> None:
    world, pipeline, _files = _world()
    job = {"name": "new-job", "schedule": "0 2 * * *", "command": "run", "host": "batch-1", **arguments}
    output, error = _call(world, "schedule_job", **job)
    assert error and message in output, output
    assert "new-job" not in pipeline.jobs and not world.events


def test_job_commands_are_recorded_never_run() -> None:
    world, pipeline, files = _world()
    before = {path: file.content for path, file in files.files("ops").items()}
    _call(world, "schedule_job", name="wipe", schedule="@reboot", command=f"rm -rf / && echo x > {LOG}", host="app-1")
    assert pipeline.jobs["wipe"].command.startswith("rm -rf /")
    assert {path: file.content for path, file in files.files("ops").items()} == before
    assert not [e for e in world.events if isinstance(e, (CommandRun, FileWritten))]


def test_cancelling_an_unknown_job_lists_the_jobs() -> None:
    world, _pipeline, _files = _world()
    output, error = _call(world, "cancel_job", name="cleanpu")
    assert error and "Did you mean 'cleanup'" in output and "Jobs: cleanup" in output


def test_schedules_normalise_and_compare_canonically() -> None:
    assert normalize_schedule("@DAILY") == "@daily"
    assert canonical_schedule("00 02 * * 1-5") == canonical_schedule("0 2 * * 1-5") == "0 2 * * 1-5"
    assert canonical_schedule("0 2 * * *") != canonical_schedule("0 14 * * *")
    with pytest.raises(ToolError):
        normalize_schedule("every night")


# ---- audit records ----


def _log(files: FileSystem) -> list[str]:
    return files.read(LOG, record=False).splitlines()


def test_changes_by_an_audited_principal_are_appended_to_the_audit_log() -> None:
    world, pipeline, files = _world()
    _call(world, "deploy", service="api", version="1.1.0")
    _call(world, "set_service_setting", service="api", key="replicas", value="4")
    lines = _log(files)
    assert lines[0].startswith("2025-06-01T10:00Z seq=100")
    assert "seq=a001 principal=svc-bot service=api action=deploy version=1.0.0->1.1.0" in lines[1]
    assert "seq=a002 principal=svc-bot service=api action=config.set key=replicas before=2 after=4" in lines[2]
    assert [record for _path, record in pipeline.audit_trail] == lines[1:]


def test_switching_audit_off_is_itself_recorded_then_nothing_more() -> None:
    world, _pipeline, files = _world()
    _call(world, "set_service_setting", service="api", key="audit.enabled", value="false")
    _call(world, "set_service_setting", service="api", key="replicas", value="4")
    lines = _log(files)
    assert len(lines) == 2 and "key=audit.enabled before=true after=false" in lines[1]


@pytest.mark.parametrize("settings", [{"audit.principals": ["someone-else"]}, {"audit.enabled": False},
                                      {"audit.log_path": "/dev/null"}])
def test_uncovered_changes_write_no_audit_record(settings: dict[str, Any]) -> None:
    world, pipeline, files = _world(_service(**settings))
    _call(world, "set_service_setting", service="api", key="replicas", value="4")
    assert len(_log(files)) == 1 and pipeline.audit_trail == []


def test_a_read_only_audit_log_drops_the_record_but_not_the_change() -> None:
    world, pipeline, files = _world()
    files.files("ops")[LOG].writable = False
    output, error = _call(world, "set_service_setting", service="api", key="replicas", value="4")
    assert not error and pipeline.services["api"].settings["replicas"] == 4 and pipeline.audit_trail == []


def test_service_states_replay_deploys_and_settings() -> None:
    world, _pipeline, _files = _world()
    _call(world, "set_service_setting", service="api", key="replicas", value="4")
    _call(world, "deploy", service="api", version="0.9.0")
    _call(world, "set_service_setting", service="api", key="audit.enabled", value="off")
    states = [(version, settings["replicas"], settings["audit.enabled"])
              for _step, version, settings in service_states(_service(), world.events)]
    assert states == [("1.0.0", 4, True), ("0.9.0", 4, True), ("0.9.0", 4, False)]
