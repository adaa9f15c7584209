from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_limiter.errors import RateLimitExceeded
from flask_wtf import FlaskForm

from petition.comments import authorship, labels, notifications, service, threads
from petition.comments.forms import CommentForm, EditForm, ReportForm
from petition.comments.models import Comment, CommentStatus, ReportReason
from petition.core.forms import session_expired
from petition.core.network import form_taken
from petition.database import id_rule, parse_id, parse_page
from petition.extensions import csrf, db, limiter
from petition.fraud import service as fraud
from petition.petitions import service as petitions
from petition.security import private_page

bp = Blueprint("comments", __name__)
bp.add_app_template_filter(labels.author, "author")
COMMENT_ID = id_rule("comment_id", Comment)


def _comment_limit() -> str:
    return current_app.config["RATELIMIT_COMMENT"]


def _report_limit() -> str:
    return current_app.config["RATELIMIT_REPORT"]


def _comment_or_404(comment_id: int) -> Comment:
    return db.session.get(Comment, comment_id) or abort(404)


def _thread_url(comment: Comment, owned_ids: set[int] | None = None, **args) -> str:
    owned = authorship.owned_ids() if owned_ids is None else owned_ids
    return url_for(
        "comments.thread",
        slug=comment.petition.slug,
        page=threads.page_of(comment, owned),
        _anchor=args.pop("_anchor", f"comment-{comment.id}"),
        **args,
    )


def render_thread(petition, form: CommentForm, number: int | None = None, status: int = 200, notice=None):
    """The full thread page; posting re-renders it with the visitor's input on error."""
    owned = authorship.owned_ids()
    answered_id = form.reply_to_id()
    answered = db.session.get(Comment, answered_id) if answered_id else None
    if number is None:
        # After a refused post: the page of the comment answered (its thread may no longer be
        # listed, hence the bound), or the last page, where a new comment goes.
        last = threads.page_count(petition.id, owned)
        same_petition = answered is not None and answered.petition_id == petition.id
        number = min(threads.page_of(answered, owned), last) if same_petition else last
    page = threads.page(petition.id, number, owned, authorship.owns) or abort(404)
    reply_anchor = answered_id if threads.shows_public(page.threads, answered_id) else None
    if reply_anchor is None and request.method == "GET":
        form.reply_to.data = ""  # a link to answer a comment that is not shown: a new comment instead
    return (
        render_template(
            "comments/page.html",
            petition=petitions.localized(petition),
            page=page,
            form=form,
            notice=notice,
            reply_anchor=reply_anchor,
            featured=threads.featured(petition.id) if page.number == 1 else [],
        ),
        status,
    )


@bp.get("/petitions/<slug>/comments")
def thread(slug: str):
    petition = petitions.row_of(slug) or abort(404)
    form = CommentForm()
    form.reply_to.data = str(parse_id(request.args.get("reply")) or "")
    return render_thread(petition, form, parse_page(request.args.get("page")) or abort(404))


@bp.errorhandler(RateLimitExceeded)
def too_many(error):
    """Over the limit, a comment form comes back with its text rather than a bare error page."""
    if request.endpoint == "comments.post":
        petition = petitions.by_slug(request.view_args["slug"]) or abort(404)
        notice = _(
            "Vous avez envoyé beaucoup de commentaires en peu de temps. Patientez quelques minutes, "
            "puis envoyez à nouveau : votre texte est gardé ci-dessous."
        )
        return render_thread(petition, CommentForm(), status=429, notice=notice)
    return render_template("errors/error.html", error=error), 429


# This form checks its own CSRF token, so that an expired token shows the form again with the
# text the visitor wrote instead of an error page.
@bp.post("/petitions/<slug>/comments")
@csrf.exempt
@limiter.limit(_comment_limit, deduct_when=form_taken)
def post(slug: str):
    petition = petitions.by_slug(slug) or abort(404)
    form = CommentForm()
    if not form.validate():
        if form.csrf_token.errors:
            form.csrf_token.errors = []
            notice = _("Votre session a expiré. Vérifiez votre commentaire et envoyez-le à nouveau.")
            return render_thread(petition, form, status=400, notice=notice)
        return render_thread(petition, form, status=422)
    if form.sent_too_fast(current_app.config["COMMENT_MIN_SECONDS"]):
        form.restart_timer()
        notice = _("Prenez un instant pour relire votre commentaire, puis envoyez-le à nouveau.")
        return render_thread(petition, form, status=422, notice=notice)
    if fraud.comment_refused(form.email.data, request.remote_addr):
        notice = _(
            "Les commentaires vous sont fermés sur ce site. Pour toute question, écrivez au comité par la page Contact."
        )
        return render_thread(petition, form, status=403, notice=notice)
    owned = authorship.owned_ids()
    petition_id = petition.id  # read before the service commits, which expires it
    try:
        comment, token = service.post(
            petition,
            service.Draft(
                author_name=form.author_name.data,
                text=form.text.data,
                email=form.email.data or None,
                reply_to_id=form.reply_to_id(),
                consent_wording=form.notification_consent(),
            ),
            locale=str(get_locale()),
            ip=request.remote_addr,
            robot_signal=form.robot_signal(),
            owned_ids=owned,
        )
    except service.Refused as refusal:
        if refusal.field:
            getattr(form, refusal.field).errors.append(refusal.message)
            return render_thread(petition, form, status=422)
        form.reply_to.data = ""
        return render_thread(petition, form, status=422, notice=refusal.message)
    except service.AlreadyReceived as repeat:
        flash(_("Ce commentaire était déjà reçu : il n'est enregistré qu'une fois."), "success")
        response = redirect(_thread_url(repeat.comment, owned | {repeat.comment.id}), code=303)
        authorship.remember(response, repeat.comment.id, repeat.token)
        return response

    if comment.is_public:
        flash(_("Merci, votre commentaire est publié."), "success")
    else:
        flash(
            _(
                "Merci ! Votre commentaire sera publié après relecture par l'équipe de modération. "
                "En attendant, vous seul(e) le voyez."
            ),
            "success",
        )
    if comment.email:
        flash(_("Pour être prévenu(e) des réponses, ouvrez le lien que nous vous avons envoyé par e-mail."))
    owned.add(comment.id)
    if form.reply_to_id() is None:
        # A new thread is the newest: it is on the last page, which costs no count of what is after it.
        number = threads.page_count(petition_id, owned)
        url = url_for("comments.thread", slug=slug, page=number, _anchor=f"comment-{comment.id}")
    else:
        url = _thread_url(comment, owned)
    response = redirect(url, code=303)
    authorship.remember(response, comment.id, token)
    return response


@bp.get(f"/comments/{COMMENT_ID}")
def permalink(comment_id: int):
    comment = _comment_or_404(comment_id)
    root = db.session.get(Comment, comment.thread_id)
    if not (root.listed or authorship.owns(comment)):
        abort(404)
    return redirect(_thread_url(comment))


@bp.get(f"/comments/{COMMENT_ID}/reply")
def reply(comment_id: int):
    """Where a "reply" link leads without JavaScript: the page with the form under the comment."""
    comment = _comment_or_404(comment_id)
    if not comment.is_public:
        abort(404)
    return redirect(_thread_url(comment, reply=comment.id, _anchor="comment-form"))


def _about(comment: Comment) -> dict:
    """What the pages about one comment show: the comment, and its petition in the page's language."""
    return {"comment": comment, "petition": petitions.localized(comment.petition)}


def _own_comment(comment_id: int) -> Comment:
    comment = _comment_or_404(comment_id)
    if not authorship.owns(comment):
        abort(403)
    return comment


# Forms that check their own CSRF token: an expired one shows the form again with what was typed.
@bp.route(f"/comments/{COMMENT_ID}/edit", methods=["GET", "POST"])
@csrf.exempt
def edit(comment_id: int):
    comment = _own_comment(comment_id)
    form = EditForm(obj=comment)
    if not service.still_editable(comment):
        return render_template("comments/edit.html", **_about(comment), form=None), 409
    if form.validate_on_submit():
        try:
            service.edit(comment, form.author_name.data, form.text.data)
        except service.Refused as refusal:
            getattr(form, refusal.field or "text").errors.append(refusal.message)
        else:
            flash(
                _(
                    "Votre modification est enregistrée. Le commentaire sera de nouveau visible de tous "
                    "après relecture par l'équipe de modération."
                ),
                "success",
            )
            return redirect(_thread_url(comment), code=303)
    status = 400 if session_expired(form) else 422 if form.errors else 200
    return render_template("comments/edit.html", **_about(comment), form=form), status


@bp.route(f"/comments/{COMMENT_ID}/delete", methods=["GET", "POST"])
def delete(comment_id: int):
    comment = _own_comment(comment_id)
    if not service.still_editable(comment):
        return render_template("comments/delete.html", **_about(comment), form=None), 409
    form = FlaskForm()
    if form.validate_on_submit():
        petition = comment.petition
        service.delete_by_author(comment)
        flash(_("Votre commentaire est supprimé."), "success")
        return redirect(url_for("comments.thread", slug=petition.slug), code=303)
    return render_template("comments/delete.html", **_about(comment), form=form)


@bp.route(f"/comments/{COMMENT_ID}/report", methods=["GET", "POST"])
@csrf.exempt
@limiter.limit(_report_limit, methods=["POST"], deduct_when=form_taken)
def report(comment_id: int):
    comment = _comment_or_404(comment_id)
    if not comment.is_public:
        abort(404)
    form = ReportForm()
    if form.validate_on_submit():
        back = _thread_url(comment)
        reader, new_reader = authorship.reader_key()
        counted = service.report(
            comment, ReportReason(form.reason.data), form.note.data, reader_key=reader, ip=request.remote_addr
        )
        if counted:
            flash(_("Merci : votre signalement est transmis à l'équipe de modération."), "success")
        else:
            flash(_("Vous avez déjà signalé ce commentaire : l'équipe de modération l'examinera."))
        response = redirect(back, code=303)
        if new_reader:
            authorship.set_reader_key(response, reader)
        return response
    status = 400 if session_expired(form) else 422 if form.errors else 200
    return render_template("comments/report.html", **_about(comment), form=form), status


def _notification_link(token: str):
    try:
        return notifications.load(token), None
    except notifications.BadLink as error:
        page = render_template("comments/notifications.html", bad_link=True, expired=error.expired)
        return None, (page, 410 if error.expired else 404)


@bp.route("/comments/notifications/confirm/<token>", methods=["GET", "POST"])
@private_page
def confirm_notifications(token: str):
    comment_id, error = _notification_link(token)
    if error:
        return error
    comment = db.session.get(Comment, comment_id)
    if comment is None or comment.status == CommentStatus.DELETED:
        return render_template("comments/notifications.html", bad_link=True, expired=False), 404
    form = FlaskForm()
    if form.validate_on_submit():
        notifications.confirm(comment)
        return redirect(request.path, code=303)
    return render_template("comments/notifications.html", comment=comment, form=form)
