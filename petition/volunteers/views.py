from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_limiter.errors import RateLimitExceeded
from flask_login import current_user
from flask_wtf import FlaskForm

from petition.accounts.access import role_required
from petition.core.forms import session_expired
from petition.core.network import form_taken
from petition.database import id_rule, parse_page
from petition.extensions import csrf, limiter
from petition.security import private_page
from petition.volunteers import service
from petition.volunteers.forms import HELP_LABELS, ExportForm, VolunteerForm
from petition.volunteers.models import Volunteer

bp = Blueprint("volunteers", __name__)


def _volunteer_limit() -> str:
    return current_app.config["RATELIMIT_VOLUNTEER"]


def _form_again(form: VolunteerForm, status: int, notice: str | None = None):
    return render_template("volunteers/form.html", form=form, notice=notice), status


@bp.errorhandler(RateLimitExceeded)
def too_many(error):
    """Over the limit, the form comes back with what was typed rather than a bare error page."""
    notice = _(
        "Plusieurs propositions sont parties d'ici en peu de temps. Patientez quelques minutes, puis "
        "envoyez à nouveau : vos réponses sont gardées ci-dessous."
    )
    return _form_again(VolunteerForm(), 429, notice)


@bp.get("/volunteer")
def form():
    return render_template("volunteers/form.html", form=VolunteerForm())


# This form checks its own CSRF token, so that an expired token shows the form again with what
# the visitor typed instead of an error page.
@bp.post("/volunteer")
@csrf.exempt
@limiter.limit(_volunteer_limit, deduct_when=form_taken)
def send():
    form = VolunteerForm()
    if not form.validate():
        return _form_again(form, 400 if session_expired(form) else 422)
    if form.sent_too_fast(current_app.config["VOLUNTEER_MIN_SECONDS"]):
        form.restart_timer()
        return _form_again(
            form, 422, _("Prenez un instant pour relire vos réponses, puis envoyez à nouveau.")
        )
    service.offer_help(
        service.Offer(
            name=form.name.data,
            email=form.email.data,
            country=form.country.data,
            city=form.city.data,
            helps=form.helps.data,
            help_other=form.help_other.data,
            availability=form.availability.data,
            consent_wording=form.consent_wording(),
        ),
        locale=str(get_locale()),
        ip=request.remote_addr,
        robot_signal=form.robot_signal(),
    )
    return redirect(url_for("volunteers.sent"), code=303)


@bp.get("/volunteer/sent")
def sent():
    return render_template("volunteers/sent.html")


@bp.route("/volunteer/confirm/<token>", methods=["GET", "POST"])
@csrf.exempt
@private_page
def confirm(token: str):
    """GET shows what will be confirmed and a button; the POST confirms (mail scanners open links)."""
    try:
        volunteer = service.volunteer_for(token)
    except service.ExpiredLink:
        return render_template("volunteers/bad_link.html", expired=True), 410
    except service.InvalidLink:
        return render_template("volunteers/bad_link.html", expired=False), 404
    form = FlaskForm()
    if form.validate_on_submit():
        service.confirm(volunteer)
        return redirect(url_for("volunteers.confirm", token=token), code=303)
    return render_template(
        "volunteers/confirm.html",
        volunteer=volunteer,
        helps=service.help_labels(volunteer),
        form=form,
        confirmed=volunteer.status == service.VolunteerStatus.CONFIRMED,
        retry=request.method == "POST",
    )


# The list holds people's addresses: admins only, as the contact messages.
@bp.get("/admin/volunteers")
@role_required("admin")
def admin_list():
    filters = service.Filters.from_args(request.args)
    page = parse_page(request.args.get("page")) or 1
    return render_template(
        "volunteers/admin.html",
        volunteers=service.listing(filters, page),
        filters=filters,
        help_labels=HELP_LABELS,
        countries=service.countries_present(),
        counts=service.counts(),
        form=FlaskForm(),
    )


@bp.post(f"/admin/volunteers/{id_rule('volunteer_id', Volunteer)}/contacted")
@role_required("admin")
def mark_contacted(volunteer_id: int):
    contacted = request.form.get("contacted") == "1"
    service.mark_contacted(volunteer_id, contacted, current_user._get_current_object()) or abort(404)
    back = {key: value for key, value in request.form.items() if key in ("help", "country", "page") and value}
    return redirect(url_for("volunteers.admin_list", **back) + f"#volunteer-{volunteer_id}", code=303)


@bp.route("/admin/volunteers/export", methods=["GET", "POST"])
@role_required("admin")
def export():
    filters = service.Filters.from_args(request.values)
    form = ExportForm()
    if form.validate_on_submit():
        rows = service.export_csv(filters, form.reason.data, current_user._get_current_object())
        return Response(
            stream_with_context(rows),
            mimetype="text/csv",
            headers={"Content-Disposition": 'attachment; filename="benevoles.csv"'},
        )
    status = 422 if request.method == "POST" else 200
    return render_template(
        "volunteers/export.html", form=form, filters=filters, help_labels=HELP_LABELS
    ), status
