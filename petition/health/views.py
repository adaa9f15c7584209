from flask import Blueprint, jsonify

from petition.extensions import limiter
from petition.health import service

bp = Blueprint("health", __name__)
# Probes come every few seconds from the same address; a limit would turn them into outages.
limiter.exempt(bp)


def _answer(body: dict, status: int):
    response = jsonify(body)
    response.status_code = status
    # Every probe must reach this process: no cache on the way may answer for it.
    response.cache_control.no_store = True
    return response


@bp.get("/healthz")
def healthz():
    """The process answers; nothing else is tried, so a database outage never restarts workers."""
    return _answer({"status": "ok"}, 200)


@bp.get("/readyz")
def readyz():
    """200 when every configured part answers, else 503 naming the parts that failed."""
    checks = service.readiness()
    failed = sorted(name for name, result in checks.items() if result != "ok")
    if failed:
        return _answer({"status": "unavailable", "failed": failed, "checks": checks}, 503)
    return _answer({"status": "ok", "checks": checks}, 200)
