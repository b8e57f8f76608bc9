"""Upload bodies that are not well-formed multipart get 400, never a server error."""

from __future__ import annotations

import pytest

from lms_rt.files.models import StoredFile
from tests.factories import signed_in

BOUNDARY = "XyZ"


@pytest.mark.parametrize(
    "body",
    [
        b"hello",  # no starting boundary
        b'--XyZ\r\nContent-Disposition: form-data; name="purpose"\r\n\r\navatar',  # cut short
        b"--other\r\n\r\n--other--\r\n",  # a different boundary
        b'--XyZ\r\nContent-Disposition: form-data; name="purpose"\r\n\r\navatar\r\n--XyZ\r\n'
        b'Content-Disposition: form-data; name="file"; filename="a.png"\r\n\r\n\x89PNG',
    ],
)
async def test_malformed_multipart_is_a_client_error(client, body):
    _, headers = await signed_in(client)
    response = await client.post(
        "/api/v1/files/upload",
        data=body,
        headers={**headers, "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
    )
    assert 400 <= response.status < 500, await response.text()
    assert "error" in await response.json()
    assert await StoredFile.all().count() == 0
