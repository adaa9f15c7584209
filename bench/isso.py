"""Isso, the Python comment server, served the same way as the site, for a comparison in the same run.

Isso lives in its own virtualenv (bench/.isso-venv, not committed), created on first use with
`pip install isso gunicorn`. It is configured on loopback with moderation and its rate limit off
(as the site's are during the benchmark), and a thread of 50 comments is posted before measuring.
"""

import json
import subprocess
import sys
import urllib.request
from pathlib import Path

from bench import harness

VENV = Path(__file__).resolve().parent / ".isso-venv"
THREAD = "/petitions/kleema"


def ensure_installed() -> Path:
    python = VENV / "bin" / "python"
    if (
        not (VENV / "bin" / "gunicorn").exists()
        or subprocess.run([str(python), "-c", "import isso"], capture_output=True).returncode
    ):
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "isso", "gunicorn"], check=True)
    return VENV


def version() -> str:
    out = subprocess.run(
        [str(VENV / "bin" / "python"), "-c", "import importlib.metadata as m; print(m.version('isso'))"],
        capture_output=True,
        text=True,
    )
    return out.stdout.strip()


def server(workdir: Path, port: int, workers: int) -> harness.Server:
    config = workdir / "isso.cfg"
    config.write_text(
        f"""[general]
dbpath = {workdir / "isso.db"}
host = http://127.0.0.1:{port}/
notify = stdout
gravatar = false

[moderation]
enabled = false

[server]
listen = http://127.0.0.1:{port}/

[guard]
enabled = false
"""
    )
    env = {"ISSO_SETTINGS": str(config), "PATH": f"{VENV / 'bin'}:/usr/bin:/bin"}
    return harness.Server(
        app="isso.run",
        port=port,
        env=env,
        workers=workers,
        log=workdir / "isso.log",
        gunicorn=VENV / "bin" / "gunicorn",
    )


def post_comment(base: str, n: int) -> int:
    body = json.dumps(
        {"text": f"Commentaire {n} : ma famille est à Oujda.", "author": "Karim", "title": "KLEEMA"}
    )
    request = urllib.request.Request(
        f"{base}/new?uri={urllib.request.quote(THREAD, safe='')}",
        data=body.encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status


def thread_size(base: str) -> int:
    with urllib.request.urlopen(
        f"{base}/?uri={urllib.request.quote(THREAD, safe='')}", timeout=30
    ) as response:
        return json.loads(response.read())["total_replies"]
