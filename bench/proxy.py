"""nginx in front of the site, for `bench/run.py --proxy nginx`: the shipped deploy/nginx.conf,
adapted to loopback ports and a scratch directory, so that the deployed stack is what is measured.

The adaptation only moves things: the `listen` addresses to a loopback port, the upstream
servers to the benchmark's gunicorn instances, the cache, log and pid paths into the run's
working directory, the static root to this checkout's `static/`. TLS is left out (a redirect-only
server block is dropped, `ssl_*` directives removed): wrk speaks plain HTTP on loopback. Every
caching, compression and buffering directive is kept as shipped.
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

from bench.harness import ROOT, wait_until_serving

CONFIG = ROOT / "deploy" / "nginx.conf"


def unavailable() -> str | None:
    """Why the proxy cannot be measured here, or None."""
    if not CONFIG.exists():
        return f"{CONFIG.relative_to(ROOT)} is absent in this checkout: the nginx measurements are skipped"
    if not nginx_binary():
        return "nginx is not installed (apt-get install nginx-light): the nginx measurements are skipped"
    return None


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.path.exists(p)), None)


def _blocks(text: str, name: str) -> list[tuple[int, int]]:
    """(start, end) of each `name ... { ... }` block, braces balanced."""
    spans = []
    for match in re.finditer(rf"(?m)^\s*{name}\b[^{{;]*\{{", text):
        depth, index = 1, match.end()
        while depth and index < len(text):
            depth += {"{": 1, "}": -1}.get(text[index], 0)
            index += 1
        spans.append((match.start(), index))
    return spans


def adapt(text: str, port: int, upstreams: list[int], workdir: Path) -> str:
    """deploy/nginx.conf made to run on loopback in `workdir` (see the module docstring)."""
    for start, end in reversed(_blocks(text, "server")):
        block = text[start:end]
        if "proxy_pass" not in block and "location" not in block:
            text = text[:start] + text[end:]  # a redirect to https
    text = re.sub(r"(?m)^\s*listen\s+[^;]*;", f"    listen 127.0.0.1:{port};", text)
    text = re.sub(r"(?m)^(\s*listen 127\.0\.0\.1:\d+;\n)(\s*listen 127\.0\.0\.1:\d+;\n)+", r"\1", text)
    text = re.sub(r"(?m)^\s*(ssl_\w+|http2)\s[^;]*;\n?", "", text)
    servers = "".join(f"    server 127.0.0.1:{p};\n" for p in upstreams)
    upstream_blocks = _blocks(text, "upstream")
    for start, end in reversed(upstream_blocks):
        block = re.sub(r"(?m)^\s*server\s+[^;]*;\n?", "", text[start:end])
        opening = block.index("{") + 1
        text = text[:start] + block[:opening] + "\n" + servers + block[opening:] + text[end:]
    if not upstream_blocks:
        text = re.sub(r"proxy_pass\s+http://[^;/]+", f"proxy_pass http://127.0.0.1:{upstreams[0]}", text)
    cache = workdir / "nginx-cache"
    cache.mkdir(exist_ok=True)
    text = re.sub(r"proxy_cache_path\s+\S+", f"proxy_cache_path {cache}", text)
    text = re.sub(r"(?m)^(\s*)(access_log|error_log)\s+[^;]*;", rf"\1\2 {workdir}/nginx-\2.log;", text)
    text = re.sub(r"(?m)^\s*(pid|user)\s+[^;]*;\n?", "", text)
    static = ROOT / "static"
    text = re.sub(r"(?m)^(\s*)alias\s+\S*static/?;", rf"\1alias {static}/;", text)
    text = re.sub(r"(?m)^(\s*)root\s+\S+;", rf"\1root {ROOT};", text)
    if not re.search(r"(?m)^\s*http\s*\{", text):
        text = "http {\n    include /etc/nginx/mime.types;\n" + text + "\n}\n"
    if not re.search(r"(?m)^\s*events\s*\{", text):
        text = "events {}\n" + text
    head = f"pid {workdir}/nginx.pid;\nerror_log {workdir}/nginx-error.log;\n"
    if os.geteuid() == 0:
        head += "user root;\n"  # the workers read this checkout and write the scratch cache
    return head + text


class Nginx:
    def __init__(self, port: int, upstreams: list[int], workdir: Path):
        self.port = port
        self.workdir = workdir
        self.config = workdir / "nginx.conf"
        self.config.write_text(adapt(CONFIG.read_text(), port, upstreams, workdir))
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "Nginx":
        binary = nginx_binary()
        check = subprocess.run(
            [binary, "-t", "-q", "-p", str(self.workdir), "-c", str(self.config)],
            capture_output=True,
            text=True,
        )
        if check.returncode:
            raise RuntimeError(
                f"deploy/nginx.conf, adapted in {self.config}, is refused: {check.stderr.strip()}"
            )
        self.process = subprocess.Popen(
            [binary, "-p", str(self.workdir), "-c", str(self.config), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_until_serving(self.url + "/api/petitions/kleema", 30, self.process)
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
