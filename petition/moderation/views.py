from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from petition.accounts.access import role_required
from petition.comments import labels, words
from petition.comments import service as comments
from petition.comments.models import Comment, RejectReason, WordKind
from petition.core.forms import session_expired
from petition.database import id_rule, parse_id, parse_page
from petition.extensions import csrf, db
from petition.moderation import queue, service
from petition.moderation.forms import ModerationModeForm, OfficialReplyForm, WordListsForm, reject_choices
from petition.moderation.service import Action
from petition.petitions import service as petitions
from petition.petitions.models import CommentModeration

bp = Blueprint("moderation", __name__, url_prefix="/admin/moderation")

QUEUES = {"pending": queue.pending, "reported": queue.reported, "decided": queue.decided}


def _page() -> int:
    return parse_page(request.args.get("page")) or 1


def _render_queue(name: str):
    items = QUEUES[name](_page())
    return render_template(
        "moderation/queue.html",
        queue_name=name,
        items=items,
        counts=queue.counts(),
        page=_page(),
        per_page=queue.PER_PAGE,
        reject_choices=reject_choices(),
        labels=labels,
    )


@bp.get("")
@role_required("moderator")
def pending():
    return _render_queue("pending")


@bp.get("/reported")
@role_required("moderator")
def reported():
    return _render_queue("reported")


@bp.get("/decided")
@role_required("moderator")
def decided():
    return _render_queue("decided")


def _reason(raw: str | None) -> RejectReason:
    try:
        return RejectReason(raw)
    except ValueError:
        return RejectReason.RULES


DONE = {
    Action.APPROVE: lambda n: ngettext("%(num)d commentaire approuvé.", "%(num)d commentaires approuvés.", n),
    Action.REJECT: lambda n: ngettext("%(num)d commentaire refusé.", "%(num)d commentaires refusés.", n),
    Action.SPAM: lambda n: ngettext(
        "%(num)d commentaire marqué comme spam.", "%(num)d commentaires marqués comme spam.", n
    ),
    Action.DELETE: lambda n: ngettext("%(num)d commentaire supprimé.", "%(num)d commentaires supprimés.", n),
    Action.FEATURE: lambda n: ngettext(
        "%(num)d commentaire mis en avant.", "%(num)d commentaires mis en avant.", n
    ),
    Action.UNFEATURE: lambda n: ngettext(
        "%(num)d commentaire n'est plus mis en avant.", "%(num)d commentaires ne sont plus mis en avant.", n
    ),
}


@bp.post("/act")
@role_required("moderator")
def act():
    """One action on one comment (a button of the item), or on the selection (a bulk button)."""
    queue_name = request.form.get("queue") if request.form.get("queue") in QUEUES else "pending"
    wants_json = request.accept_mimetypes.best == "application/json"
    if request.form.get("action"):
        verb, _sep, raw_id = request.form["action"].partition(":")
        ids = [i for i in [parse_id(raw_id)] if i is not None]
        reason = _reason(request.form.get(f"reason-{raw_id}"))
    else:
        verb = request.form.get("bulk", "")
        ids = [i for i in (parse_id(raw) for raw in request.form.getlist("ids")) if i is not None]
        reason = _reason(request.form.get("bulk_reason"))
    try:
        action = Action(verb)
    except ValueError:
        abort(400)
    if not ids:
        message = _(
            "Aucun commentaire n'était coché : rien n'a été fait. Cochez les commentaires, puis choisissez l'action groupée."
        )
        if wants_json:
            return jsonify(ok=False, message=message), 422
        flash(message, "error")
        return redirect(url_for(f"moderation.{queue_name}"), code=303)
    if action == Action.DELETE and request.form.get("confirmed") != "yes":
        # Deleting is final: one click only shows what would go, a second one on that page deletes.
        return render_template(
            "moderation/confirm_delete.html",
            comments=service.deletable(ids),
            queue_name=queue_name,
            labels=labels,
        )

    changed = service.act(action, ids, current_user._get_current_object(), reason)
    message = DONE[action](len(changed))
    if changed and action in (Action.REJECT, Action.SPAM):
        # A single key does this: say where it can be undone.
        message += " " + _("Pour revenir sur cette décision : « Décidés cette semaine ».")
    if wants_json:
        return jsonify(
            ok=True,
            message=message,
            counts=vars(queue.counts()),
            changed=[
                {
                    "id": c.id,
                    "remove": not queue.holds(queue_name, c),
                    "state": str(labels.status(c)),
                    "featured": c.is_featured,
                    "public": c.is_public,
                }
                for c in changed
            ],
        )
    flash(message, "success")
    return redirect(url_for(f"moderation.{queue_name}"), code=303)


# The forms with typed text check their own CSRF token: an expired one shows the text again.
@bp.route(f"/comments/{id_rule('comment_id', Comment)}/reply", methods=["GET", "POST"])
@csrf.exempt
@role_required("moderator")
def reply(comment_id: int):
    comment = db.session.get(Comment, comment_id) or abort(404)
    back = request.args.get("queue") if request.args.get("queue") in QUEUES else "pending"
    form = OfficialReplyForm()
    if form.validate_on_submit():
        try:
            service.official_reply(comment, form.text.data, current_user._get_current_object())
        except comments.Refused as refusal:
            form.text.errors.append(refusal.message)
        else:
            flash(_("La réponse du comité est publiée."), "success")
            return redirect(url_for(f"moderation.{back}"), code=303)
    status = 400 if session_expired(form) else 422 if form.errors else 200
    return (
        render_template(
            "moderation/reply.html", item=queue.item(comment), form=form, back=back, labels=labels
        ),
        status,
    )


@bp.get("/settings")
@role_required("admin")
def settings():
    form = WordListsForm(
        banned="\n".join(words.listed(WordKind.BANNED)), suspect="\n".join(words.listed(WordKind.SUSPECT))
    )
    return _render_settings(form)


def _render_settings(form: WordListsForm, status: int = 200):
    modes = [
        (petition, ModerationModeForm(mode=petition.comment_moderation.value))
        for petition in service.petitions()
    ]
    return render_template("moderation/settings.html", form=form, modes=modes), status


@bp.post("/settings/words")
@csrf.exempt
@role_required("admin")
def save_words():
    form = WordListsForm()
    if not form.validate():
        return _render_settings(form, 400 if session_expired(form) else 422)
    if service.save_words(words.parse(form.suspect.data or ""), words.parse(form.banned.data or "")):
        flash(_("Les listes de mots sont enregistrées."), "success")
    else:
        flash(_("Aucun changement dans les listes de mots."))
    return redirect(url_for("moderation.settings"), code=303)


@bp.post("/settings/petitions/<slug>")
@role_required("admin")
def save_mode(slug: str):
    petition = petitions.by_slug(slug) or abort(404)
    form = ModerationModeForm()
    if not form.validate():
        abort(400)
    service.set_moderation(petition, CommentModeration(form.mode.data))
    flash(_("Le réglage de modération est enregistré."), "success")
    return redirect(url_for("moderation.settings"), code=303)
