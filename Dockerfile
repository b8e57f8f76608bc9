# syntax=docker/dockerfile:1

# --- builder: resolve and install the package and its dependencies into a relocatable venv ---
FROM python:3.11-slim AS builder

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

# The venv lives at the same path in both stages, so its scripts' shebangs stay valid.
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

WORKDIR /src
# pyproject names README.md as the long description, so the build needs it.
COPY pyproject.toml README.md ./
COPY lms_rt/ ./lms_rt/
# A regular (non-editable) install: the runtime image carries no source tree besides web/ and
# migrations/, which it reads from the paths set below.
RUN pip install --upgrade pip \
    && pip install . \
    && pip check

# --- runtime ---
FROM python:3.11-slim

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    LMS_HOST=0.0.0.0 \
    LMS_DATA_DIR=/app/var \
    LMS_WEB_DIR=/app/web \
    LMS_MIGRATIONS_DIR=/app/migrations

RUN groupadd --system lms \
    && useradd --system --gid lms --home-dir /app --no-create-home --shell /usr/sbin/nologin lms

WORKDIR /app
COPY --from=builder /opt/venv /opt/venv
COPY pyproject.toml ./
COPY web/ ./web/
COPY migrations/ ./migrations/
# A named volume mounted here starts as a copy of this folder, ownership included, so the
# non-root user can write uploads and the mail outbox into a fresh volume.
RUN mkdir -p /app/var && chown lms:lms /app/var

USER lms

EXPOSE 8080

# slim has no curl; the interpreter is already there. urlopen raises on any non-2xx answer.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/health', timeout=4)"]

CMD ["lms-rt", "serve", "--host", "0.0.0.0", "--port", "8080"]
