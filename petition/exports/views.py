from flask import Blueprint, Response, abort, flash, redirect, render_template, stream_with_context, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from petition.accounts.access import role_required
from petition.core.forms import session_expired
from petition.core.time import utcnow
from petition.database import id_rule
from petition.exports import service
from petition.exports.forms import CsvExportForm, DossierForm
from petition.exports.models import Dossier
from petition.extensions import csrf
from petition.petitions import service as petitions

bp = Blueprint("exports", __name__, url_prefix="/admin/exports")


def _petitions():
    """The petitions to choose from, titled in the admin's language."""
    return [petitions.localized(petition) for petition in petitions.all_petitions()]


def _forms(csv_form: CsvExportForm | None = None, dossier_form: DossierForm | None = None):
    choices = _petitions()
    csv_form = csv_form or CsvExportForm(formdata=None)
    dossier_form = dossier_form or DossierForm(formdata=None, language=str(get_locale()))
    for form in (csv_form, dossier_form):
        form.set_petitions(choices)
    return csv_form, dossier_form


def _page(csv_form=None, dossier_form=None, status: int = 200):
    csv_form, dossier_form = _forms(csv_form, dossier_form)
    return render_template(
        "exports/index.html",
        csv_form=csv_form,
        dossier_form=dossier_form,
        dossiers=service.recent(),
        titles={choice.value: choice.label for choice in csv_form.petition.choices},
    ), status


@bp.get("")
@role_required("admin")
def index():
    return _page()


def _chosen(form):
    """The petition the valid form names (a slug that went away is a 404)."""
    return petitions.by_slug(form.petition.data) or abort(404)


# Both forms check their own CSRF token, so that an expired one shows the page again with the
# reason typed rather than an error page.
@bp.post("/csv")
@csrf.exempt
@role_required("admin")
def download_csv():
    form = CsvExportForm()
    form.set_petitions(_petitions())
    if not form.validate():
        return _page(csv_form=form, status=400 if session_expired(form) else 422)
    petition = _chosen(form)
    include_email = bool(form.include_email.data)
    service.record_export("csv", petition, form.reason.data, include_email=include_email)
    locale = str(get_locale())
    now = utcnow()
    response = Response(
        stream_with_context(service.csv_chunks(petition.id, include_email, locale)),
        mimetype="text/csv",
    )
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{service.csv_filename(petition, now)}"'
    return response


@bp.post("/dossier")
@csrf.exempt
@role_required("admin")
def ask_dossier():
    """A small petition's dossier comes back at once; a bigger one is built by `flask exports
    build` and listed on the page until then."""
    form = DossierForm()
    form.set_petitions(_petitions())
    if not form.validate():
        return _page(dossier_form=form, status=400 if session_expired(form) else 422)
    dossier = service.request_dossier(_chosen(form), form.language.data, form.reason.data)
    if not service.builds_in_request(dossier):
        flash(
            _(
                "Le dossier est en préparation. Il apparaîtra ci-dessous, prêt à télécharger, dans quelques minutes."
            )
        )
        return redirect(url_for("exports.index", _anchor="dossiers"), code=303)
    dossier_id = service.claim(dossier.id)
    if dossier_id is not None:
        dossier = service.build(dossier_id)
    return (
        _send(dossier) if dossier.ready else redirect(url_for("exports.index", _anchor="dossiers"), code=303)
    )


@bp.get(f"/dossiers/{id_rule('dossier_id', Dossier)}")
@role_required("admin")
def download_dossier(dossier_id: int):
    """A built dossier; each download is written to the audit log."""
    return _send(service.download(dossier_id) or abort(404))


def _send(dossier):
    response = Response(dossier.pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{service.dossier_filename(dossier)}"'
    return response
