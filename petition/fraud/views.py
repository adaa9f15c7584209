"""The fraud review pages of the back office: the queue of held-back signatures (moderators),
bulk invalidation and its undo (moderators), bans (moderators), block lists (admins)."""

from datetime import datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from petition.accounts.access import role_required
from petition.comments.models import Comment
from petition.core.forms import session_expired
from petition.database import id_rule, parse_id, parse_page
from petition.extensions import csrf, db
from petition.fraud import service
from petition.fraud.forms import INVALID_REASONS, BanForm, BulkForm, DomainForm, NetworkForm
from petition.fraud.models import Ban, BlockedNetwork, BulkInvalidation
from petition.petitions import service as petitions

bp = Blueprint("fraud", __name__, url_prefix="/admin/fraud")

FLAG_LABELS = {
    "honeypot": _l("piège à robots rempli"),
    "no-timer": _l("formulaire sans heure de départ"),
    service.FAST: _l("envoyé trop vite"),
    service.RATE_LIMIT: _l("trop de signatures du même client"),
    service.BANNED: _l("banni"),
    service.BLOCKED_DOMAIN: _l("domaine bloqué"),
    service.BLOCKED_NETWORK: _l("réseau bloqué"),
    service.INVALIDATED: _l("invalidée"),
}


def _actor():
    return current_user._get_current_object()


def _filters() -> service.Filters:
    hour = None
    raw_hour = request.args.get("hour")
    if raw_hour:
        try:
            hour = datetime.fromisoformat(raw_hour)
        except ValueError:
            hour = None
    reason = request.args.get("reason")
    return service.Filters(
        network=request.args.get("network") or None,
        domain=(request.args.get("domain") or "").lower() or None,
        hour=hour,
        reason=reason if reason in FLAG_LABELS else None,
    )


@bp.get("")
@role_required("moderator")
def queue():
    filters = _filters()
    page = parse_page(request.args.get("page")) or 1
    return render_template(
        "fraud/queue.html",
        filters=filters,
        items=service.flagged(filters, page),
        groups=service.groups(),
        labels=FLAG_LABELS,
        reasons=INVALID_REASONS,
        alerts=service.recent_alerts(),
        form=FlaskForm(),
    )


@bp.post("/decide")
@role_required("moderator")
def decide():
    ids = [i for i in (parse_id(raw) for raw in request.form.getlist("ids")) if i is not None]
    verb = request.form.get("action", "")
    if verb.startswith(("validate:", "invalidate:")):
        verb, _sep, raw_id = verb.partition(":")
        ids = [i for i in [parse_id(raw_id)] if i is not None]
    if verb not in ("validate", "invalidate"):
        abort(400)
    if not ids:
        flash(_("Aucune signature n'était cochée : rien n'a été fait."), "error")
    elif verb == "validate":
        done = service.validate(ids, _actor())
        flash(
            ngettext(
                "%(num)d signature validée : elle compte.",
                "%(num)d signatures validées : elles comptent.",
                done,
            ),
            "success",
        )
    else:
        codes = dict(INVALID_REASONS)
        reason = request.form.get("reason") if request.form.get("reason") in codes else "other"
        done = service.invalidate(ids, reason, _actor())
        flash(ngettext("%(num)d signature invalidée.", "%(num)d signatures invalidées.", done), "success")
    back = request.form.get("back", "")
    return redirect(back if back.startswith("/admin/fraud") else url_for(".queue"), code=303)


def _bulk_form() -> BulkForm:
    form = BulkForm()
    form.petition.choices = [(p.id, title) for p, title in petitions.all_titled(str(get_locale()))]
    return form


# The bulk form checks its own CSRF token, so that an expired one shows what was typed again.
@bp.route("/bulk", methods=["GET", "POST"])
@csrf.exempt
@role_required("moderator")
def bulk():
    form = _bulk_form()
    if request.method == "GET":
        form.domain.data = form.domain.data or request.args.get("domain")
        form.network.data = form.network.data or request.args.get("network")
    shown = None
    status = 200
    if request.method == "POST":
        if not form.validate():
            status = 400 if session_expired(form) else 422
        else:
            try:
                found = service.criteria(
                    form.petition.data, form.domain.data, form.network.data, form.since.data, form.until.data
                )
            except service.Refused as refusal:
                field = getattr(form, refusal.field, None) if refusal.field else None
                if field is not None:
                    field.errors = [*field.errors, refusal.message]
                else:
                    form.form_errors.append(refusal.message)
                status = 422
            else:
                if request.form.get("apply") == "yes":
                    done = service.apply_bulk(found, form.reason.data, _actor())
                    flash(
                        ngettext(
                            "%(num)d signature invalidée ; le compte a baissé de %(counted)s.",
                            "%(num)d signatures invalidées ; le compte a baissé de %(counted)s.",
                            done.signatures,
                            counted=done.uncounted,
                        ),
                        "success",
                    )
                    return redirect(url_for(".bulk"), code=303)
                shown = service.preview(found)
    return (
        render_template(
            "fraud/bulk.html", form=form, preview=shown, history=service.bulk_history(), undo_form=FlaskForm()
        ),
        status,
    )


@bp.post(f"/bulk/{id_rule('bulk_id', BulkInvalidation)}/undo")
@role_required("moderator")
def undo(bulk_id: int):
    recounted = service.undo_bulk(bulk_id, _actor())
    if recounted is None:
        flash(_("Cette invalidation était déjà annulée."), "error")
    else:
        flash(
            ngettext(
                "Invalidation annulée : %(num)d signature compte à nouveau.",
                "Invalidation annulée : %(num)d signatures comptent à nouveau.",
                recounted,
            ),
            "success",
        )
    return redirect(url_for(".bulk"), code=303)


def _ban_form_from_comment(form: BanForm) -> Comment | None:
    """The comment the ban starts from (`?comment=`, kept in the form's address so that a form
    sent back with an error still shows it); on the first GET it fills the form."""
    comment_id = parse_id(request.args.get("comment"))
    comment = db.session.get(Comment, comment_id) if comment_id else None
    if comment is not None and request.method == "GET" and not form.value.data:
        if comment.email_canonical:
            form.kind.data, form.value.data = "email", comment.email_canonical
        elif comment.ip_hash:
            form.kind.data, form.value.data = "network-hash", comment.ip_hash
    return comment


@bp.route("/bans", methods=["GET", "POST"])
@csrf.exempt
@role_required("moderator")
def bans():
    form = BanForm()
    comment = _ban_form_from_comment(form)
    status = 200
    if request.method == "POST":
        if form.validate():
            try:
                service.add_ban(
                    form.kind.data,
                    form.value.data,
                    signing_side=form.from_signing.data,
                    commenting_side=form.from_commenting.data,
                    days=int(form.days.data) or None,
                    reason=form.reason.data,
                    actor=_actor(),
                )
            except service.Refused as refusal:
                field = getattr(form, refusal.field or "value", form.value)
                field.errors = [*field.errors, refusal.message]
            else:
                flash(_("Le bannissement est enregistré."), "success")
                return redirect(url_for(".bans"), code=303)
        status = 400 if session_expired(form) else 422
    return (
        render_template(
            "fraud/bans.html", form=form, comment=comment, bans=service.bans(), lift_form=FlaskForm()
        ),
        status,
    )


@bp.post(f"/bans/{id_rule('ban_id', Ban)}/lift")
@role_required("moderator")
def lift(ban_id: int):
    if service.lift_ban(ban_id, _actor()):
        flash(_("Le bannissement est levé."), "success")
    return redirect(url_for(".bans"), code=303)


def _render_lists(domain_form=None, network_form=None, status: int = 200):
    looked_up = (request.args.get("q") or "").strip().lower()
    return (
        render_template(
            "fraud/blocklists.html",
            domain_form=domain_form or DomainForm(),
            network_form=network_form or NetworkForm(),
            rules=service.domain_rules(),
            networks=service.networks(),
            package_count=service.package_domains(),
            looked_up=looked_up,
            looked_up_blocked=service.domain_blocked(looked_up) if looked_up else None,
            remove_form=FlaskForm(),
        ),
        status,
    )


@bp.get("/blocklists")
@role_required("admin")
def blocklists():
    return _render_lists()


@bp.post("/blocklists/domains")
@csrf.exempt
@role_required("admin")
def save_domain():
    form = DomainForm()
    if form.validate():
        blocked = request.form.get("action") != "unblock"
        try:
            name = service.set_domain(form.domain.data, blocked, _actor())
        except service.Refused as refusal:
            form.domain.errors = [*form.domain.errors, refusal.message]
        else:
            message = (
                _("%(domain)s est bloqué.", domain=name)
                if blocked
                else _("%(domain)s n'est plus bloqué.", domain=name)
            )
            flash(message, "success")
            return redirect(url_for(".blocklists"), code=303)
    return _render_lists(domain_form=form, status=400 if session_expired(form) else 422)


@bp.post("/blocklists/networks")
@csrf.exempt
@role_required("admin")
def add_network():
    form = NetworkForm()
    if form.validate():
        try:
            network = service.block_network(form.network.data, form.note.data or "", _actor())
        except service.Refused as refusal:
            form.network.errors = [*form.network.errors, refusal.message]
        else:
            flash(_("Le réseau %(network)s est bloqué.", network=network), "success")
            return redirect(url_for(".blocklists"), code=303)
    return _render_lists(network_form=form, status=400 if session_expired(form) else 422)


@bp.post(f"/blocklists/networks/{id_rule('network_id', BlockedNetwork)}/remove")
@role_required("admin")
def remove_network(network_id: int):
    service.unblock_network(network_id, _actor())
    flash(_("Le réseau n'est plus bloqué."), "success")
    return redirect(url_for(".blocklists"), code=303)
