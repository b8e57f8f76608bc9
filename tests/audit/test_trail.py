"""Each consequential action writes exactly one audit event in its own transaction; the
trail cannot be rewritten, and only admins read it."""

from __future__ import annotations

import csv
import io

import pytest

from lms_rt.audit.models import AuditEvent
from lms_rt.users.models import Role
from tests.assignments.helpers import assignment_course, enrolled, graded, submitted
from tests.certificates.helpers import complete_course, issue
from tests.factories import create_course, enroll, signed_in
from tests.quizzes.helpers import course_with_staff, create_quiz, save, single, start, student_in
from tests.quizzes.helpers import submit as submit_attempt

API = "/api/v1"


async def trail(action: str) -> list[AuditEvent]:
    return await AuditEvent.filter(action=action).order_by("created_at")


async def test_role_changes_and_deactivations(client):
    admin, admin_headers = await signed_in(client, Role.ADMIN)
    target, _ = await signed_in(client)
    _, student_headers = await signed_in(client)
    url = f"{API}/users/{target.id}"
    response = await client.patch(url, json={"role": "instructor"}, headers=student_headers)
    assert response.status == 403
    response = await client.patch(url, json={"role": "instructor"}, headers=admin_headers)
    assert response.status == 200
    await client.patch(url, json={"role": "instructor"}, headers=admin_headers)  # no change
    [event] = await trail("user.role_changed")
    assert (event.actor_id, event.target_type, event.target_id) == (
        admin.id,
        "user",
        str(target.id),
    )
    assert event.summary == {"before": {"role": "student"}, "after": {"role": "instructor"}}
    assert event.request_id == response.headers["X-Request-ID"] and event.ip == "127.0.0.1"

    assert (await client.delete(url, headers=admin_headers)).status == 204
    [event] = await trail("user.deactivated")
    assert event.summary["after"] == {"is_active": False} and event.actor_id == admin.id


async def test_certificate_revocation(client):
    done = await complete_course(client)
    certificate = await issue(client, done.enrollment)
    admin, admin_headers = await signed_in(client, Role.ADMIN)
    url = f"{API}/certificates/{certificate.id}/revoke"
    assert (
        await client.post(url, json={"reason": "Plagiarism"}, headers=admin_headers)
    ).status == 200
    assert (await client.post(url, json={"reason": "again"}, headers=admin_headers)).status == 409
    [event] = await trail("certificate.revoked")
    assert event.reason == "Plagiarism" and event.actor_id == admin.id
    assert event.target_id == str(certificate.id)


async def test_course_archiving_and_deletion(client):
    teacher, headers = await signed_in(client, Role.INSTRUCTOR)
    empty = await create_course(client, teacher, title="Unused")
    taught = await create_course(client, teacher, title="Taught")
    await enroll(client, (await signed_in(client))[0], taught)
    assert (await client.delete(f"{API}/courses/{empty.id}", headers=headers)).status == 204
    for _ in range(2):  # archiving twice records it once
        await client.delete(f"{API}/courses/{taught.id}", headers=headers)
    [deleted] = await trail("course.deleted")
    assert deleted.summary["before"]["title"] == "Unused" and deleted.actor_id == teacher.id
    [archived] = await trail("course.archived")
    assert archived.target_id == str(taught.id)


async def test_accommodations_and_regrades(client):
    teacher, staff, course = await course_with_staff(client)
    quiz, [question] = await create_quiz(client, staff, course, [single(correct="a")])
    student, headers, _ = await student_in(client, course)
    response = await client.put(
        f"{API}/quizzes/{quiz['id']}/accommodations/{student.id}",
        json={"extra_minutes": 15},
        headers=staff,
    )
    assert response.status == 204, await response.text()
    [event] = await trail("quiz.accommodation_set")
    assert event.summary.get("before") is None
    assert event.summary["after"]["extra_minutes"] == 15 and event.actor_id == teacher.id

    attempt = await start(client, quiz, headers)
    await save(client, attempt["id"], headers, (question["id"], "b"))
    await submit_attempt(client, attempt["id"], headers)
    response = await client.post(
        f"{API}/quizzes/{quiz['id']}/regrade",
        json={"questions": [{"question_id": question["id"], "answer_key": {"correct": "b"}}]},
        headers=staff,
    )
    assert response.status == 200
    [event] = await trail("quiz.regraded")
    assert event.summary["after"]["scores_changed"] == 1


async def test_submission_regrades_and_gradebook_overrides(client):
    setup = await assignment_course(client)
    student, headers = await enrolled(client, setup)
    submission = await submitted(client, setup, headers)
    await graded(client, submission["id"], setup.teacher_headers, raw_score=60)
    assert await trail("submission.regraded") == []  # a first grade is not a regrade
    await graded(client, submission["id"], setup.teacher_headers, raw_score=75)
    [event] = await trail("submission.regraded")
    assert event.summary == {
        "before": {"raw_score": 60, "score": 60},
        "after": {"raw_score": 75, "score": 75},
    }

    url = f"{API}/courses/{setup.course.id}/gradebook/overrides"
    body = {"student_id": str(student.id), "item": "final", "percentage": 88, "reason": "Viva"}
    assert (await client.put(url, json=body, headers=headers)).status in (403, 404)
    assert (await client.put(url, json=body, headers=setup.teacher_headers)).status == 200
    lift = {**body, "percentage": None, "reason": "Viva retaken"}
    assert (await client.put(url, json=lift, headers=setup.teacher_headers)).status == 200
    [overridden] = await trail("grade.overridden")
    assert overridden.reason == "Viva" and overridden.summary["after"]["percentage"] == 88
    [lifted] = await trail("grade.override_lifted")
    assert lifted.summary["before"] == {"percentage": 88}


async def test_erasure_by_an_admin(client):
    admin, admin_headers = await signed_in(client, Role.ADMIN)
    student, _ = await signed_in(client)
    response = await client.post(
        f"{API}/users/{student.id}/erase", json={"reason": "Court order"}, headers=admin_headers
    )
    assert response.status == 200
    [event] = await trail("user.erased")
    assert (event.actor_id, event.reason) == (admin.id, "Court order")


async def test_the_trail_cannot_be_rewritten(client):
    _, admin_headers = await signed_in(client, Role.ADMIN)
    target, _ = await signed_in(client)
    await client.patch(
        f"{API}/users/{target.id}", json={"role": "instructor"}, headers=admin_headers
    )
    # Tortoise passes the database's own error through (asyncpg's or sqlite's).
    with pytest.raises(Exception, match="append-only"):
        await AuditEvent.filter(action="user.role_changed").update(reason="nothing happened")
    assert (await AuditEvent.get(action="user.role_changed")).reason == ""


async def test_only_admins_read_the_trail_with_filters_and_csv(client):
    admin, admin_headers = await signed_in(client, Role.ADMIN)
    _, teacher_headers = await signed_in(client, Role.INSTRUCTOR)
    _, student_headers = await signed_in(client)
    targets = [(await signed_in(client))[0] for _ in range(3)]
    for target in targets:
        await client.patch(
            f"{API}/users/{target.id}", json={"role": "instructor"}, headers=admin_headers
        )
    await client.delete(f"{API}/users/{targets[0].id}", headers=admin_headers)
    for headers in (teacher_headers, student_headers):
        assert (await client.get(f"{API}/audit", headers=headers)).status == 403
    assert (await client.get(f"{API}/audit")).status == 401

    page = await (
        await client.get(f"{API}/audit?action=user.role_changed&limit=2", headers=admin_headers)
    ).json()
    assert page["total"] == 3 and len(page["items"]) == 2
    page = await (
        await client.get(
            f"{API}/audit?target_type=user&target_id={targets[0].id}", headers=admin_headers
        )
    ).json()
    assert [e["action"] for e in page["items"]] == ["user.deactivated", "user.role_changed"]
    response = await client.get(f"{API}/audit?limit=0", headers=admin_headers)
    assert response.status == 422

    done = await complete_course(client)
    certificate = await issue(client, done.enrollment)
    await client.post(
        f"{API}/certificates/{certificate.id}/revoke",
        json={"reason": '=HYPERLINK("http://evil")'},
        headers=admin_headers,
    )
    response = await client.get(f"{API}/audit?format=csv", headers=admin_headers)
    assert response.status == 200 and response.content_type == "text/csv"
    rows = list(csv.DictReader(io.StringIO(await response.text())))
    assert len(rows) == 5
    [revoked] = [r for r in rows if r["action"] == "certificate.revoked"]
    assert revoked["reason"].startswith("'=") and revoked["actor_id"] == str(admin.id)
