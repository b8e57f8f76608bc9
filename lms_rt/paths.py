"""Where the package finds its templates and static files."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
# An installed (non-editable) package finds web/ through LMS_WEB_DIR, as the image sets it.
WEB_DIR = Path(os.environ.get("LMS_WEB_DIR") or PROJECT_DIR / "web")
TEMPLATES_DIR = WEB_DIR / "templates"
STATIC_DIR = WEB_DIR / "static"
MIGRATIONS_DIR = Path(os.environ.get("LMS_MIGRATIONS_DIR") or PROJECT_DIR / "migrations")
