"""Set-up for the certificate tests: a course completed through the API, jobs run on demand,
and readers for what a PDF really contains.

Courses, users and enrollments come from the shared factories; lessons are completed over HTTP
as a student would. Nothing here hides an assertion a test relies on.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

import pypdf
from aiohttp.test_utils import TestClient
from fontTools.ttLib import TTFont

from lms_rt import keys
from lms_rt.certificates.models import Certificate
from lms_rt.certificates.tasks import issue_certificate
from lms_rt.enrollments.models import Enrollment
from lms_rt.jobs.queue import InlineJobQueue
from lms_rt.users.models import Role, User
from tests.factories import course_lessons, create_course, enroll, signed_in

API = "/api/v1"


@dataclass
class Completed:
    teacher: User
    teacher_headers: dict[str, str]
    course: Any
    student: User
    headers: dict[str, str]
    enrollment: Enrollment


async def complete_course(
    client: TestClient,
    *,
    student_name: str | None = None,
    course_title: str | None = None,
    teacher: tuple[User, dict[str, str]] | None = None,
    student: tuple[User, dict[str, str]] | None = None,
    lessons: int = 1,
) -> Completed:
    """A published course with ``lessons`` lessons, a student enrolled in it who completes
    every lesson over the API (the last one completes the enrollment)."""
    teacher_user, teacher_headers = teacher or await signed_in(
        client, Role.INSTRUCTOR, full_name="Dr. Ada Lovelace"
    )
    course = await create_course(client, teacher_user, lessons=lessons, title=course_title)
    student_user, headers = student or await signed_in(client, full_name=student_name)
    enrollment = await enroll(client, student_user, course)
    for lesson in await course_lessons(course):
        response = await client.post(
            f"{API}/enrollments/{enrollment.id}/lessons/{lesson.id}/complete", headers=headers
        )
        assert response.status == 200, await response.text()
    enrollment = await Enrollment.get(id=enrollment.id)
    assert enrollment.completed_at is not None
    return Completed(teacher_user, teacher_headers, course, student_user, headers, enrollment)


def job_context(client: TestClient) -> dict[str, Any]:
    return {"deps": client.app[keys.DEPS], "job_try": 1}


async def issue(client: TestClient, enrollment: Enrollment) -> Certificate:
    """Let the certificate job finish. Embedded: completion already queued it on the inline
    runner, so drain that. Services mode: these tests run no ARQ worker, so run the job."""
    jobs = client.app[keys.JOBS]
    if isinstance(jobs, InlineJobQueue):
        await jobs.drain()
    else:
        await issue_certificate(job_context(client), str(enrollment.id))
    return await Certificate.get(enrollment_id=enrollment.id)


class HeldJobs:
    """Keeps every enqueue instead of queueing it, so the test runs jobs itself and can count
    each enqueue (a deterministic job id would hide a duplicate from the queue)."""

    def __init__(self, client: TestClient, monkeypatch: Any) -> None:
        self.calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []
        jobs = client.app[keys.JOBS]

        async def hold(
            name: str, *args: Any, job_id: str | None = None, defer_by: float | None = None
        ) -> bool:
            jobs.spec(name)  # an unknown job still fails, as it would for real
            self.calls.append((name, args, {"job_id": job_id, "defer_by": defer_by}))
            return True

        monkeypatch.setattr(jobs, "enqueue", hold)

    def of(self, name: str) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
        return [(args, options) for job, args, options in self.calls if job == name]

    def mails(self, template: str) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
        """``send_email`` enqueues of one template (args: to, template, context, key)."""
        return [(args, options) for args, options in self.of("send_email") if args[1] == template]


async def bus_events(client: TestClient, channel: str, kind: str) -> list[dict[str, Any]]:
    """Every event of ``kind`` the bus still holds for ``channel``."""
    history = await client.app[keys.BUS].history(channel, 0)
    assert history is not None
    return [frame for frame in (event.decode() for event in history) if frame["type"] == kind]


async def error_of(response: Any) -> tuple[int, str]:
    body = await response.json()
    return response.status, body["error"]["code"]


# --- reading PDFs back ---------------------------------------------------------------------


def pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    return reader.pages[0].extract_text()


def pdf_links(data: bytes) -> list[str]:
    page = pypdf.PdfReader(io.BytesIO(data)).pages[0]
    links = []
    for annotation in page.get("/Annots") or []:
        action = annotation.get_object().get("/A")
        if action is not None and "/URI" in action:
            links.append(str(action["/URI"]))
    return links


def qr_cells(data: bytes, side_mm: float, modules: int) -> set[tuple[int, int]]:
    """The dark QR modules as drawn: filled squares one module high, as (row, column) from the
    symbol's top-left (its finder pattern is dark there, so the extremes anchor the grid)."""
    unit = side_mm / modules * 72 / 25.4  # PDF points
    page = pypdf.PdfReader(io.BytesIO(data)).pages[0]
    rects = [
        [float(v) for v in operands]
        for operands, operator in page.get_contents().operations
        if operator == b"re" and abs(abs(float(operands[3])) - unit) < 0.02
    ]
    left = min(x for x, _, _, _ in rects)
    top = max(y for _, y, _, _ in rects)
    cells = set()
    for x, y, width, _ in rects:
        row, column = round((top - y) / unit), round((x - left) / unit)
        cells.update((row, column + i) for i in range(round(width / unit)))
    return cells


_BFCHAR = re.compile(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")


def drawn_characters(data: bytes) -> dict[str, set[str]]:
    """Per embedded font: the characters it can show with a real outline.

    For each font on the page: its ToUnicode map (CID -> text), its CID -> glyph map and the
    embedded TrueType subset; a character counts when its glyph is not ``.notdef`` and has
    contours, i.e. the embedded font really has the glyph rather than a blank box.
    """
    page = pypdf.PdfReader(io.BytesIO(data)).pages[0]
    result: dict[str, set[str]] = {}
    for ref in page["/Resources"]["/Font"].values():
        font = ref.get_object()
        descendant = font["/DescendantFonts"][0].get_object()
        descriptor = descendant["/FontDescriptor"].get_object()
        embedded = TTFont(io.BytesIO(descriptor["/FontFile2"].get_object().get_data()))
        order = embedded.getGlyphOrder()
        glyf = embedded["glyf"]
        cid_map = descendant["/CIDToGIDMap"].get_object().get_data()
        to_unicode = font["/ToUnicode"].get_object().get_data().decode("latin-1")
        chars: set[str] = set()
        for cid_hex, text_hex in _BFCHAR.findall(to_unicode):
            cid = int(cid_hex, 16)
            gid = int.from_bytes(cid_map[2 * cid : 2 * cid + 2], "big")
            if gid == 0 or gid >= len(order) or glyf[order[gid]].numberOfContours == 0:
                continue
            chars.update(bytes.fromhex(text_hex).decode("utf-16-be"))
        result[str(font["/BaseFont"])] = chars
    return result
