"""Server-rendered pages."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web

import lms_rt

routes = web.RouteTableDef()


@routes.get("/", name="home")
@aiohttp_jinja2.template("home.html")
async def home(request: web.Request) -> dict[str, Any]:
    return {"version": lms_rt.__version__}
