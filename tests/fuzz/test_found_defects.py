"""What the fuzzers found, each pinned by a plain example so it cannot come back unnoticed."""

from __future__ import annotations

import re

from lms_rt.files.models import StoredFile
from tests.factories import signed_in
from tests.harness.myfatoorah_standin import MyFatoorahStandIn

API = "/api/v1"


async def _document(client) -> dict:
    response = await client.get(f"{API}/openapi.json")
    assert response.status == 200
    return await response.json()


def _schema(document: dict, ref: dict) -> dict:
    return document["components"]["schemas"][ref["$ref"].rsplit("/", 1)[-1]]


async def test_a_multipart_body_with_only_a_closing_boundary_is_a_400(client):
    _, headers = await signed_in(client)
    response = await client.post(
        f"{API}/files/upload",
        data=b"--XyZ\r\n--XyZ--\r\n",
        headers={**headers, "Content-Type": "multipart/form-data; boundary=XyZ"},
    )
    assert response.status == 400, await response.text()
    assert (await response.json())["error"]["code"] == "bad_request"
    assert await StoredFile.all().count() == 0


async def test_an_unconfigured_myfatoorah_is_never_called(make_client):
    async with MyFatoorahStandIn(api_key="mf_test_token") as standin:
        client = await make_client(myfatoorah_api_key="", myfatoorah_base_url=standin.url)
        response = await client.get(f"{API}/payments/myfatoorah/callback?paymentId=1")
        assert response.status == 503, await response.text()
        assert standin.requests == []


async def test_same_named_models_of_two_domains_keep_their_own_schemas(client):
    document = await _document(client)
    sessions = document["paths"][f"{API}/auth/sessions"]["get"]["responses"]["200"]
    auth_session = _schema(document, sessions["content"]["application/json"]["schema"]["items"])
    live = document["paths"][f"{API}/live/sessions/{{session_id}}"]["get"]["responses"]["200"]
    live_state = _schema(document, live["content"]["application/json"]["schema"])
    live_session = _schema(document, live_state["properties"]["session"])
    assert "current" in auth_session["properties"] and "join_code" not in auth_session["properties"]
    assert "join_code" in live_session["properties"] and "current" not in live_session["properties"]


async def test_csv_downloads_are_documented(client):
    document = await _document(client)
    for path in (f"{API}/audit", f"{API}/quizzes/{{quiz_id}}/attempts"):
        content = document["paths"][path]["get"]["responses"]["200"]["content"]
        assert set(content) == {"application/json", "text/csv"}, path


async def test_dict_keys_are_constrained_as_the_validator_constrains_them(client):
    document = await _document(client)
    body = document["paths"][f"{API}/submissions/{{submission_id}}/grade"]["post"]
    grade = _schema(document, body["requestBody"]["content"]["application/json"]["schema"])
    scores = next(s for s in grade["properties"]["rubric_scores"]["anyOf"] if "type" in s)
    assert scores["type"] == "object" and "patternProperties" not in scores
    assert scores["propertyNames"]["pattern"] == "^[A-Za-z0-9_-]+$"
    assert scores["additionalProperties"]["type"] == "number"


async def test_stripped_strings_document_that_blank_is_too_short(client):
    document = await _document(client)
    body = document["paths"][f"{API}/auth/refresh"]["post"]
    refresh = _schema(document, body["requestBody"]["content"]["application/json"]["schema"])
    pattern = re.compile(refresh["properties"]["refresh_token"]["pattern"])
    assert not pattern.search(" \t\x85\u3000")
    assert pattern.search(" token ")
    response = await client.post(f"{API}/auth/refresh", json={"refresh_token": " \x85 "})
    assert response.status == 422


async def test_public_sign_in_operations_document_their_401(client):
    document = await _document(client)
    for path in ("login", "token", "refresh", "mfa/verify"):
        assert "401" in document["paths"][f"{API}/auth/{path}"]["post"]["responses"], path
    response = await client.post(f"{API}/auth/refresh", json={"refresh_token": "not-a-token"})
    assert response.status == 401
