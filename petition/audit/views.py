from flask import Blueprint, render_template, request

from petition.accounts.access import role_required
from petition.audit import labels, service

bp = Blueprint("audit", __name__, url_prefix="/admin")


@bp.get("/audit")
@role_required("admin")
def index():
    filters = service.Filters(
        action=request.args.get("action") or None, actor_id=request.args.get("actor", type=int)
    )
    page = max(request.args.get("page", 1, type=int), 1)
    entries = service.entries(filters, page)
    return render_template(
        "audit/index.html",
        entries=entries,
        user_targets=service.user_targets(entries.items),
        filters=filters,
        actions=service.known_actions(),
        actors=service.known_actors(),
        labels=labels,
    )
