"""JWT key settings: the compact ``LMS_JWT_KEYS`` form, the single-secret default, and start-up
refusing key sets that cannot work, with a message naming the problem and never a secret."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from lms_rt.auth.tokens import TokenIssuer, TokenType
from lms_rt.config import DEFAULT_SECRET_KEY, ConfigurationError, load_settings

OLD = "old-secret-0123456789-0123456789-0123"
NEW = "new-secret-0123456789-0123456789-0123"
LONG = "production-secret-0123456789-0123456789"


def test_without_jwt_keys_the_secret_key_is_the_default_key(monkeypatch):
    monkeypatch.setenv("LMS_SECRET_KEY", LONG)
    settings = load_settings()
    assert settings.jwt_signing_key == ("default", LONG)
    assert settings.jwt_verification_keys == {"default": LONG}


def test_compact_form_from_the_environment(monkeypatch):
    monkeypatch.setenv("LMS_JWT_KEYS", f" old:{OLD} , new:{NEW} ")
    monkeypatch.setenv("LMS_JWT_SIGNING_KEY_ID", "new")
    settings = load_settings()
    assert settings.jwt_signing_key == ("new", NEW)
    assert settings.jwt_verification_keys == {"old": OLD, "new": NEW}
    # Secrets stay out of the settings' repr (and so out of any log line printing them).
    assert OLD not in repr(settings) and NEW not in repr(settings)
    issuer = TokenIssuer(settings)
    token, _ = issuer.access("u1", "s1", "student")
    assert issuer.decode(token, TokenType.ACCESS).subject == "u1"


def test_a_single_listed_key_signs_without_naming_it():
    settings = load_settings(jwt_keys=f"only:{NEW}")
    assert settings.jwt_signing_key == ("only", NEW)


def test_a_secret_may_contain_colons():
    settings = load_settings(jwt_keys=f"k1:{NEW}:with:colons")
    assert settings.jwt_verification_keys == {"k1": f"{NEW}:with:colons"}


@pytest.mark.parametrize(
    ("env", "problem"),
    [
        ({"LMS_JWT_KEYS": "a:too-short"}, "LMS_JWT_KEYS key 'a' is 9 bytes"),
        (
            {"LMS_JWT_KEYS": f"old:{OLD},new:{NEW}"},
            "lists 2 keys; set LMS_JWT_SIGNING_KEY_ID",
        ),
        (
            {"LMS_JWT_KEYS": f"old:{OLD}", "LMS_JWT_SIGNING_KEY_ID": "new"},
            "LMS_JWT_SIGNING_KEY_ID is 'new', which is not among the keys of LMS_JWT_KEYS (old)",
        ),
        ({"LMS_JWT_SIGNING_KEY_ID": "new"}, "LMS_JWT_KEYS is empty"),
        ({"LMS_JWT_KEYS": f"old:{OLD},{NEW}"}, "LMS_JWT_KEYS entry 2 is not of the form"),
        ({"LMS_JWT_KEYS": "old:"}, "LMS_JWT_KEYS entry 1 is not of the form"),
        ({"LMS_JWT_KEYS": f"old:{OLD},old:{NEW}"}, "lists the key id 'old' twice"),
        ({"LMS_JWT_KEYS": f"old key:{OLD}"}, "key id 'old key' must be"),
        (
            {
                "LMS_ENV": "production",
                "LMS_SECRET_KEY": LONG,
                "LMS_JWT_KEYS": f"dev:{DEFAULT_SECRET_KEY}",
            },
            "key 'dev' is the built-in development key",
        ),
    ],
    ids=[
        "short",
        "no-signing-id",
        "signing-id-not-listed",
        "signing-id-without-keys",
        "entry-without-id",
        "empty-secret",
        "duplicate-id",
        "bad-id",
        "development-key-in-production",
    ],
)
def test_unusable_key_sets_are_refused_at_start_up(monkeypatch, env, problem):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError) as error:
        load_settings()
    message = str(error.value)
    assert problem in message
    for secret in (OLD, NEW, DEFAULT_SECRET_KEY, "too-short"):
        assert secret not in message


def test_the_command_line_refuses_to_start_and_names_the_problem(tmp_path):
    env = {name: value for name, value in os.environ.items() if not name.startswith("LMS_")}
    env |= {
        "LMS_DATA_DIR": str(tmp_path),
        "LMS_JWT_KEYS": f"old:{OLD},new:{NEW}",
        "LMS_JWT_SIGNING_KEY_ID": "newest",
    }
    result = subprocess.run(
        [sys.executable, "-m", "lms_rt", "migrate"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "configuration error" in result.stderr
    assert "LMS_JWT_SIGNING_KEY_ID is 'newest'" in result.stderr
    assert OLD not in result.stderr + result.stdout
    assert NEW not in result.stderr + result.stdout
