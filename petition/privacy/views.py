"""/my-data: ask for the link by mail; with the link, see, download and erase one's data.
The back-office view of the retention rules is a block on the dashboard (accounts)."""

from flask import Blueprint, Response, current_app, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_limiter.errors import RateLimitExceeded

from petition.core.network import form_taken
from petition.core.personal_data import CommentChoice, Erasure
from petition.extensions import csrf, limiter
from petition.privacy import service
from petition.privacy.forms import AskForm, EraseForm
from petition.privacy.labels import DOWNLOAD_ONLY, FIELDS, WRITTEN_IN_LOCALE, shown
from petition.security import private_page

bp = Blueprint("privacy", __name__)


def _limit() -> str:
    return current_app.config["RATELIMIT_MY_DATA"]


def _form_again(form: AskForm, status: int, notice: str | None = None):
    return render_template("privacy/ask.html", form=form, notice=notice), status


@bp.errorhandler(RateLimitExceeded)
def too_many(error):
    notice = _(
        "Vous avez fait plusieurs demandes en peu de temps. Patientez quelques minutes, puis réessayez."
    )
    return _form_again(AskForm(), 429, notice)


@bp.get("/my-data")
def ask():
    return render_template("privacy/ask.html", form=AskForm())


# The form checks its own CSRF token, so that an expired token shows the form again with the
# address typed instead of an error page.
@bp.post("/my-data")
@csrf.exempt
@limiter.limit(_limit, deduct_when=form_taken)
def send_link():
    form = AskForm()
    if not form.validate():
        if form.csrf_token.errors:
            form.csrf_token.errors = []
            return _form_again(
                form, 400, _("Votre session a expiré. Vérifiez l'adresse et envoyez à nouveau.")
            )
        return _form_again(form, 422)
    if form.sent_too_fast(current_app.config["MY_DATA_MIN_SECONDS"]):
        form.restart_timer()
        return _form_again(form, 422, _("Prenez un instant pour relire l'adresse, puis envoyez à nouveau."))
    service.ask_for_link(form.email.data, str(get_locale()), robot_signal=form.robot_signal())
    return redirect(url_for("privacy.link_sent"), code=303)


@bp.get("/my-data/sent")
def link_sent():
    return render_template("privacy/sent.html")


@bp.get("/my-data/erased")
def erased():
    return render_template("privacy/erased.html")


def _subject(token: str):
    try:
        return service.subject_of(token), None
    except service.BadLink as error:
        return None, (
            render_template("privacy/bad_link.html", expired=error.expired),
            410 if error.expired else 404,
        )


@bp.get("/my-data/<token>")
@private_page
def my_data(token: str):
    subject, error = _subject(token)
    if subject is None:
        return error
    return _page(subject, token, EraseForm())


def _page(subject: str, token: str, form: EraseForm, status: int = 200):
    sections = service.gather(subject)
    return render_template(
        "privacy/my_data.html",
        sections=sections,
        token=token,
        form=form,
        fields=FIELDS,
        download_only=DOWNLOAD_ONLY,
        written_in_locale=WRITTEN_IN_LOCALE,
        shown=shown,
    ), status


@bp.get("/my-data/<token>/data.json")
@private_page
def download(token: str):
    subject, error = _subject(token)
    if subject is None:
        return error
    return Response(
        service.export_json(subject),
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="my-data.json"'},
    )


@bp.post("/my-data/<token>/erase")
@private_page
def erase(token: str):
    subject, error = _subject(token)
    if subject is None:
        return error
    form = EraseForm()
    if not form.validate_on_submit():
        return _page(subject, token, form, 422)
    service.erase(subject, Erasure(comments=CommentChoice(form.comments.data)))
    return redirect(url_for("privacy.erased"), code=303)
