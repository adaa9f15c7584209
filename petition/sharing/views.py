from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
)
from flask_babel import get_locale

from petition.accounts.access import role_required
from petition.core.urls import absolute_url
from petition.i18n import LANGUAGES
from petition.petitions import service as petitions
from petition.security import allow_framing, private_page
from petition.sharing import card, links, referrals, service
from petition.signing import service as signing

bp = Blueprint("sharing", __name__)


def _petition(slug: str):
    return petitions.by_slug(slug) or abort(404)


def _image(data: bytes, mimetype: str, max_age: int) -> Response:
    response = Response(data, mimetype=mimetype)
    response.cache_control.public = True
    response.cache_control.max_age = max_age
    response.add_etag()
    return response.make_conditional(request)


@bp.after_app_request
def remember_first_touch(response):
    """Keep where a visitor first came from (a personal link, a share button) until they sign.

    Only the code and the channel are kept, in a cookie of this site; nothing about the person
    whose link it was.
    """
    if (
        request.method == "GET"
        and response.status_code == 200
        and ("ref" in request.args or "utm_source" in request.args)
        and response.mimetype == "text/html"
        and referrals.FIRST_TOUCH_COOKIE not in request.cookies
    ):
        touch = referrals.FirstTouch.from_values(request.args.get("ref"), request.args.get("utm_source"))
        if touch is not None:
            response.set_cookie(
                referrals.FIRST_TOUCH_COOKIE,
                touch.cookie_value(),
                max_age=referrals.FIRST_TOUCH_DAYS * 86400,
                secure=current_app.config["SESSION_COOKIE_SECURE"],
                httponly=True,
                samesite="Lax",
            )
    return response


@bp.get("/petitions/<slug>/card/<locale>.png")
def petition_card(slug: str, locale: str):
    if locale not in LANGUAGES:
        abort(404)
    image = service.petition_card(_petition(slug), locale)
    return _image(image.png, "image/png", current_app.config["SHARE_CARD_REFRESH_SECONDS"])


@bp.get("/card/<locale>.png")
def site_card(locale: str):
    if locale not in LANGUAGES:
        abort(404)
    return _image(service.site_card(locale).png, "image/png", 86400)


@bp.get("/petitions/<slug>/qr.svg")
def qr_svg(slug: str):
    return _image(service.qr_svg(petitions.localized(_petition(slug))), "image/svg+xml", 86400)


@bp.get("/petitions/<slug>/qr.png")
def qr_png(slug: str):
    return _image(service.qr_png(_petition(slug)), "image/png", 86400)


@bp.get("/p/<slug>")
def short(slug: str):
    return redirect(links.landing_url(_petition(slug), "flyer"), code=302)


@bp.get("/petitions/<slug>/flyer")
def flyer(slug: str):
    petition = petitions.localized(_petition(slug))
    paper = request.args.get("format", "a5")
    if paper not in ("a4", "a5"):
        paper = "a5"
    return render_template(
        "sharing/flyer.html",
        petition=petition,
        paper=paper,
        points=service.flyer_points(petition),
        count=petitions.progress(petition).count,
        address_parts=service.breakable_address(service.short_url(petition)),
    )


@bp.get("/petitions/<slug>/share")
def share_page(slug: str):
    petition = petitions.localized(_petition(slug))
    return render_template(
        "sharing/share.html",
        petition=petition,
        short_url=service.short_url(petition),
        snippets=service.embed_snippets(petition),
    )


@bp.get("/embed/<slug>")
def embed(slug: str):
    petition = petitions.localized(_petition(slug))
    allow_framing()
    return render_template("sharing/embed.html", petition=petition, progress=petitions.progress(petition))


@bp.get("/badge/<slug>.svg")
def badge(slug: str):
    petition = _petition(slug)
    progress = petitions.progress(petition)
    svg = render_template("sharing/badge.svg", petition=petition, count=progress.count, width=card.text_width)
    response = _image(svg.encode(), "image/svg+xml", 60)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/referral/<token>")
@private_page
def referral_stats(token: str):
    try:
        signature = signing.signature_for(token, referrals.REFERRAL_STATS)
    except signing.ExpiredLink:
        return render_template("signing/bad_link.html", expired=True), 410
    except signing.InvalidLink:
        return render_template("signing/bad_link.html", expired=False), 404
    link = referrals.personal_link(signature)
    confirmed = referrals.confirmed_through(link)
    petition = petitions.localized(signature.petition)
    return render_template(
        "sharing/referral.html",
        petition=petition,
        code=link.code,
        personal_url=referrals.personal_url(petition, link.code),
        confirmed=confirmed,
    )


@bp.get("/admin/sharing")
@role_required("admin")
def admin_report():
    reports = [
        (petitions.localized(petition), referrals.report(petition)) for petition in petitions.all_petitions()
    ]
    return render_template("sharing/admin.html", reports=reports, source_label=links.source_label)


# What templates of every feature use: preview tags, share bars, personal links.


@bp.app_template_global()
def share_meta(
    title: str, description: str, petition=None, count: int | None = None, canonical: str | None = None
):
    return service.page_meta(str(get_locale()), canonical, str(title), str(description), petition, count)


@bp.app_template_global()
def referral_stats_url(signature) -> str:
    return referrals.stats_url(signing.link_token(signature, referrals.REFERRAL_STATS))


bp.add_app_template_global(links.share_bar, "share_bar")
bp.add_app_template_global(referrals.code_of, "referral_code_of")
bp.add_app_template_global(referrals.remembered_code, "remembered_referral_code")
bp.add_app_template_global(absolute_url, "absolute_url")
