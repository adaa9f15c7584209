from flask import Blueprint, abort, jsonify, request

from petition.counting import service as counting
from petition.petitions import service as petitions

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/petitions/<slug>")
def petition_count(slug: str):
    """Public numbers of a petition, no names: count, goal, next milestone, counts by country."""
    petition = petitions.by_slug(slug) or abort(404)
    by_country = counting.by_country(petition.id)
    count = sum(by_country.values())
    response = jsonify(
        slug=petition.slug,
        title=petition.title,
        count=count,
        goal=petition.goal,
        next_goal=petitions.next_target(count, petition.goal),
        open=petition.is_open,
        countries=by_country,
    )
    # Friendly sites read the count from their own pages' scripts.
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.cache_control.public = True
    response.cache_control.max_age = 10
    response.add_etag()
    return response.make_conditional(request)
