"""The admins' pages for petitions: list, create, edit each language, goal, state, featured."""

from babel.lists import format_list
from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from petition import i18n
from petition.accounts.access import role_required
from petition.core.forms import session_expired
from petition.counting import service as counting
from petition.database import id_rule
from petition.extensions import csrf
from petition.petitions import service
from petition.petitions.forms import PetitionForm, StateForm, TranslationForm
from petition.petitions.models import Petition

bp = Blueprint("petitions_admin", __name__, url_prefix="/admin/petitions")

PETITION_ID = id_rule("petition_id", Petition)


def _words(items) -> str:
    """A list in the reader's language ("A, B et C", "A وB وC")."""
    return format_list([str(item) for item in items], locale=get_locale()) if items else ""


def _petition(petition_id: int):
    return service.by_id(petition_id) or abort(404)


def _translated_locale(locale: str) -> str:
    if locale not in i18n.LANGUAGES or locale == current_app.config["BABEL_DEFAULT_LOCALE"]:
        abort(404)
    return locale


@bp.get("")
@role_required("admin")
def index():
    return render_template("petitions/admin/index.html", petitions=service.overview())


@bp.get("/new")
@role_required("admin")
def new():
    form = PetitionForm(goal="50000").written_in(current_app.config["BABEL_DEFAULT_LOCALE"])
    return render_template("petitions/admin/new.html", form=form)


@bp.post("/new")
@csrf.exempt
@role_required("admin")
def create():
    form = PetitionForm()
    if not form.validate():
        status = 400 if session_expired(form) else 422
        return render_template("petitions/admin/new.html", form=form.written_in("fr")), status
    try:
        petition = service.create(_draft(form))
    except service.SlugTaken:
        form.slug.errors.append(_("Une autre pétition a, ou a eu, cette adresse. Choisissez-en une autre."))
        return render_template("petitions/admin/new.html", form=form.written_in("fr")), 422
    flash(_("La pétition est créée. Elle est ouverte aux signatures à son adresse."), "success")
    return redirect(url_for("petitions_admin.edit", petition_id=petition.id), code=303)


def _draft(form: PetitionForm) -> service.Draft:
    return service.Draft(
        slug=form.slug.data,
        title=form.title.data,
        summary=form.summary.data,
        addressee=form.addressee.data,
        letter=form.letter.data,
        background=form.background.data or "",
        demands=form.demands.data,
        goal=form.goal_value(),
        milestones=form.milestone_values(),
    )


def _render_edit(petition, form: PetitionForm | None = None, state_form: StateForm | None = None, status=200):
    if form is None:
        form = PetitionForm(obj=petition)
        form.goal.data = str(petition.goal)
    form.written_in(current_app.config["BABEL_DEFAULT_LOCALE"])
    if state_form is None:
        state_form = StateForm(
            is_open=petition.is_open,
            closing_fr=petition.closing_message,
            closing_ar=service.texts(petition.id, "ar").get("closing_message", ""),
            closing_en=service.texts(petition.id, "en").get("closing_message", ""),
        )
    slug_locked = service.has_signatures(petition.id)
    if slug_locked:
        form.slug.render_kw = {**form.slug.render_kw, "readonly": True}
        form.slug.description = _("Cette pétition a des signatures : son adresse ne change plus.")
    return (
        render_template(
            "petitions/admin/edit.html",
            petition=petition,
            form=form,
            state_form=state_form,
            slug_locked=slug_locked,
            statuses=service.language_statuses(petition),
            words=_words,
            count=counting.total(petition.id),
        ),
        status,
    )


@bp.get(f"/{PETITION_ID}")
@role_required("admin")
def edit(petition_id: int):
    return _render_edit(_petition(petition_id))


@bp.post(f"/{PETITION_ID}")
@csrf.exempt
@role_required("admin")
def save(petition_id: int):
    petition = _petition(petition_id)
    form = PetitionForm()
    if not form.validate():
        return _render_edit(petition, form, status=400 if session_expired(form) else 422)
    try:
        changed = service.save_french(petition, _draft(form))
    except service.SlugLocked:
        form.slug.errors.append(_("Cette pétition a des signatures : son adresse ne change plus."))
        return _render_edit(petition, form, status=422)
    except service.SlugTaken:
        form.slug.errors.append(_("Une autre pétition a, ou a eu, cette adresse. Choisissez-en une autre."))
        return _render_edit(petition, form, status=422)
    if changed & set(service.TEXT_FIELDS):
        flash(_("Le texte français est enregistré. Pensez à mettre à jour les traductions."), "success")
    elif changed:
        flash(_("Les changements sont enregistrés."), "success")
    else:
        flash(_("Aucun changement à enregistrer."))
    return redirect(url_for("petitions_admin.edit", petition_id=petition.id), code=303)


@bp.post(f"/{PETITION_ID}/state")
@csrf.exempt
@role_required("admin")
def save_state(petition_id: int):
    petition = _petition(petition_id)
    form = StateForm()
    if not form.validate():
        return _render_edit(petition, state_form=form, status=400 if session_expired(form) else 422)
    service.set_state(
        petition,
        form.is_open.data,
        {
            "fr": form.closing_fr.data or "",
            "ar": form.closing_ar.data or "",
            "en": form.closing_en.data or "",
        },
    )
    flash(
        _("La pétition est ouverte aux signatures.") if form.is_open.data else _("La pétition est close."),
        "success",
    )
    return redirect(url_for("petitions_admin.edit", petition_id=petition.id), code=303)


@bp.post(f"/{PETITION_ID}/feature")
@role_required("admin")
def feature(petition_id: int):
    service.set_featured(_petition(petition_id))
    flash(_("Cette pétition est maintenant celle de la page d'accueil."), "success")
    return redirect(url_for("petitions_admin.edit", petition_id=petition_id), code=303)


def _render_translation(petition, locale: str, form: TranslationForm, status=200):
    status_of = {s.locale: s for s in service.language_statuses(petition)}
    form.written_in(locale)
    return (
        render_template(
            "petitions/admin/translation.html",
            petition=petition,
            language=locale,
            form=form,
            status=status_of[locale],
            words=_words,
        ),
        status,
    )


@bp.get(f"/{PETITION_ID}/<locale>")
@role_required("admin")
def translation(petition_id: int, locale: str):
    petition = _petition(petition_id)
    locale = _translated_locale(locale)
    form = TranslationForm(data=service.texts(petition.id, locale))
    return _render_translation(petition, locale, form)


@bp.post(f"/{PETITION_ID}/<locale>")
@csrf.exempt
@role_required("admin")
def save_translation(petition_id: int, locale: str):
    petition = _petition(petition_id)
    locale = _translated_locale(locale)
    form = TranslationForm()
    if not form.validate():
        return _render_translation(petition, locale, form, 400 if session_expired(form) else 422)
    service.save_translated(petition, locale, {field: form[field].data for field in service.TEXT_FIELDS})
    flash(_("La traduction est enregistrée."), "success")
    return redirect(url_for("petitions_admin.edit", petition_id=petition.id), code=303)
