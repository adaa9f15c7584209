from flask import Blueprint, Response, abort, render_template, request

from petition.accounts.access import role_required
from petition.petitions import service as petitions
from petition.stats import charts, service

bp = Blueprint("stats", __name__)

# A chart is an SVG document of its own, with the stylesheet pygal writes in it and no script.
CHART_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def _petition(slug: str | None):
    if slug:
        return petitions.by_slug(slug) or abort(404)
    return petitions.featured() or next(iter(petitions.all_petitions()), None) or abort(404)


# Admins only: the figures name the signers behind the most followed personal links, as the
# sharing report does.
@bp.get("/admin/stats")
@role_required("admin")
def index():
    petition = _petition(request.args.get("petition"))
    return render_template(
        "stats/index.html",
        petition=petitions.localized(petition),
        slug=petition.slug,
        choices=[petitions.localized(p) for p in petitions.all_petitions()],
        tables=[service.table(petition.id, name, charts.draw) for name in service.NAMES],
    )


@bp.get("/admin/stats/<slug>/<name>.svg")
@role_required("admin")
def chart(slug: str, name: str):
    if name not in service.NAMES:
        abort(404)
    petition = _petition(slug)
    table = service.table(petition.id, name, charts.draw)
    if table.svg is None:
        abort(404)
    response = Response(table.svg, mimetype="image/svg+xml")
    response.headers["Content-Security-Policy"] = CHART_POLICY
    return response
