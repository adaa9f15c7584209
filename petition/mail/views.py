"""The address in a list mail's unsubscribe link and List-Unsubscribe header (RFC 8058)."""

from flask import Blueprint, make_response, redirect, render_template, request

from petition.extensions import csrf
from petition.mail import service
from petition.security import private_page

bp = Blueprint("mail", __name__)


@bp.route("/mail/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # The signed token in the address is the proof; one-click POSTs carry no cookie (RFC 8058).
@private_page
def unsubscribe(token: str):
    """GET shows what the link stops and a button; POST (the button, or a mail client's one-click
    `List-Unsubscribe=One-Click`) stops it. A GET alone changes nothing: link scanners open links."""
    target = service.unsubscribe_target(token)
    if target is None:
        response = make_response(render_template("mail/unsubscribe.html", bad_link=True), 404)
    elif request.method == "POST":
        mailing_list, subject_id = target
        mailing_list.unsubscribe(subject_id)
        response = redirect(request.full_path.rstrip("?"), code=303)
    else:
        mailing_list, subject_id = target
        subscribed = mailing_list.subscribed(subject_id)
        response = make_response(
            render_template("mail/unsubscribe.html", about=mailing_list.about, subscribed=bool(subscribed))
        )
    return response
