"""Rendering a named mail template into subject, text and (optionally) HTML."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

from lms_rt.paths import TEMPLATES_DIR

EMAIL_DIR = TEMPLATES_DIR / "email"


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str | None


@lru_cache(maxsize=1)
def _environment(root: Path = EMAIL_DIR) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(root),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html",)),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def render_mail(template: str, context: dict[str, Any]) -> RenderedMail:
    env = _environment()
    subject = env.get_template(f"{template}.subject.txt").render(context).strip()
    text = env.get_template(f"{template}.txt").render(context)
    try:
        html: str | None = env.get_template(f"{template}.html").render(context)
    except jinja2.TemplateNotFound:
        html = None
    return RenderedMail(subject=" ".join(subject.split()), text=text, html=html)
