"""The admins' page to write to the signers: compose, preview, test, send, follow."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from petition.accounts.access import role_required
from petition.database import id_rule
from petition.mailings import service
from petition.mailings.forms import MailingForm, SendForm, TestForm, language_names
from petition.mailings.models import Mailing, MailingStatus
from petition.petitions import service as petitions

bp = Blueprint("mailings", __name__)


def _mailing_or_404(mailing_id: int):
    return service.get(mailing_id) or abort(404)


def _with_petitions(form: MailingForm) -> MailingForm:
    form.petition.choices = [
        SelectChoice(petition.id, title) for petition, title in petitions.all_titled(str(get_locale()))
    ]
    return form


def _editor(form: MailingForm, mailing, status: int = 200):
    return render_template(
        "mailings/edit.html", form=form, mailing=mailing, language_names=language_names()
    ), status


def _texts(form: MailingForm) -> list[service.Text]:
    return [
        service.Text(locale, form[f"subject_{locale}"].data or "", form[f"body_{locale}"].data or "")
        for locale in service.LANGUAGES
    ]


@bp.get("/admin/mailings")
@role_required("admin")
def index():
    mailings = service.all_mailings()
    return render_template(
        "mailings/index.html",
        mailings=[(mailing, service.progress(mailing)) for mailing in mailings],
    )


@bp.route("/admin/mailings/new", methods=["GET", "POST"])
@role_required("admin")
def new():
    form = _with_petitions(MailingForm())
    if form.is_submitted() and not form.validate():
        return _editor(form, None, 422)
    if form.is_submitted():
        mailing = service.save_draft(_texts(form), form.petition.data, actor=current_user)
        flash(_("Brouillon enregistré. Relisez-le, essayez-le, puis envoyez-le."), "success")
        return redirect(url_for("mailings.show", mailing_id=mailing.id), code=303)
    if not form.petition.data and form.petition.choices:
        form.petition.data = petitions.featured().id
    return _editor(form, None)


@bp.route(f"/admin/mailings/{id_rule('mailing_id', Mailing)}/edit", methods=["GET", "POST"])
@role_required("admin")
def edit(mailing_id: int):
    mailing = _mailing_or_404(mailing_id)
    if mailing.status != MailingStatus.DRAFT:
        flash(_("Ce message est déjà envoyé : il ne peut plus changer."), "error")
        return redirect(url_for("mailings.show", mailing_id=mailing.id), code=303)
    form = _with_petitions(MailingForm())
    if form.is_submitted():
        if not form.validate():
            return _editor(form, mailing, 422)
        service.save_draft(_texts(form), form.petition.data, mailing=mailing, actor=current_user)
        flash(_("Brouillon enregistré."), "success")
        return redirect(url_for("mailings.show", mailing_id=mailing.id), code=303)
    form.petition.data = mailing.petition_id
    for text in mailing.texts:
        form[f"subject_{text.locale}"].data = text.subject
        form[f"body_{text.locale}"].data = text.body
    return _editor(form, mailing)


def _page(mailing, test_form=None, send_form=None, status: int = 200):
    shown = request.args.get("preview")
    if shown not in service.LANGUAGES:
        shown = str(get_locale()) if str(get_locale()) in service.LANGUAGES else "fr"
    return (
        render_template(
            "mailings/show.html",
            mailing=mailing,
            preview_locale=shown,
            preview=service.preview(mailing, shown),
            written={text.locale for text in mailing.texts},
            language_names=language_names(),
            recipients=service.recipients_by_language(mailing.petition_id),
            progress=service.progress(mailing),
            test_form=test_form or TestForm(formdata=None),
            send_form=send_form or SendForm(formdata=None),
        ),
        status,
    )


@bp.get(f"/admin/mailings/{id_rule('mailing_id', Mailing)}")
@role_required("admin")
def show(mailing_id: int):
    return _page(_mailing_or_404(mailing_id))


@bp.post(f"/admin/mailings/{id_rule('mailing_id', Mailing)}/test")
@role_required("admin")
def test(mailing_id: int):
    mailing = _mailing_or_404(mailing_id)
    form = TestForm()
    if not form.validate():
        return _page(mailing, test_form=form, status=422)
    service.send_test(mailing, form.email.data, form.language.data, actor=current_user)
    flash(_("Essai envoyé à %(email)s.", email=form.email.data), "success")
    return redirect(url_for("mailings.show", mailing_id=mailing.id), code=303)


@bp.post(f"/admin/mailings/{id_rule('mailing_id', Mailing)}/send")
@role_required("admin")
def send(mailing_id: int):
    mailing = _mailing_or_404(mailing_id)
    form = SendForm()
    if not form.validate():
        return _page(mailing, send_form=form, status=400)
    if mailing.status != MailingStatus.DRAFT:
        flash(_("Ce message est déjà envoyé."), "error")
    elif not sum(service.recipients_by_language(mailing.petition_id).values()):
        flash(_("Personne ne recevrait ce message pour l'instant : il reste en brouillon."), "error")
    else:
        count = service.start(mailing, actor=current_user)
        flash(
            ngettext(
                "Envoi commencé : %(num)d signataire le recevra.",
                "Envoi commencé : %(num)d signataires le recevront.",
                count,
            ),
            "success",
        )
    return redirect(url_for("mailings.show", mailing_id=mailing.id), code=303)
