"""`/transparency`: how the count can be checked, the log, the checkpoints, the receipt form."""

import json

from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_limiter.errors import RateLimitExceeded
from flask_wtf import FlaskForm

from petition.core.network import rate_limit_key
from petition.database import parse_page
from petition.extensions import limiter
from petition.security import private_page
from petition.transparency import service

bp = Blueprint("transparency", __name__, url_prefix="/transparency")

# Seconds a page that may still grow (the last page of the log, the latest checkpoint) is kept.
GROWING_SECONDS = 10
FINAL_SECONDS = 31536000

bp.add_app_template_global(service.receipt_of, "receipt_of")
bp.add_app_template_global(service.status, "transparency_status")


def _checkpoint_limit() -> str:
    return current_app.config["RATELIMIT_CHECKPOINT"]


def _page(**extra):
    latest = service.latest_checkpoint()
    return render_template(
        "transparency/index.html",
        checkpoint=latest,
        public_key=service.public_key(),
        page_size=service.PAGE_SIZE,
        form=FlaskForm(),
        **extra,
    )


@bp.get("")
def index():
    return _page(asked=request.args.get("asked") == "1")


@bp.errorhandler(RateLimitExceeded)
def too_many(error):
    return _page(notice=_("Un point de contrôle vient d'être demandé. Réessayez dans une minute.")), 429


@bp.post("/checkpoint")
@limiter.limit(_checkpoint_limit, key_func=rate_limit_key)
def ask_checkpoint():
    """A visitor asks for a fresh checkpoint (a new one only if the log grew: see service)."""
    if not FlaskForm().validate_on_submit():
        return _page(notice=_("La page avait expiré. Appuyez à nouveau sur le bouton.")), 400
    service.checkpoint()
    return redirect(url_for("transparency.index", asked=1, _anchor="checkpoint"), code=303)


@bp.get("/receipt")
@private_page
def receipt():
    typed = request.args.get("receipt", "")[:100]
    entries = service.entries_for(typed) if typed.strip() else None
    error = None
    if not typed.strip():
        error = _("Collez votre reçu, par exemple ABCD-EFGH-IJKL-MNOP-QRST-UVWX.")
    elif entries is None:
        error = _("Ce n'est pas un reçu : il compte 24 lettres et chiffres, en six groupes de quatre.")
    labels = {
        "confirmed": _("signature confirmée"),
        "withdrawn": _("signature retirée"),
        "invalidated": _("signature invalidée"),
        "validated": _("signature validée"),
    }
    page = render_template(
        "transparency/receipt.html", typed=typed, entries=entries, error=error, event_labels=labels
    )
    return page, (422 if error else 200)


def _json_lines(read_page, endpoint: str) -> Response:
    """Page ?page=N of a list as JSON Lines; `read_page(N)` gives (items, whether the page is full).
    A full page never changes again: browsers and the proxy keep it for good."""
    page = parse_page(request.args.get("page"))
    if page is None:
        return Response("", status=404)
    items, final = read_page(page)
    body = "".join(json.dumps(item, ensure_ascii=False, separators=(",", ":")) + "\n" for item in items)
    response = Response(body, mimetype="application/jsonl")
    response.charset = "utf-8"
    response.headers["Cache-Control"] = f"public, max-age={FINAL_SECONDS if final else GROWING_SECONDS}" + (
        ", immutable" if final else ""
    )
    response.headers["Access-Control-Allow-Origin"] = "*"
    if final:
        response.headers["Link"] = f'<{url_for(endpoint, page=page + 1)}>; rel="next"'
    response.add_etag()
    return response.make_conditional(request)


@bp.get("/log.jsonl")
def log():
    """Entries by sequence number, PAGE_SIZE a page."""
    return _json_lines(service.log_page, "transparency.log")


@bp.get("/checkpoints.jsonl")
def checkpoints():
    """Every checkpoint, oldest first, PAGE_SIZE a page."""
    return _json_lines(service.checkpoints_page, "transparency.checkpoints")


@bp.get("/checkpoint.json")
def latest():
    point = service.latest_checkpoint()
    if point is None:
        return Response('{"error": "no checkpoint yet"}', status=404, mimetype="application/json")
    response = current_app.response_class(
        json.dumps(point.published(), ensure_ascii=False), mimetype="application/json"
    )
    response.headers["Cache-Control"] = f"public, max-age={GROWING_SECONDS}"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/public-key")
def public_key():
    response = Response(service.public_key() + "\n", mimetype="text/plain")
    response.headers["Cache-Control"] = "public, max-age=3600"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
