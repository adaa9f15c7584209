from flask import Blueprint, abort, current_app, jsonify, request

from petition import i18n
from petition.counting import service as counting
from petition.exports import service as exports
from petition.petitions import service as petitions

bp = Blueprint("api", __name__, url_prefix="/api")

# Seconds a browser or the proxy in front (deploy/nginx.conf) may keep the count: a crowd's
# polling reaches the application once per this time, the count is at most this old.
MAX_AGE = 10


@bp.get("/petitions/<slug>")
def petition_count(slug: str):
    """Public numbers of a petition, no names: count, goal, next milestone, counts by country.

    The title is in the language asked with ?lang=, French otherwise: only the address decides,
    so that a shared cache keeps one answer per address. The answer is the same for everyone:
    it never reads or sets the session, so it carries no `Set-Cookie` nor `Vary: Cookie`, and
    `Cache-Control: public` lets the proxy keep it. The numbers come from the cache
    (petition/caching.py).
    """
    locale = request.args.get("lang")
    if locale not in i18n.LANGUAGES:
        locale = current_app.config["BABEL_DEFAULT_LOCALE"]
    petition = petitions.key_of(slug) or abort(404)
    by_country = counting.by_country(petition.id)
    count = sum(by_country.values())
    response = jsonify(
        slug=petition.slug,
        title=petitions.title_in(petition, locale),
        count=count,
        goal=petition.goal,
        next_goal=petitions.next_target(count, petition.goal, petition.milestone_list),
        open=petition.is_open,
        countries=by_country,
    )
    # Friendly sites read the count from their own pages' scripts.
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
    response.add_etag()
    return response.make_conditional(request)


# The counts per day cost a query over the signatures: cached longer than the count, and kept
# as long by the proxy and browsers.
COUNTS_MAX_AGE = 60


@bp.get("/petitions/<slug>/counts.json")
def petition_counts(slug: str):
    """Public numbers of a petition, no names: {"slug", "count", "countries": {ISO code: n},
    "days": {"YYYY-MM-DD": n}} (confirmed signatures that count, per country of residence and
    per day of confirmation, UTC). Same for everyone, like `petition_count`; cached
    (petition/caching.py) and `Cache-Control: public`."""
    petition = petitions.key_of(slug) or abort(404)
    counts = exports.public_counts(petition.id)
    response = jsonify(
        slug=petition.slug,
        count=sum(counts["countries"].values()),
        countries=counts["countries"],
        days=counts["days"],
    )
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = f"public, max-age={COUNTS_MAX_AGE}"
    response.add_etag()
    return response.make_conditional(request)
