"""Readers' pages of the updates (list, page, feeds, card) and the admins' editor."""

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from petition import i18n
from petition.accounts.access import role_required
from petition.core.forms import session_expired
from petition.core.markup import markdown_html
from petition.database import id_rule, parse_id, parse_page
from petition.extensions import csrf
from petition.petitions import service as petitions
from petition.security import private_page
from petition.updates import service
from petition.updates.forms import ActionForm, NewUpdateForm, SettingsForm, TextForm
from petition.updates.models import Update

bp = Blueprint("updates", __name__)

# Seconds a browser or the proxy may keep a feed or a card; the site clears its own copy at once.
FEED_MAX_AGE = 300


def _locale() -> str:
    return str(get_locale())


def _page_number() -> int:
    return parse_page(request.args.get("page")) or abort(404)


@bp.get("/updates")
def index():
    page = service.page_of(service.published(), _page_number()) or abort(404)
    return render_template("updates/list.html", page=page, petition=None, localized=service.localized)


@bp.get("/petitions/<slug>/updates")
def for_petition(slug: str):
    petition = petitions.row_of(slug) or abort(404)
    page = service.page_of(service.for_petition(petition.id), _page_number()) or abort(404)
    return render_template(
        "updates/list.html", page=page, petition=petitions.localized(petition), localized=service.localized
    )


@bp.get("/updates/<key>")
def show(key: str):
    """An update's page by its address; by its number, a permanent redirect to its address."""
    if key.isdigit():
        update_id = parse_id(key) or abort(404)
        slug = service.public_slug_of(update_id) or abort(404)
        return redirect(url_for(".show", key=slug, lang=request.args.get("lang")), code=301)
    return _update_page(service.public(key) or abort(404))


def _update_page(row: service.UpdateRow, preview_of=None):
    locale = _locale()
    petition = service.petition_of(row)
    canonical = None if preview_of else i18n.page_addresses().get(locale)
    return render_template(
        "updates/show.html",
        update=service.localized(row, locale),
        update_meta=service.meta(row, locale, canonical),
        about=petitions.localized(petition) if petition else None,
        preview_of=preview_of,
    )


@bp.get("/updates/<slug>/card/<locale>.png")
def card(slug: str, locale: str):
    if locale not in i18n.LANGUAGES:
        abort(404)
    row = service.public(slug) or abort(404)
    return _public(Response(service.card_png(row, locale), mimetype="image/png"))


def _public(response: Response) -> Response:
    response.cache_control.public = True
    response.cache_control.max_age = FEED_MAX_AGE
    response.add_etag()
    return response.make_conditional(request)


@bp.get("/updates.atom")
def feed():
    """The Atom feed in the language of ?lang=, French without it: only the address decides, so
    that a shared cache keeps one copy per address."""
    locale = request.args.get("lang")
    return _feed(locale if locale in i18n.LANGUAGES else current_app.config["BABEL_DEFAULT_LOCALE"])


@bp.get("/<lang>/updates.atom")
def feed_in(lang: str):
    if lang not in i18n.LANGUAGES:
        abort(404)
    return _feed(lang)


def _feed(locale: str) -> Response:
    return _public(Response(service.feed_xml(locale), mimetype="application/atom+xml"))


# --- Back office (admins) ---------------------------------------------------------------------------


def _everyone() -> str:
    return _("Toute l'affaire (toutes les pétitions)")


def _update(update_id: int):
    return service.get(update_id) or abort(404)


@bp.get("/admin/updates")
@role_required("admin")
def admin_list():
    return render_template(
        "updates/admin_list.html",
        updates=service.all_updates(),
        petition_titles={p.id: petitions.localized(p).title for p in petitions.all_petitions()},
        action_form=ActionForm(),
    )


def _new_page(form: NewUpdateForm, status: int = 200, preview=None):
    return render_template("updates/admin_new.html", form=form, preview=preview), status


@bp.route("/admin/updates/new", methods=["GET", "POST"])
@csrf.exempt  # the form checks its token itself, to come back with what was typed
@role_required("admin")
def admin_new():
    form = NewUpdateForm()
    form.set_petitions(petitions.all_petitions(), _everyone())
    if request.method == "GET":
        return _new_page(form)
    if not form.validate():
        return _new_page(form, 400 if session_expired(form) else 422)
    if form.preview.data:
        return _new_page(form, preview=_preview_text(form))
    try:
        update = service.create(
            service.TextInput(form.title.data, form.summary.data, form.body.data),
            petition_id=form.petition_id,
            slug=form.slug.data or None,
            published_on=form.published_on.data,
        )
    except service.SlugTaken:
        form.slug.errors = [_("Une autre actualité a déjà cette adresse.")]
        return _new_page(form, 422)
    except service.FutureDate:
        form.published_on.errors = [_("La date de publication ne peut pas être dans le futur.")]
        return _new_page(form, 422)
    flash(_("L'actualité est enregistrée comme brouillon."), "success")
    return redirect(url_for(".admin_edit", update_id=update.id), code=303)


def _preview_text(form) -> dict:
    return {
        "title": form.title.data,
        "summary": form.summary.data,
        "body_html": markdown_html(form.body.data),
    }


def _edit_page(update, form: SettingsForm | None = None, status: int = 200):
    if form is None:
        form = SettingsForm(
            petition=str(update.petition_id or ""),
            slug=update.slug,
            published_on=update.published_dt.date() if update.published_dt else None,
        )
        form.set_petitions(petitions.all_petitions(), _everyone())
    return (
        render_template("updates/admin_edit.html", update=update, form=form, action_form=ActionForm()),
        status,
    )


@bp.get(f"/admin/updates/{id_rule('update_id', Update)}")
@role_required("admin")
def admin_edit(update_id: int):
    return _edit_page(_update(update_id))


@bp.post(f"/admin/updates/{id_rule('update_id', Update)}")
@csrf.exempt
@role_required("admin")
def admin_save_settings(update_id: int):
    update = _update(update_id)
    form = SettingsForm()
    form.set_petitions(petitions.all_petitions(), _everyone())
    if not form.validate():
        return _edit_page(update, form, 400 if session_expired(form) else 422)
    try:
        changed = service.save_settings(
            update, form.petition_id, form.slug.data or update.slug, form.published_on.data
        )
    except service.SlugTaken:
        form.slug.errors = [_("Une autre actualité a déjà cette adresse.")]
        return _edit_page(update, form, 422)
    except service.SlugLocked:
        form.slug.errors = [_("L'actualité est publiée : son adresse ne change plus.")]
        return _edit_page(update, form, 422)
    except service.FutureDate:
        form.published_on.errors = [_("La date de publication ne peut pas être dans le futur.")]
        return _edit_page(update, form, 422)
    flash(_("Les réglages sont enregistrés.") if changed else _("Aucun changement."), "success")
    return redirect(url_for(".admin_edit", update_id=update.id), code=303)


def _text_page(update, locale: str, form: TextForm, status: int = 200, preview=None):
    return (
        render_template(
            "updates/admin_text.html",
            update=update,
            text_locale=locale,
            form=form,
            preview=preview,
            french=update.text(current_app.config["BABEL_DEFAULT_LOCALE"]),
        ),
        status,
    )


def _text_locale(locale: str) -> str:
    return locale if locale in i18n.LANGUAGES else abort(404)


@bp.get(f"/admin/updates/{id_rule('update_id', Update)}/text/<locale>")
@role_required("admin")
def admin_text(update_id: int, locale: str):
    update = _update(update_id)
    locale = _text_locale(locale)
    text = update.text(locale)
    form = TextForm(obj=text, locale=locale, required=locale == current_app.config["BABEL_DEFAULT_LOCALE"])
    return _text_page(update, locale, form)


@bp.post(f"/admin/updates/{id_rule('update_id', Update)}/text/<locale>")
@csrf.exempt
@role_required("admin")
def admin_save_text(update_id: int, locale: str):
    update = _update(update_id)
    locale = _text_locale(locale)
    form = TextForm(locale=locale, required=locale == current_app.config["BABEL_DEFAULT_LOCALE"])
    if not form.validate():
        return _text_page(update, locale, form, 400 if session_expired(form) else 422)
    if form.preview.data and not form.is_empty:
        return _text_page(update, locale, form, preview=_preview_text(form))
    text = None if form.is_empty else service.TextInput(form.title.data, form.summary.data, form.body.data)
    if service.save_text(update, locale, text):
        flash(
            _("Le texte est enregistré.")
            if text
            else _("La traduction est retirée : le texte français s'affiche."),
            "success",
        )
    else:
        flash(_("Aucun changement."), "success")
    return redirect(url_for(".admin_edit", update_id=update.id), code=303)


@bp.get(f"/admin/updates/{id_rule('update_id', Update)}/preview")
@role_required("admin")
@private_page
def admin_preview(update_id: int):
    """The page as readers will see it, in the language of the back office, draft or not."""
    update = _update(update_id)
    return _update_page(service.row_of(update), preview_of=update)


@bp.post(f"/admin/updates/{id_rule('update_id', Update)}/publish")
@role_required("admin")
def admin_publish(update_id: int):
    update = _update(update_id)
    if service.publish(update):
        flash(_("L'actualité est publiée."), "success")
    return redirect(url_for(".admin_edit", update_id=update.id), code=303)


@bp.post(f"/admin/updates/{id_rule('update_id', Update)}/unpublish")
@role_required("admin")
def admin_unpublish(update_id: int):
    update = _update(update_id)
    if service.unpublish(update):
        flash(_("L'actualité est retirée : elle redevient un brouillon."), "success")
    return redirect(url_for(".admin_edit", update_id=update.id), code=303)
