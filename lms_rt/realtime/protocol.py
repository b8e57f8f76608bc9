"""Websocket protocol v1: frames (JSON text) and close codes.

Client → server: ``auth``, ``sub``, ``unsub``, ``call``, ``ping``.
Server → client: ``event``, ``ack``, ``reset``, ``reply``, ``error``, ``pong``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

# Close codes (4xxx mirror the HTTP status they resemble).
CLOSE_GOING_AWAY = 1001
CLOSE_UNSUPPORTED = 1003
CLOSE_TOO_BIG = 1009
CLOSE_UNAUTHORIZED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_AUTH_TIMEOUT = 4408
CLOSE_TOO_SLOW = 4429

CHANNEL_PATTERN = r"^[a-z]+:[A-Za-z0-9_-]{1,64}(:[a-z]+)?$"
Channel = Annotated[str, Field(pattern=CHANNEL_PATTERN, max_length=100)]
FrameId = Annotated[int, Field(ge=0, le=2**53)]


class _Frame(BaseModel):
    # Strict: "7" is not an id and true is not a number.
    model_config = ConfigDict(extra="forbid", strict=True)


class Auth(_Frame):
    op: Literal["auth"]
    token: str = Field(min_length=1, max_length=4096)


class Sub(_Frame):
    op: Literal["sub"]
    id: FrameId
    channel: Channel
    since: int | None = Field(default=None, ge=0)
    epoch: str | None = Field(default=None, max_length=64)


class Unsub(_Frame):
    op: Literal["unsub"]
    id: FrameId
    channel: Channel


class Call(_Frame):
    op: Literal["call"]
    id: FrameId
    method: str = Field(min_length=1, max_length=64)
    params: dict[str, Any] = Field(default_factory=dict)


class Ping(_Frame):
    op: Literal["ping"]


ClientFrame = Annotated[Auth | Sub | Unsub | Call | Ping, Field(discriminator="op")]
_client_frame: TypeAdapter[Auth | Sub | Unsub | Call | Ping] = TypeAdapter(ClientFrame)


class BadFrame(Exception):
    """Unparseable or unknown frame; answered with an error frame, the socket stays open."""

    def __init__(self, message: str, frame_id: int | None = None) -> None:
        super().__init__(message)
        self.frame_id = frame_id


def parse_client_frame(text: str) -> Auth | Sub | Unsub | Call | Ping:
    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise BadFrame("malformed JSON") from exc
    if not isinstance(data, dict):
        raise BadFrame("a frame is a JSON object")
    raw_id = data.get("id")
    frame_id = raw_id if isinstance(raw_id, int) and not isinstance(raw_id, bool) else None
    try:
        return _client_frame.validate_python(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"])
        raise BadFrame(f"{where}: {first['msg']}" if where else first["msg"], frame_id) from exc


def encode(frame: dict[str, Any]) -> bytes:
    return orjson.dumps(frame)


def ack(frame_id: int, seq: int, epoch: str) -> bytes:
    return encode({"op": "ack", "id": frame_id, "seq": seq, "epoch": epoch})


def reset(channel: str) -> bytes:
    return encode({"op": "reset", "channel": channel})


def error(code: str, message: str, frame_id: int | None = None, status: int | None = None) -> bytes:
    frame: dict[str, Any] = {"op": "error", "code": code, "message": message}
    if frame_id is not None:
        frame["id"] = frame_id
    if status is not None:
        frame["status"] = status
    return encode(frame)


def revoked(channel: str) -> bytes:
    """A subscription the server ended because the caller may no longer follow the channel."""
    return encode(
        {
            "op": "error",
            "code": "forbidden",
            "status": CLOSE_FORBIDDEN,
            "channel": channel,
            "message": f"you may no longer follow {channel}",
        }
    )


def reply(frame_id: int, result: Any) -> bytes:
    return encode({"op": "reply", "id": frame_id, "result": result})


def reply_error(
    frame_id: int, code: str, message: str, details: list[dict[str, Any]] | None = None
) -> bytes:
    error: dict[str, Any] = {"code": code, "message": message}
    if details:
        error["details"] = details
    return encode({"op": "reply", "id": frame_id, "error": error})


def pong(server_ms: int) -> bytes:
    return encode({"op": "pong", "t": server_ms})
