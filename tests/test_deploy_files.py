"""The deployment files are checked here because nothing else runs them: there is no Docker
daemon on the development machines or in CI, so a broken compose file or Dockerfile would
otherwise surface only on the first real deploy."""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
INSTALL_SCRIPT = ROOT / "scripts" / "install-system-packages.sh"
# The Compose Specification's own JSON schema (compose-spec/compose-spec, schema/compose-spec.json),
# vendored so the test needs no network.
COMPOSE_SCHEMA = Path(__file__).resolve().parent / "harness" / "compose-spec.json"


def _compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _compose_validator() -> jsonschema.Draft7Validator:
    schema = json.loads(COMPOSE_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def _dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with continuation lines joined and comments dropped."""
    logical: list[str] = []
    pending = ""
    for raw in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        logical.append(pending + line)
        pending = ""
    if pending:
        logical.append(pending)
    pairs = []
    for entry in logical:
        keyword, _, rest = entry.partition(" ")
        pairs.append((keyword.upper(), rest.strip()))
    return pairs


def test_compose_file_matches_the_compose_specification() -> None:
    validator = _compose_validator()
    errors = sorted(validator.iter_errors(_compose()), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


def test_vendored_schema_rejects_an_invalid_compose_file() -> None:
    # Guards the check above against a vendored schema that accepts anything.
    broken = copy.deepcopy(_compose())
    broken["services"]["api"]["depends_on"]["migrate"]["condition"] = "service_finished"
    broken["services"]["worker"]["no_such_option"] = True
    errors = list(_compose_validator().iter_errors(broken))
    assert len(errors) >= 2


def test_compose_services_are_wired_for_services_mode() -> None:
    services = _compose()["services"]
    assert {"api", "worker", "migrate", "postgres", "redis"} <= set(services)
    api = services["api"]
    assert api["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    assert api["depends_on"]["postgres"] == {"condition": "service_healthy"}
    assert api["depends_on"]["redis"] == {"condition": "service_healthy"}
    assert services["migrate"]["restart"] == "no"
    for name in ("api", "worker", "migrate"):
        env = services[name]["environment"]
        assert env["LMS_DATABASE_URL"].startswith("postgres://")
        assert env["LMS_REDIS_URL"].startswith("redis://")
        # The key has no default: compose refuses to start without one.
        assert re.fullmatch(r"\$\{LMS_SECRET_KEY:\?[^}]*\}", env["LMS_SECRET_KEY"])
    for name in ("api", "worker"):
        assert any(v.endswith(":/app/var") for v in services[name]["volumes"])
    for name in ("postgres", "redis"):
        assert services[name]["healthcheck"]["test"]


@pytest.mark.skipif(shutil.which("docker-compose") is None, reason="docker-compose not installed")
def test_docker_compose_accepts_the_file() -> None:
    compose = shutil.which("docker-compose")
    assert compose is not None
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COMPOSE_", "DOCKER_"))}
    env.pop("LMS_SECRET_KEY", None)
    command = [compose, "-f", str(COMPOSE_FILE), "config", "-q"]

    ok = subprocess.run(
        command,
        cwd=ROOT,
        env={**env, "LMS_SECRET_KEY": "not-a-real-secret"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr

    missing_key = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert missing_key.returncode != 0
    assert "LMS_SECRET_KEY" in missing_key.stderr


def test_dockerfile_is_multi_stage_non_root_and_health_checked() -> None:
    instructions = _dockerfile_instructions()
    froms = [i for i, (keyword, _) in enumerate(instructions) if keyword == "FROM"]
    assert len(froms) >= 2, "expected a builder stage and a runtime stage"

    final_stage = instructions[froms[-1] :]
    users = [args for keyword, args in final_stage if keyword == "USER"]
    assert users, "the runtime stage must switch to a non-root USER"
    user = users[-1].split(":", 1)[0]
    assert user not in {"root", "0"}

    healthchecks = [args for keyword, args in final_stage if keyword == "HEALTHCHECK"]
    assert healthchecks, "the runtime stage needs a HEALTHCHECK"
    assert healthchecks[-1].upper() != "NONE"
    assert "/health" in healthchecks[-1]

    assert any(keyword == "EXPOSE" and "8080" in args for keyword, args in final_stage)
    cmds = [args for keyword, args in final_stage if keyword == "CMD"]
    assert cmds
    assert json.loads(cmds[-1])[:2] == ["lms-rt", "serve"]


def test_install_script_is_valid_bash() -> None:
    result = subprocess.run(
        ["bash", "-n", str(INSTALL_SCRIPT)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert os.access(INSTALL_SCRIPT, os.X_OK), "the script should be executable"
