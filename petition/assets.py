"""Static files under addresses that change with their content, so that they can be kept a year.

`url_for("static", filename=…)` adds `?v=<first 10 hex digits of the file's SHA-256>`; an answer
to a request carrying `v` says `Cache-Control: public, max-age=31536000, immutable`. A new
version of a file gets a new address, so no browser or proxy ever keeps a stale one. nginx serves
the same addresses in production (deploy/nginx.conf) with the same header.
"""

import hashlib
from pathlib import Path

from flask import Flask, request

IMMUTABLE = "public, max-age=31536000, immutable"
VERSION_LENGTH = 10


def file_versions(folder: str | Path) -> dict[str, str]:
    """{path under `folder` with "/" separators: first 10 hex digits of its SHA-256}, every file."""
    root = Path(folder)
    if not root.is_dir():
        return {}
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()[:VERSION_LENGTH]
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def init_app(app: Flask) -> None:
    # Hashed once at start-up: the files change only with a deploy, which restarts the processes.
    versions = file_versions(app.static_folder)

    @app.url_defaults
    def add_static_version(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "v" not in values:
            version = versions.get(values.get("filename", ""))
            if version:
                values["v"] = version

    @app.after_request
    def cache_versioned_static(response):
        if request.endpoint == "static" and "v" in request.args and response.status_code in (200, 304):
            response.headers["Cache-Control"] = IMMUTABLE
        return response
