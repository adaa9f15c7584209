from flask import Blueprint, render_template, request

from petition.accounts.access import role_required
from petition.audit import labels, service
from petition.database import INT_ID_MAX, parse_id, parse_page

bp = Blueprint("audit", __name__, url_prefix="/admin")


@bp.get("/audit")
@role_required("admin")
def index():
    filters = service.Filters(
        action=request.args.get("action") or None, actor_id=parse_id(request.args.get("actor"), INT_ID_MAX)
    )
    entries = service.entries(filters, parse_page(request.args.get("page")) or 1)
    return render_template(
        "audit/index.html",
        entries=entries,
        user_targets=service.user_targets(entries.items),
        filters=filters,
        actions=service.known_actions(),
        actors=service.known_actors(),
        labels=labels,
    )
