from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_limiter.errors import RateLimitExceeded
from flask_login import current_user

from petition.accounts.access import role_required
from petition.contact import service
from petition.contact.forms import ContactForm
from petition.contact.models import ContactMessage
from petition.core.network import form_taken
from petition.database import id_rule, parse_page
from petition.extensions import csrf, limiter

bp = Blueprint("contact", __name__)


def _contact_limit() -> str:
    return current_app.config["RATELIMIT_CONTACT"]


def _form_again(form: ContactForm, status: int, notice: str | None = None):
    return render_template("contact/form.html", form=form, notice=notice), status


@bp.errorhandler(RateLimitExceeded)
def too_many(error):
    """Over the limit, the form comes back with what was typed rather than a bare error page."""
    notice = _(
        "Vous avez envoyé plusieurs messages en peu de temps. Patientez quelques minutes, puis envoyez "
        "à nouveau : votre message est gardé ci-dessous."
    )
    return _form_again(ContactForm(), 429, notice)


@bp.get("/contact")
def form():
    return render_template("contact/form.html", form=ContactForm(), sent=request.args.get("sent") == "1")


# This form checks its own CSRF token, so that an expired token shows the form again with the
# message the visitor wrote instead of an error page.
@bp.post("/contact")
@csrf.exempt
@limiter.limit(_contact_limit, deduct_when=form_taken)
def send():
    form = ContactForm()
    if not form.validate():
        if form.csrf_token.errors:
            form.csrf_token.errors = []
            notice = _("Votre session a expiré. Vérifiez votre message et envoyez-le à nouveau.")
            return _form_again(form, 400, notice)
        return _form_again(form, 422)
    if form.sent_too_fast(current_app.config["CONTACT_MIN_SECONDS"]):
        form.restart_timer()
        return _form_again(
            form, 422, _("Prenez un instant pour relire votre message, puis envoyez-le à nouveau.")
        )
    service.receive(
        service.Draft(name=form.name.data, email=form.email.data, message=form.message.data),
        locale=str(get_locale()),
        robot_signal=form.robot_signal(),
    )
    flash(_("Merci, votre message est envoyé au comité. Il vous répondra à l'adresse indiquée."), "success")
    return redirect(url_for("contact.form", sent=1), code=303)


# Messages may hold personal data and requests about it: admins only, as the audit log.
@bp.get("/admin/contact")
@role_required("admin")
def admin_inbox():
    page = parse_page(request.args.get("page")) or 1
    return render_template("contact/inbox.html", messages=service.inbox(page))


@bp.get(f"/admin/contact/{id_rule('message_id', ContactMessage)}")
@role_required("admin")
def admin_message(message_id: int):
    message = service.open_message(message_id, current_user.id) or abort(404)
    return render_template("contact/message.html", message=message)
