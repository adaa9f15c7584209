"""The shipped deploy/nginx.conf, run on loopback ports with temporary paths (tests, benchmarks).

The production file is read and its placeholders replaced, never copied: what is tested is what
is deployed. nginx runs as a foreground process with its own prefix, pid, logs and cache.
"""

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "deploy" / "nginx.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
UPSTREAM = "server unix:/run/kleema/gunicorn.sock "

MAIN = """\
{user}
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{
    worker_connections 512;
}}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    access_log {prefix}/access.log;
    client_body_temp_path {prefix}/temp/body;
    proxy_temp_path {prefix}/temp/proxy;
    fastcgi_temp_path {prefix}/temp/fastcgi;
    uwsgi_temp_path {prefix}/temp/uwsgi;
    scgi_temp_path {prefix}/temp/scgi;
    include {site};
}}
"""


def available() -> bool:
    """Whether nginx is installed (Debian's package puts it in /usr/sbin)."""
    return Path(NGINX).is_file() and os.access(NGINX, os.X_OK)


def site_config(
    *,
    port: int,
    redirect_port: int,
    upstreams: Sequence[str],
    cache_dir: Path,
    access_log: Path,
    certificate: Path,
    key: Path,
) -> str:
    """deploy/nginx.conf with its placeholders replaced: HTTPS on 127.0.0.1:`port`, the HTTP
    redirect on `redirect_port`, one upstream server line per gunicorn in `upstreams`
    ("unix:/path.sock" or "127.0.0.1:8000"), each with the shipped line's parameters, the cache
    and the site's access log at the paths given.

    Raises ValueError when a placeholder is no longer written exactly once in the shipped file,
    or when `upstreams` is empty.
    """
    if not upstreams:
        raise ValueError("at least one upstream is needed")
    text = SHIPPED.read_text()
    replacements = {
        "    listen [::]:80;\n": "",
        "    listen [::]:443 ssl http2;\n": "",
        "listen 80;": f"listen 127.0.0.1:{redirect_port};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{port} ssl http2;",
        "ssl_certificate /etc/letsencrypt/live/petition.example.org/fullchain.pem;": (
            f"ssl_certificate {certificate};"
        ),
        "ssl_certificate_key /etc/letsencrypt/live/petition.example.org/privkey.pem;": (
            f"ssl_certificate_key {key};"
        ),
        "alias /srv/kleema/static/;": f"alias {ROOT / 'static'}/;",
        "proxy_cache_path /var/cache/nginx-kleema ": f"proxy_cache_path {cache_dir} ",
        "access_log /var/log/nginx/kleema.access.log ": f"access_log {access_log} ",
    }
    for placeholder, value in replacements.items():
        found = text.count(placeholder)
        if found != 1:
            raise ValueError(f"{SHIPPED} has {placeholder.strip()!r} {found} times, expected once")
        text = text.replace(placeholder, value)
    return _each_upstream(text, upstreams)


def _each_upstream(text: str, upstreams: Sequence[str]) -> str:
    """The shipped upstream server line written once per address in `upstreams`."""
    found = text.count(UPSTREAM)
    if found != 1:
        raise ValueError(f"{SHIPPED} has {UPSTREAM.strip()!r} {found} times, expected once")
    start = text.rindex("\n", 0, text.index(UPSTREAM)) + 1
    end = text.index("\n", start) + 1
    line = text[start:end]
    servers = "".join(line.replace(UPSTREAM, f"server {upstream} ") for upstream in upstreams)
    return text[:start] + servers + text[end:]


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, made by the openssl command; (certificate, key)."""
    certificate, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(certificate),
        ],
        check=True,
        capture_output=True,
    )
    return certificate, key


class Nginx:
    """nginx in the foreground under `prefix`, serving deploy/nginx.conf on 127.0.0.1:`port`.

    Use as a context manager, or call `start()` and `stop()`; `url` is https://127.0.0.1:<port>,
    `certificate` what a client should trust for it, `access_log` the site's access log,
    `conf` the main configuration file written. `upstreams` as in `site_config`.
    """

    def __init__(self, prefix: Path, *, port: int, redirect_port: int, upstreams: Sequence[str]):
        self.prefix = prefix
        self.port = port
        self.url = f"https://127.0.0.1:{port}"
        (prefix / "temp").mkdir(parents=True, exist_ok=True)
        self.certificate, key = self_signed_certificate(prefix)
        self.access_log = prefix / "kleema.access.log"
        site = prefix / "kleema.conf"
        site.write_text(
            site_config(
                port=port,
                redirect_port=redirect_port,
                upstreams=upstreams,
                cache_dir=prefix / "cache",
                access_log=self.access_log,
                certificate=self.certificate,
                key=key,
            )
        )
        # Run as root, nginx would hand its workers to "nobody", who cannot read a private tree.
        user = "user root;" if os.geteuid() == 0 else ""
        self.conf = prefix / "nginx.conf"
        self.conf.write_text(MAIN.format(user=user, prefix=prefix, site=site))
        self.process: subprocess.Popen | None = None

    def start(self) -> "Nginx":
        """Starts nginx and returns once it listens; raises RuntimeError if it stops or never listens."""
        self.process = subprocess.Popen(
            [NGINX, "-p", str(self.prefix), "-c", str(self.conf), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx stopped: {self.process.stderr.read().decode()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("nginx did not start listening")

    def stop(self) -> None:
        """Stops nginx (TERM, then KILL after 10 s); does nothing if it is not running."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stderr.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False
