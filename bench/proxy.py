"""nginx in front of the site, for `bench/run.py --proxy nginx`: deploy/loopback.py runs the
shipped deploy/nginx.conf, as the deploy tests do, with the benchmark's gunicorn instances as
its upstream servers, so that the deployed stack is what is measured.

It speaks HTTPS with a self-signed certificate, as deployed; wrk does not check certificates and
keeps its connections open, so a handshake is paid once per connection, not per request.
"""

from collections import Counter
from pathlib import Path

from bench import harness
from deploy import loopback


def unavailable() -> str | None:
    """Why the proxy cannot be measured here, or None."""
    if loopback.available():
        return None
    return "nginx is not installed (apt-get install nginx-light): the nginx measurements are skipped"


def start(workdir: Path, upstream_ports: list[int]) -> loopback.Nginx:
    """nginx listening on a port of the benchmark's range, in front of gunicorn on 127.0.0.1 at
    each of `upstream_ports`; its files under `workdir`/nginx.

    Raises ValueError when deploy/nginx.conf has lost a placeholder, RuntimeError when nginx
    refuses the result or does not listen.
    """
    return loopback.Nginx(
        workdir / "nginx",
        port=harness.free_port(),
        redirect_port=harness.free_port(),
        upstreams=[f"127.0.0.1:{port}" for port in upstream_ports],
    ).start()


def cache_statuses(nginx: loopback.Nginx, path: str) -> Counter[str]:
    """How nginx answered each GET of `path` so far, from the site's access log (its `kleema`
    format ends with $upstream_cache_status): e.g. {"HIT": 51234, "UPDATING": 40, "MISS": 1}.
    """
    statuses: Counter[str] = Counter()
    if not nginx.access_log.exists():
        return statuses
    for line in nginx.access_log.read_text().splitlines():
        parts = line.split('"')
        if len(parts) > 2 and parts[1].split()[:2] == ["GET", path]:
            statuses[parts[2].split()[-1]] += 1
    return statuses
