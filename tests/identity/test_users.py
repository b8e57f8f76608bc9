"""``/api/v1/users``: your own account, password changes, and account management by admins."""

from __future__ import annotations

import uuid

import pytest

from lms_rt.users.models import Role, User
from tests.factories import DEFAULT_PASSWORD, bearer, create_user, login, signed_in

API = "/api/v1"
NEW_PASSWORD = "a brand new secret"


def assert_error(body: dict, code: str, fields: list[str] | None = None) -> None:
    """The one error shape; with ``fields``, exactly those fields are named in the details."""
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    if fields is not None:
        assert sorted(d["field"] for d in body["error"]["details"]) == sorted(fields)


async def row(user: User) -> dict:
    """The account as stored now, re-read from the database."""
    fresh = await User.get(id=user.id)
    return {
        "email": fresh.email,
        "password_hash": fresh.password_hash,
        "full_name": fresh.full_name,
        "role": fresh.role,
        "is_active": fresh.is_active,
        "email_verified_at": fresh.email_verified_at,
        "timezone": fresh.timezone,
        "profile": fresh.profile,
        "mfa_enabled": fresh.mfa_enabled,
    }


async def login_status(client, email: str, password: str) -> int:
    response = await client.post(f"{API}/auth/login", json={"email": email, "password": password})
    return response.status


# --- GET /users/me -------------------------------------------------------------------------


async def test_me_returns_your_own_account_and_no_secrets(client):
    user, headers = await signed_in(client, Role.INSTRUCTOR, full_name="Ines Instructor")
    response = await client.get(f"{API}/users/me", headers=headers)
    assert response.status == 200
    body = await response.json()
    assert body["id"] == str(user.id)
    assert body["email"] == user.email
    assert body["full_name"] == "Ines Instructor"
    assert body["role"] == "instructor"
    assert body["is_active"] is True
    assert body["email_verified"] is True
    assert body["mfa_enabled"] is False
    assert body["timezone"] == "UTC"
    assert body["profile"] == {}
    assert body["last_login_at"] is not None
    assert "password_hash" not in body and "mfa_secret" not in body
    assert "password" not in str(body).lower()


# --- PATCH /users/me -----------------------------------------------------------------------


async def test_update_me_changes_name_timezone_and_profile(client):
    user, headers = await signed_in(client)
    profile = {"bio": "Learning Arabic calligraphy", "links": ["https://example.org/me"]}
    response = await client.patch(
        f"{API}/users/me",
        json={"full_name": "  Mona Hassan  ", "timezone": "Africa/Cairo", "profile": profile},
        headers=headers,
    )
    assert response.status == 200
    body = await response.json()
    assert (body["full_name"], body["timezone"], body["profile"]) == (
        "Mona Hassan",
        "Africa/Cairo",
        profile,
    )
    stored = await row(user)
    assert (stored["full_name"], stored["timezone"], stored["profile"]) == (
        "Mona Hassan",
        "Africa/Cairo",
        profile,
    )


async def test_update_me_changes_only_the_fields_sent(client):
    user, headers = await signed_in(client)
    await client.patch(
        f"{API}/users/me", json={"timezone": "Asia/Kuwait", "profile": {"a": 1}}, headers=headers
    )
    response = await client.patch(
        f"{API}/users/me", json={"full_name": "Only Name"}, headers=headers
    )
    assert response.status == 200
    stored = await row(user)
    assert (stored["full_name"], stored["timezone"], stored["profile"]) == (
        "Only Name",
        "Asia/Kuwait",
        {"a": 1},
    )
    empty = await client.patch(f"{API}/users/me", json={}, headers=headers)
    assert empty.status == 200
    assert await row(user) == stored


@pytest.mark.parametrize("name", ["", "   ", "x" * 201])
async def test_update_me_refuses_a_blank_or_overlong_name(client, name):
    user, headers = await signed_in(client)
    before = await row(user)
    response = await client.patch(f"{API}/users/me", json={"full_name": name}, headers=headers)
    assert response.status == 422
    assert_error(await response.json(), "invalid", ["full_name"])
    assert await row(user) == before


@pytest.mark.parametrize(
    "zone", ["Mars/Olympus_Mons", "africa/cairo", "UTC+2", "+02:00", "", "x" * 65]
)
async def test_update_me_refuses_a_time_zone_that_is_not_an_iana_name(client, zone):
    user, headers = await signed_in(client)
    before = await row(user)
    response = await client.patch(
        f"{API}/users/me", json={"timezone": zone, "full_name": "Renamed"}, headers=headers
    )
    assert response.status == 422
    assert_error(await response.json(), "invalid", ["timezone"])
    assert await row(user) == before


@pytest.mark.parametrize("zone", ["America/Argentina/Buenos_Aires", "Etc/GMT-3", " Asia/Dubai "])
async def test_update_me_accepts_any_iana_name(client, zone):
    user, headers = await signed_in(client)
    response = await client.patch(f"{API}/users/me", json={"timezone": zone}, headers=headers)
    assert response.status == 200
    assert (await row(user))["timezone"] == zone.strip()


async def test_update_me_profile_is_limited_to_8_kib_of_json(client):
    user, headers = await signed_in(client)
    # '{"bio":""}' is 10 bytes, so a bio of 8182 characters makes exactly 8192 bytes.
    at_limit = {"bio": "x" * (8192 - 10)}
    response = await client.patch(f"{API}/users/me", json={"profile": at_limit}, headers=headers)
    assert response.status == 200
    assert (await row(user))["profile"] == at_limit

    over = {"bio": "y" * (8192 - 10 + 1)}
    response = await client.patch(f"{API}/users/me", json={"profile": over}, headers=headers)
    assert response.status == 422
    assert_error(await response.json(), "invalid", ["profile"])
    assert (await row(user))["profile"] == at_limit


async def test_update_me_profile_counts_bytes_not_characters(client):
    user, headers = await signed_in(client)
    # "ب" is two bytes of UTF-8: 4100 of them are under 8192 characters but over 8 KiB.
    response = await client.patch(
        f"{API}/users/me", json={"profile": {"bio": "ب" * 4100}}, headers=headers
    )
    assert response.status == 422
    assert_error(await response.json(), "invalid", ["profile"])
    assert (await row(user))["profile"] == {}


@pytest.mark.parametrize("profile", [["a", "list"], "a string", 42])
async def test_update_me_profile_must_be_an_object(client, profile):
    user, headers = await signed_in(client)
    response = await client.patch(f"{API}/users/me", json={"profile": profile}, headers=headers)
    assert response.status == 422
    assert_error(await response.json(), "invalid", ["profile"])
    assert (await row(user))["profile"] == {}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("role", "admin"),
        ("is_active", False),
        ("email_verified", True),
        ("email", "someone.else@example.org"),
        ("mfa_enabled", True),
        ("password_hash", "$2b$04$forged"),
        ("id", "00000000-0000-0000-0000-000000000001"),
    ],
)
async def test_update_me_refuses_mass_assignment_and_changes_nothing(client, field, value):
    # Unverified, so that a smuggled email_verified=True would show in the row.
    user, headers = await signed_in(client, Role.STUDENT, email_verified_at=None)
    before = await row(user)
    assert before["email_verified_at"] is None
    response = await client.patch(
        f"{API}/users/me", json={"full_name": "Sneaky", field: value}, headers=headers
    )
    assert response.status == 422
    assert_error(await response.json(), "invalid", [field])
    # Not even the legitimate field of the same body is applied.
    assert await row(user) == before
    me = await client.get(f"{API}/users/me", headers=headers)
    assert (await me.json())["role"] == "student"


async def test_update_me_needs_a_json_object_body(client):
    user, headers = await signed_in(client)
    before = await row(user)
    not_object = await client.patch(f"{API}/users/me", json=["full_name"], headers=headers)
    assert not_object.status == 422
    assert_error(await not_object.json(), "invalid")
    empty = await client.patch(
        f"{API}/users/me", data=b"", headers={**headers, "Content-Type": "application/json"}
    )
    assert empty.status == 400
    assert_error(await empty.json(), "bad_request")
    form = await client.patch(f"{API}/users/me", data={"full_name": "Form"}, headers=headers)
    assert form.status == 415
    assert_error(await form.json(), "unsupported_media_type")
    assert await row(user) == before


# --- POST /users/me/password ---------------------------------------------------------------


async def test_change_password_with_a_wrong_current_password_is_422_and_changes_nothing(client):
    user, headers = await signed_in(client)
    before = await row(user)
    response = await client.post(
        f"{API}/users/me/password",
        json={"current_password": "not my password", "new_password": NEW_PASSWORD},
        headers=headers,
    )
    assert response.status == 422
    assert_error(await response.json(), "invalid", ["current_password"])
    assert (await row(user))["password_hash"] == before["password_hash"]
    assert await login_status(client, user.email, DEFAULT_PASSWORD) == 200
    assert await login_status(client, user.email, NEW_PASSWORD) == 401
    # A failed attempt ends no session.
    assert (await client.get(f"{API}/users/me", headers=headers)).status == 200


async def test_change_password_ends_the_other_sessions_and_keeps_this_one(client):
    user, this = await signed_in(client)
    other_tokens = await login(client, user.email)
    other = bearer(other_tokens["access_token"])
    third_refresh = (await login(client, user.email))["refresh_token"]
    assert (await client.get(f"{API}/users/me", headers=other)).status == 200

    response = await client.post(
        f"{API}/users/me/password",
        json={"current_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD},
        headers=this,
    )
    assert response.status == 204
    assert await response.read() == b""

    assert (await client.get(f"{API}/users/me", headers=this)).status == 200
    ended = await client.get(f"{API}/users/me", headers=other)
    assert ended.status == 401
    assert_error(await ended.json(), "unauthorized")
    # The other sessions' refresh tokens die with them (that third login is another session).
    for refresh_token in (other_tokens["refresh_token"], third_refresh):
        refreshed = await client.post(f"{API}/auth/refresh", json={"refresh_token": refresh_token})
        assert refreshed.status == 401

    assert await login_status(client, user.email, NEW_PASSWORD) == 200
    assert await login_status(client, user.email, DEFAULT_PASSWORD) == 401


async def test_change_password_keeps_this_sessions_refresh_token(client):
    user = await create_user(client)
    tokens = await login(client, user.email)
    response = await client.post(
        f"{API}/users/me/password",
        json={"current_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD},
        headers=bearer(tokens["access_token"]),
    )
    assert response.status == 204
    refreshed = await client.post(
        f"{API}/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert refreshed.status == 200


@pytest.mark.parametrize(
    ("new_password", "status"),
    [
        ("x" * 9, 422),
        ("x" * 10, 204),
        ("y" * 128, 204),
        ("z" * 129, 422),
    ],
)
async def test_change_password_length_bounds(client, new_password, status):
    user, headers = await signed_in(client)
    before = await row(user)
    response = await client.post(
        f"{API}/users/me/password",
        json={"current_password": DEFAULT_PASSWORD, "new_password": new_password},
        headers=headers,
    )
    assert response.status == status
    if status == 422:
        assert_error(await response.json(), "invalid", ["new_password"])
        assert (await row(user))["password_hash"] == before["password_hash"]
        assert await login_status(client, user.email, DEFAULT_PASSWORD) == 200
    else:
        assert await login_status(client, user.email, new_password) == 200
        assert await login_status(client, user.email, DEFAULT_PASSWORD) == 401


async def test_change_password_needs_both_fields(client):
    user, headers = await signed_in(client)
    response = await client.post(f"{API}/users/me/password", json={}, headers=headers)
    assert response.status == 422
    assert_error(await response.json(), "invalid", ["current_password", "new_password"])
    response = await client.post(
        f"{API}/users/me/password",
        json={"current_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD, "x": 1},
        headers=headers,
    )
    assert response.status == 422
    assert_error(await response.json(), "invalid", ["x"])
    assert await login_status(client, user.email, DEFAULT_PASSWORD) == 200


async def test_the_password_you_chose_works_on_every_sign_in_endpoint(client):
    """The password is the exact string the user typed, spaces included, on both the JSON
    sign-in and the OAuth2 password grant the docs page uses."""
    user, headers = await signed_in(client)
    chosen = "  spaced out secret  "
    response = await client.post(
        f"{API}/users/me/password",
        json={"current_password": DEFAULT_PASSWORD, "new_password": chosen},
        headers=headers,
    )
    assert response.status == 204
    assert await login_status(client, user.email, chosen) == 200
    oauth = await client.post(
        f"{API}/auth/token",
        data={"grant_type": "password", "username": user.email, "password": chosen},
    )
    assert oauth.status == 200, await oauth.text()


# --- GET /users (admin) --------------------------------------------------------------------


async def test_list_users_filters_by_role_activity_and_text(client):
    admin, headers = await signed_in(client, Role.ADMIN, email="root@example.org")
    zara = await create_user(client, email="zed@example.org", full_name="Zara Ahmed")
    ozar = await create_user(
        client, role=Role.INSTRUCTOR, email="OZAR.teacher@example.org", full_name="Omar"
    )
    gone = await create_user(
        client, email="gone@example.org", full_name="Gone Student", is_active=False
    )
    plain = await create_user(client, email="plain@example.org", full_name="Plain Person")

    async def listed(query: str) -> tuple[set[str], int]:
        response = await client.get(f"{API}/users?{query}", headers=headers)
        assert response.status == 200, await response.text()
        body = await response.json()
        assert len(body["items"]) == min(body["total"], body["limit"])
        return {item["email"] for item in body["items"]}, body["total"]

    everyone = {admin.email, zara.email, ozar.email, gone.email, plain.email}
    assert await listed("") == (everyone, 5)
    assert await listed("role=student") == ({zara.email, gone.email, plain.email}, 3)
    assert await listed("role=instructor") == ({ozar.email}, 1)
    assert await listed("role=admin") == ({admin.email}, 1)
    assert await listed("is_active=false") == ({gone.email}, 1)
    assert await listed("is_active=true") == (everyone - {gone.email}, 4)
    # q: email or name, case-insensitive, anywhere in the string.
    assert await listed("q=zAr") == ({zara.email, ozar.email}, 2)
    assert await listed("q=OZAR.TEACHER") == ({"ozar.teacher@example.org"}, 1)
    assert await listed("q=plain%20person") == ({plain.email}, 1)
    assert await listed("q=nobody-matches") == (set(), 0)
    assert await listed("q=%20%20") == (everyone, 5)
    assert await listed("role=student&is_active=true&q=a") == ({zara.email, plain.email}, 2)


async def test_list_users_q_treats_like_wildcards_literally(client):
    _, headers = await signed_in(client, Role.ADMIN, email="root@example.org")
    odd = await create_user(client, email="under_score@example.org", full_name="100% sure")
    await create_user(client, email="plain@example.org", full_name="Plain")
    for q, expected in (("_", {odd.email}), ("%25", {odd.email}), ("p_a", set())):
        response = await client.get(f"{API}/users?q={q}", headers=headers)
        assert response.status == 200
        assert {item["email"] for item in (await response.json())["items"]} == expected, q


async def test_list_users_paginates_in_creation_order(client):
    admin, headers = await signed_in(client, Role.ADMIN)
    created = [admin] + [await create_user(client) for _ in range(6)]

    pages = []
    for offset in (0, 3, 6):
        response = await client.get(f"{API}/users?limit=3&offset={offset}", headers=headers)
        assert response.status == 200
        body = await response.json()
        assert (body["total"], body["limit"], body["offset"]) == (7, 3, offset)
        pages.append([item["id"] for item in body["items"]])
    assert [len(page) for page in pages] == [3, 3, 1]
    assert [i for page in pages for i in page] == [str(u.id) for u in created]

    beyond = await client.get(f"{API}/users?limit=3&offset=50", headers=headers)
    assert await beyond.json() == {"items": [], "total": 7, "limit": 3, "offset": 50}
    default = await (await client.get(f"{API}/users", headers=headers)).json()
    assert (default["limit"], default["offset"], len(default["items"])) == (20, 0, 7)
    most = await client.get(f"{API}/users?limit=100", headers=headers)
    assert most.status == 200


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=101", "limit"),
        ("limit=0", "limit"),
        ("limit=ten", "limit"),
        ("offset=-1", "offset"),
        ("role=superuser", "role"),
        ("is_active=maybe", "is_active"),
        ("q=" + "q" * 101, "q"),
        ("sort=email", "sort"),
    ],
)
async def test_list_users_refuses_bad_query_parameters(client, query, field):
    _, headers = await signed_in(client, Role.ADMIN)
    response = await client.get(f"{API}/users?{query}", headers=headers)
    assert response.status == 422
    assert_error(await response.json(), "invalid", [field])


# --- POST /users (admin) -------------------------------------------------------------------


@pytest.mark.parametrize("role", list(Role))
async def test_admin_creates_an_account_of_any_role(client, role):
    _, headers = await signed_in(client, Role.ADMIN)
    response = await client.post(
        f"{API}/users",
        json={
            "email": "  New.Person@Example.ORG ",
            "password": "a fine password",
            "full_name": "New Person",
            "role": role.value,
            "timezone": "Asia/Riyadh",
        },
        headers=headers,
    )
    assert response.status == 201
    body = await response.json()
    assert body["email"] == "new.person@example.org"
    assert (body["role"], body["full_name"], body["timezone"]) == (
        role.value,
        "New Person",
        "Asia/Riyadh",
    )
    assert body["is_active"] is True and body["email_verified"] is True
    stored = await User.get(id=body["id"])
    assert (stored.email, stored.role) == ("new.person@example.org", role)
    assert await login_status(client, "NEW.PERSON@example.org", "a fine password") == 200


async def test_admin_created_account_defaults_to_student_in_utc(client):
    _, headers = await signed_in(client, Role.ADMIN)
    response = await client.post(
        f"{API}/users",
        json={"email": "s@example.org", "password": "a fine password", "full_name": "S"},
        headers=headers,
    )
    assert response.status == 201
    body = await response.json()
    assert (body["role"], body["timezone"]) == ("student", "UTC")


async def test_admin_create_with_an_email_taken_in_another_case_is_409(client):
    _, headers = await signed_in(client, Role.ADMIN)
    taken = await create_user(client, email="taken@example.org")
    response = await client.post(
        f"{API}/users",
        json={
            "email": "TAKEN@Example.Org",
            "password": "a fine password",
            "full_name": "Impostor",
            "role": "admin",
        },
        headers=headers,
    )
    assert response.status == 409
    assert_error(await response.json(), "conflict")
    assert await User.filter(email="taken@example.org").count() == 1
    assert (await User.get(id=taken.id)).role == Role.STUDENT


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        ({"email": "not-an-email"}, ["email"]),
        ({"password": "short"}, ["password"]),
        ({"password": "p" * 129}, ["password"]),
        ({"full_name": ""}, ["full_name"]),
        ({"role": "owner"}, ["role"]),
        ({"timezone": "Nowhere/Land"}, ["timezone"]),
        ({"is_active": False}, ["is_active"]),
        ({"email_verified": False}, ["email_verified"]),
    ],
)
async def test_admin_create_validates_every_field(client, change, fields):
    _, headers = await signed_in(client, Role.ADMIN)
    valid = {"email": "new@example.org", "password": "a fine password", "full_name": "New"}
    response = await client.post(f"{API}/users", json={**valid, **change}, headers=headers)
    assert response.status == 422
    assert_error(await response.json(), "invalid", fields)
    assert await User.all().count() == 1


async def test_admin_create_needs_email_password_and_name(client):
    _, headers = await signed_in(client, Role.ADMIN)
    response = await client.post(f"{API}/users", json={}, headers=headers)
    assert response.status == 422
    assert_error(await response.json(), "invalid", ["email", "full_name", "password"])


# --- GET /users/{id} (admin) ---------------------------------------------------------------


async def test_admin_reads_one_account(client):
    _, headers = await signed_in(client, Role.ADMIN)
    student = await create_user(client, full_name="Sami")
    response = await client.get(f"{API}/users/{student.id}", headers=headers)
    assert response.status == 200
    body = await response.json()
    assert (body["id"], body["email"], body["full_name"], body["role"]) == (
        str(student.id),
        student.email,
        "Sami",
        "student",
    )


@pytest.mark.parametrize("user_id", [str(uuid.uuid4()), "not-a-uuid", "42"])
async def test_admin_reading_an_unknown_or_malformed_id_is_404(client, user_id):
    _, headers = await signed_in(client, Role.ADMIN)
    response = await client.get(f"{API}/users/{user_id}", headers=headers)
    assert response.status == 404
    assert_error(await response.json(), "not_found")


# --- PATCH /users/{id} (admin) -------------------------------------------------------------


async def test_admin_changes_role_name_and_activation(client):
    _, headers = await signed_in(client, Role.ADMIN)
    student = await create_user(client)
    response = await client.patch(
        f"{API}/users/{student.id}",
        json={"role": "instructor", "full_name": "Now Teaching"},
        headers=headers,
    )
    assert response.status == 200
    body = await response.json()
    assert (body["role"], body["full_name"], body["is_active"]) == (
        "instructor",
        "Now Teaching",
        True,
    )
    stored = await row(student)
    assert (stored["role"], stored["full_name"]) == (Role.INSTRUCTOR, "Now Teaching")

    response = await client.patch(
        f"{API}/users/{student.id}", json={"is_active": False}, headers=headers
    )
    assert response.status == 200
    assert (await response.json())["is_active"] is False
    assert (await row(student))["is_active"] is False

    response = await client.patch(
        f"{API}/users/{student.id}", json={"is_active": True}, headers=headers
    )
    assert response.status == 200
    assert (await row(student))["is_active"] is True
    assert await login_status(client, student.email, DEFAULT_PASSWORD) == 200


async def test_a_role_change_applies_to_tokens_already_issued(client):
    _, root = await signed_in(client, Role.ADMIN)
    promoted, promoted_headers = await signed_in(client, Role.STUDENT)
    demoted, demoted_headers = await signed_in(client, Role.ADMIN)
    assert (await client.get(f"{API}/users", headers=promoted_headers)).status == 403
    assert (await client.get(f"{API}/users", headers=demoted_headers)).status == 200

    for user, role in ((promoted, "admin"), (demoted, "student")):
        response = await client.patch(f"{API}/users/{user.id}", json={"role": role}, headers=root)
        assert response.status == 200

    assert (await client.get(f"{API}/users", headers=promoted_headers)).status == 200
    refused = await client.get(f"{API}/users", headers=demoted_headers)
    assert refused.status == 403
    assert_error(await refused.json(), "forbidden")


async def test_deactivating_through_patch_ends_the_accounts_sessions(client):
    _, headers = await signed_in(client, Role.ADMIN)
    student, student_headers = await signed_in(client)
    response = await client.patch(
        f"{API}/users/{student.id}", json={"is_active": False}, headers=headers
    )
    assert response.status == 200
    assert (await client.get(f"{API}/users/me", headers=student_headers)).status == 401
    assert await login_status(client, student.email, DEFAULT_PASSWORD) == 401


@pytest.mark.parametrize(
    "change", [{"role": "instructor"}, {"role": "student"}, {"is_active": False}]
)
async def test_admin_cannot_demote_or_deactivate_themselves(client, change):
    admin, headers = await signed_in(client, Role.ADMIN)
    before = await row(admin)
    response = await client.patch(
        f"{API}/users/{admin.id}", json={**change, "full_name": "Changed"}, headers=headers
    )
    assert response.status == 409
    assert_error(await response.json(), "conflict")
    assert await row(admin) == before
    assert (await client.get(f"{API}/users", headers=headers)).status == 200


async def test_admin_may_rename_themselves_and_restate_their_role(client):
    admin, headers = await signed_in(client, Role.ADMIN)
    response = await client.patch(
        f"{API}/users/{admin.id}",
        json={"full_name": "Head Admin", "role": "admin", "is_active": True},
        headers=headers,
    )
    assert response.status == 200
    assert (await row(admin))["full_name"] == "Head Admin"


async def test_an_admin_may_demote_another_admin(client):
    _, headers = await signed_in(client, Role.ADMIN)
    other = await create_user(client, role=Role.ADMIN)
    response = await client.patch(
        f"{API}/users/{other.id}", json={"role": "instructor"}, headers=headers
    )
    assert response.status == 200
    assert (await row(other))["role"] == Role.INSTRUCTOR


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        ({"email": "new@example.org"}, ["email"]),
        ({"password": "a whole new password"}, ["password"]),
        ({"email_verified": True}, ["email_verified"]),
        ({"role": "root"}, ["role"]),
        ({"is_active": "sometimes"}, ["is_active"]),
        ({"full_name": ""}, ["full_name"]),
    ],
)
async def test_admin_update_refuses_unknown_or_bad_fields(client, change, fields):
    _, headers = await signed_in(client, Role.ADMIN)
    student = await create_user(client, email_verified_at=None)
    before = await row(student)
    response = await client.patch(
        f"{API}/users/{student.id}", json={"full_name": "X", **change}, headers=headers
    )
    assert response.status == 422
    assert_error(await response.json(), "invalid", fields)
    assert await row(student) == before


@pytest.mark.parametrize("user_id", [str(uuid.uuid4()), "not-a-uuid"])
async def test_admin_update_of_an_unknown_or_malformed_id_is_404(client, user_id):
    _, headers = await signed_in(client, Role.ADMIN)
    response = await client.patch(
        f"{API}/users/{user_id}", json={"full_name": "Ghost"}, headers=headers
    )
    assert response.status == 404
    assert_error(await response.json(), "not_found")


# --- DELETE /users/{id} (admin) ------------------------------------------------------------


async def test_delete_deactivates_and_the_accounts_tokens_stop_at_once(client):
    _, headers = await signed_in(client, Role.ADMIN)
    student = await create_user(client)
    tokens = await login(client, student.email)
    student_headers = bearer(tokens["access_token"])
    assert (await client.get(f"{API}/users/me", headers=student_headers)).status == 200

    response = await client.delete(f"{API}/users/{student.id}", headers=headers)
    assert response.status == 204
    assert await response.read() == b""

    refused = await client.get(f"{API}/users/me", headers=student_headers)
    assert refused.status == 401
    assert_error(await refused.json(), "unauthorized")
    refreshed = await client.post(
        f"{API}/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert refreshed.status == 401
    response = await client.post(
        f"{API}/auth/login", json={"email": student.email, "password": DEFAULT_PASSWORD}
    )
    assert response.status == 401
    assert_error(await response.json(), "unauthorized")
    # Deactivated, not deleted: the row stays, and an admin still sees it.
    assert (await row(student))["is_active"] is False
    shown = await client.get(f"{API}/users/{student.id}", headers=headers)
    assert shown.status == 200 and (await shown.json())["is_active"] is False


@pytest.mark.parametrize("user_id", [str(uuid.uuid4()), "not-a-uuid"])
async def test_delete_of_an_unknown_or_malformed_id_is_404(client, user_id):
    _, headers = await signed_in(client, Role.ADMIN)
    response = await client.delete(f"{API}/users/{user_id}", headers=headers)
    assert response.status == 404
    assert_error(await response.json(), "not_found")


async def test_admin_cannot_delete_themselves(client):
    admin, headers = await signed_in(client, Role.ADMIN)
    response = await client.delete(f"{API}/users/{admin.id}", headers=headers)
    assert response.status == 409
    assert_error(await response.json(), "conflict")
    assert (await row(admin))["is_active"] is True
    assert (await client.get(f"{API}/users/me", headers=headers)).status == 200


# --- emails are case-insensitive -----------------------------------------------------------


async def test_emails_are_unique_and_sign_in_in_any_case(client):
    registered = await client.post(
        f"{API}/auth/register",
        json={"email": "Mona@Example.ORG", "password": "a long secret", "full_name": "Mona"},
    )
    assert registered.status == 201
    assert (await registered.json())["user"]["email"] == "mona@example.org"

    again = await client.post(
        f"{API}/auth/register",
        json={"email": "mona@example.org", "password": "another secret", "full_name": "M2"},
    )
    assert again.status == 409
    assert_error(await again.json(), "conflict")
    assert await User.all().count() == 1

    for spelling in (
        "mona@example.org",
        "MONA@EXAMPLE.ORG",
        "Mona@Example.ORG",
        " mOnA@example.org",
    ):
        assert await login_status(client, spelling, "a long secret") == 200, spelling
    oauth = await client.post(
        f"{API}/auth/token",
        data={
            "grant_type": "password",
            "username": "MONA@example.org",
            "password": "a long secret",
        },
    )
    assert oauth.status == 200

    _, admin = await signed_in(client, Role.ADMIN)
    by_admin = await client.post(
        f"{API}/users",
        json={"email": "MONA@EXAMPLE.ORG", "password": "a fine password", "full_name": "M3"},
        headers=admin,
    )
    assert by_admin.status == 409
    found = await client.get(f"{API}/users?q=MONA@EXAMPLE", headers=admin)
    assert [item["email"] for item in (await found.json())["items"]] == ["mona@example.org"]
