from flask import Blueprint, abort, current_app, jsonify, request

from petition.core import microcache
from petition.counting import service as counting
from petition.petitions import service as petitions

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/petitions/<slug>")
def petition_count(slug: str):
    """Public numbers of a petition, no names: count, goal, next milestone, counts by country."""
    body = microcache.cached(("count-json", slug), lambda: _numbers(slug))
    if body is None:
        abort(404)
    response = current_app.response_class(body, mimetype="application/json")
    response.cache_control.public = True
    response.cache_control.max_age = 10
    response.add_etag()
    return response.make_conditional(request)


def _numbers(slug: str) -> bytes | None:
    petition = petitions.by_slug(slug)
    if petition is None:
        return None
    by_country = counting.by_country(petition.id)
    count = sum(by_country.values())
    return jsonify(
        slug=petition.slug,
        title=petition.title,
        count=count,
        goal=petition.goal,
        next_goal=petitions.next_target(count, petition.goal),
        open=petition.is_open,
        countries=by_country,
    ).get_data()
