"""The deployment files are checked here because nothing else runs them: there is no Docker
daemon on the development machines or in CI, so a broken compose file or Dockerfile would
otherwise surface only on the first real deploy."""

from __future__ import annotations

import copy
import ipaddress
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

from lms_rt.app import create_app
from lms_rt.config import Settings
from lms_rt.files.views import MULTIPART_OVERHEAD

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
INSTALL_SCRIPT = ROOT / "scripts" / "install-system-packages.sh"
NGINX_DIR = ROOT / "deploy" / "nginx"
NGINX_CONFIG = NGINX_DIR / "nginx.conf"
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

    scaled = subprocess.run(
        [compose, "-f", str(COMPOSE_FILE), "--profile", "scaled", "config"],
        cwd=ROOT,
        env={**env, "LMS_SECRET_KEY": "not-a-real-secret"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert scaled.returncode == 0, scaled.stderr
    resolved = yaml.safe_load(scaled.stdout)["services"]
    assert resolved["nginx"]["profiles"] == ["scaled"]
    assert resolved["api-2"]["environment"] == resolved["api"]["environment"]


# --- the "scaled" profile: two API replicas behind nginx -------------------------------------


def _nginx_config() -> str:
    return NGINX_CONFIG.read_text(encoding="utf-8")


def _block(config: str, opening: str) -> str:
    """The body of the first ``opening { ... }`` block (blocks used here hold no others)."""
    match = re.search(re.escape(opening) + r" \{\n(.*?)^\s*\}", config, re.DOTALL | re.MULTILINE)
    assert match, f"no block {opening!r}"
    return match.group(1)


def _directives(block: str, name: str) -> list[str]:
    return re.findall(rf"^\s*{re.escape(name)}\s+([^;]+);", block, re.MULTILINE)


def _nginx_size(value: str) -> int:
    units = {"k": 1024, "m": 1024 * 1024, "g": 1024 * 1024 * 1024}
    if value[-1].lower() in units:
        return int(value[:-1]) * units[value[-1].lower()]
    return int(value)


def _nginx_seconds(value: str) -> float:
    units = {"ms": 0.001, "s": 1, "m": 60, "h": 3600}
    match = re.fullmatch(r"(\d+)(ms|s|m|h)?", value)
    assert match, value
    return int(match.group(1)) * units[match.group(2) or "s"]


def _server_block(config: str) -> str:
    """The ``server { ... }`` body without its ``location`` blocks."""
    start = config.index("    server {")
    body = config[start:]
    return re.sub(r"^        location [^{]+\{.*?^        \}\n", "", body, flags=re.DOTALL | re.M)


def test_scaled_profile_puts_two_api_replicas_behind_nginx() -> None:
    services = _compose()["services"]
    # The default profile is what it was: these start without any --profile.
    for name in ("api", "worker", "migrate", "postgres", "redis"):
        assert "profiles" not in services[name], name
    assert services["api"]["ports"] == ["8080:8080"]
    api, replica, nginx = services["api"], services["api-2"], services["nginx"]
    assert replica["profiles"] == nginx["profiles"] == ["scaled"]
    # The second replica is the first one, minus the published port.
    shared = ("image", "environment", "volumes", "depends_on", "networks", "ulimits")
    for key in (*shared, "stop_grace_period"):
        assert replica[key] == api[key], key
    assert "ports" not in replica and "command" not in replica
    # Longer than the server's own shutdown (10 s), so SIGKILL never cuts a graceful stop.
    assert int(api["stop_grace_period"].rstrip("s")) > 10

    # nginx runs this repository's config, after both replicas are healthy.
    assert "./deploy/nginx:/etc/lms-rt/nginx:ro" in nginx["volumes"]
    command = nginx["command"]
    assert command[command.index("-c") + 1] == "/etc/lms-rt/nginx/nginx.conf"
    assert "daemon off;" in command
    assert nginx["depends_on"] == {
        "api": {"condition": "service_healthy"},
        "api-2": {"condition": "service_healthy"},
    }
    assert nginx["ports"] == ["8000:80"]
    assert _directives(_server_block(_nginx_config()), "listen") == ["80"]
    upstream = _block(_nginx_config(), "upstream lms_rt")
    assert _directives(upstream, "server") == ["api:8080", "api-2:8080"]

    # The replicas believe X-Forwarded-For from nginx's fixed address, and from nothing else.
    address = nginx["networks"]["edge"]["ipv4_address"]
    for name in ("api", "api-2"):
        assert services[name]["environment"]["LMS_TRUSTED_PROXIES"] == f"{address}/32"
        assert "edge" in services[name]["networks"]
    [pool] = _compose()["networks"]["edge"]["ipam"]["config"]
    subnet = ipaddress.ip_network(pool["subnet"])
    assert ipaddress.ip_address(address) in subnet
    assert ipaddress.ip_address(address) not in ipaddress.ip_network(pool["ip_range"])


def test_nginx_config_matches_the_api_settings() -> None:
    config = _nginx_config()
    defaults = Settings.model_fields
    server = _server_block(config)
    ws = _block(config, "location = /ws")

    # Websockets: the upgrade passes, nothing is buffered, a quiet socket outlives a heartbeat.
    assert "$http_upgrade" in _directives(ws, "proxy_set_header Upgrade")
    assert _directives(ws, "proxy_set_header Connection") == ["$connection_upgrade"]
    assert _directives(ws, "proxy_buffering") == ["off"]
    heartbeat = defaults["ws_heartbeat_seconds"].default
    for name in ("proxy_read_timeout", "proxy_send_timeout"):
        [timeout] = _directives(ws, name)
        assert _nginx_seconds(timeout) >= 2 * heartbeat, name

    # A location with its own proxy_set_header inherits none from the server: both carry the
    # client's address, scheme, host and request id.
    for block in (server, ws):
        assert _directives(block, "proxy_set_header X-Forwarded-For") == [
            "$proxy_add_x_forwarded_for"
        ]
        assert _directives(block, "proxy_set_header X-Forwarded-Proto") == ["$scheme"]
        assert _directives(block, "proxy_set_header Host") == ["$http_host"]
        assert _directives(block, "proxy_set_header X-Request-ID") == ["$lms_request_id"]
    assert _directives(server, "proxy_http_version") == ["1.1"]

    # Bodies: the API's own limit everywhere, the upload limit on the upload route.
    [body] = _directives(server, "client_max_body_size")
    assert _nginx_size(body) == defaults["max_body_bytes"].default
    [upload_path] = re.findall(r"location = (/api/v1/files/\S+) \{", config)
    app = create_app(Settings(secret_key="x" * 40))
    assert any(
        route.method == "POST" and route.resource and route.resource.canonical == upload_path
        for route in app.router.routes()
    ), f"{upload_path} is not the API's upload route"
    upload = _block(config, f"location = {upload_path}")
    [upload_body] = _directives(upload, "client_max_body_size")
    largest = max(defaults["upload_max_bytes"].default, defaults["avatar_max_bytes"].default)
    assert _nginx_size(upload_body) >= largest + MULTIPART_OVERHEAD
    assert _directives(upload, "proxy_request_buffering") == ["off"]


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
