"""The ZIP of every student's newest submission, built by the job: on the in-process runner
when embedded, by a real ``lms-rt worker`` process in services mode. The ZIP is opened and
every entry checked; re-running the job makes no second file."""

from __future__ import annotations

import asyncio
import io
import time
import zipfile

import pytest

from lms_rt import keys
from lms_rt.assignments.models import ArchiveStatus, SubmissionArchive
from lms_rt.assignments.tasks import build_submission_archive
from lms_rt.files.models import FilePurpose, StoredFile
from tests.assignments.helpers import (
    API,
    assignment_course,
    enrolled,
    return_for_resubmission,
    submitted,
    upload_for,
)
from tests.conftest import EMBEDDED
from tests.files.helpers import download, pdf, text
from tests.harness.workers import WorkerProcess, worker_env
from tests.quizzes.helpers import socket


async def _class_with_work(client):
    """Three students: one resubmitted (only the newest counts), one with awkward file names,
    one with a link only; a fourth handed nothing in."""
    setup = await assignment_course(client)
    ada, ada_headers = await enrolled(client, setup, full_name="Ada Lovelace")
    bob, bob_headers = await enrolled(client, setup, full_name="../Bob\u202etxt.exe")
    cy, cy_headers = await enrolled(client, setup, full_name="Cy")
    await enrolled(client, setup, full_name="Dee")
    old = await upload_for(client, setup, ada_headers, pdf(), "draft.pdf")
    first = await submitted(client, setup, ada_headers, body="First try", file_ids=[old["id"]])
    await return_for_resubmission(client, first["id"], setup.teacher_headers)
    essay_bytes = pdf(3000)
    essay = await upload_for(client, setup, ada_headers, essay_bytes, "essay.pdf")
    await submitted(client, setup, ada_headers, body="Final answer\n", file_ids=[essay["id"]])
    notes_a, notes_b = text(500), text(700)
    one = await upload_for(client, setup, bob_headers, notes_a, "../../etc/notes.txt")
    two = await upload_for(client, setup, bob_headers, notes_b, "notes.txt")
    await submitted(client, setup, bob_headers, body="", file_ids=[one["id"], two["id"]])
    await submitted(client, setup, cy_headers, body="", url="https://example.org/cy")
    folders = {
        "ada": f"Ada Lovelace {str(ada.id)[:8]}",
        # Separators and the right-to-left override are gone; leading dots too.
        "bob": f"_Bobtxt.exe {str(bob.id)[:8]}",
        "cy": f"Cy {str(cy.id)[:8]}",
    }
    expected = {
        f"{folders['ada']}/essay.pdf": essay_bytes,
        f"{folders['ada']}/submission.txt": b"Final answer\n",
        f"{folders['bob']}/notes.txt": notes_a,
        f"{folders['bob']}/notes (2).txt": notes_b,
        f"{folders['cy']}/link.txt": b"https://example.org/cy\n",
    }
    return setup, expected


async def _request(client, setup) -> dict:
    response = await client.post(
        f"{API}/assignments/{setup.assignment['id']}/submissions/archive",
        headers=setup.teacher_headers,
    )
    assert response.status == 202, await response.text()
    archive = await response.json()
    assert archive["status"] == "pending" and archive["download_url"] is None
    return archive


async def _wait_ready(client, setup, archive_id: str, seconds: float = 30) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        response = await client.get(
            f"{API}/submission-archives/{archive_id}", headers=setup.teacher_headers
        )
        shown = await response.json()
        if shown["status"] != "pending":
            return shown
        await asyncio.sleep(0.2)
    raise AssertionError("the archive never left pending")


async def _check_zip(client, setup, shown: dict, expected: dict[str, bytes]) -> None:
    assert shown["status"] == "ready", shown
    assert shown["file_count"] == len(expected) and shown["error"] == ""
    status, headers, body = await download(client, shown["file_id"], setup.teacher_headers)
    assert status == 200 and headers["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
        assert sorted(names) == sorted(expected)
        for name, data in expected.items():
            assert archive.read(name) == data, name
    for name in names:
        assert not name.startswith("/") and ".." not in name.split("/")
        assert "\u202e" not in name


@pytest.mark.skipif(not EMBEDDED, reason="the in-process runner; services mode runs a worker")
async def test_the_inline_job_zips_each_students_newest_submission(client):
    setup, expected = await _class_with_work(client)
    ws = await socket(client, setup.teacher_headers, f"user:{setup.teacher.id}")
    archive = await _request(client, setup)
    await client.app[keys.JOBS].drain()
    shown = await _wait_ready(client, setup, archive["id"])
    await _check_zip(client, setup, shown, expected)
    ready = await ws.expect("event")
    while ready["type"] != "submission_archive.ready":
        ready = await ws.expect("event")
    assert ready["data"]["archive_id"] == archive["id"]
    assert ready["data"]["download_url"] == shown["download_url"]
    await ws.close()
    await _rerun_makes_no_second_file(client, setup, archive["id"], expected)


@pytest.mark.services
async def test_a_real_worker_builds_the_zip(client, tmp_path):
    settings = client.app[keys.SETTINGS]
    setup, expected = await _class_with_work(client)
    ws = await socket(client, setup.teacher_headers, f"user:{setup.teacher.id}")
    archive = await _request(client, setup)
    worker = WorkerProcess(worker_env(settings), tmp_path)
    worker.start("default")
    try:
        shown = await _wait_ready(client, setup, archive["id"])
    except AssertionError:
        raise AssertionError(worker.log()) from None
    finally:
        await worker.stop()
    await _check_zip(client, setup, shown, expected)
    ready = await ws.expect("event")
    while ready["type"] != "submission_archive.ready":
        ready = await ws.expect("event")
    assert ready["data"]["archive_id"] == archive["id"]
    await ws.close()
    await _rerun_makes_no_second_file(client, setup, archive["id"], expected)


async def _rerun_makes_no_second_file(client, setup, archive_id: str, expected) -> None:
    """Run again as it is, and again as if a run had died after storing and recording the file
    but before marking the archive ready: one file, one object, still the same ZIP."""
    ctx = {"deps": client.app[keys.DEPS], "job_try": 1}
    assert await build_submission_archive(ctx, archive_id) == "ready"
    await SubmissionArchive.filter(id=archive_id).update(status=ArchiveStatus.PENDING, file_id=None)
    assert await build_submission_archive(ctx, archive_id) == "ready"
    files = await StoredFile.filter(purpose=FilePurpose.SUBMISSION_ARCHIVE)
    assert len(files) == 1 and files[0].owner_id == setup.teacher.id
    assert files[0].course_id == setup.course.id
    shown = await _wait_ready(client, setup, archive_id)
    assert shown["file_id"] == str(files[0].id)
    await _check_zip(client, setup, shown, expected)


async def test_the_archive_is_for_the_course_staff_only(client):
    setup, _ = await _class_with_work(client)
    _, student_headers = await enrolled(client, setup)
    archive = await _request(client, setup)
    ctx = {"deps": client.app[keys.DEPS], "job_try": 1}
    await build_submission_archive(ctx, archive["id"])
    shown = await _wait_ready(client, setup, archive["id"])
    response = await client.get(f"{API}/files/{shown['file_id']}", headers=student_headers)
    assert response.status == 404
    response = await client.get(
        f"{API}/submission-archives/{archive['id']}", headers=student_headers
    )
    assert response.status == 403
