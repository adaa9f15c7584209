from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError

from petition.extensions import db
from petition.petitions import service as petitions
from petition.security import noindex


def register(app) -> None:
    @app.before_request
    def refuse_nul_in_address():
        # No address of the site contains a NUL byte, and PostgreSQL refuses them in text.
        if "\x00" in request.path or b"%00" in request.query_string:
            abort(404)

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        noindex()
        return render_template("errors/csrf.html", back=request.referrer), 400

    @app.errorhandler(SecurityError)
    def untrusted_host(error):
        # A Host outside TRUSTED_HOSTS: no address of the site can be built for it, so the
        # answer is plain text, without links.
        return _("Ce site ne répond pas sous ce nom."), 400, {"Content-Type": "text/plain; charset=utf-8"}

    @app.errorhandler(HTTPException)
    def http_error(error):
        if error.code == 404 and (moved := _renamed_address()):
            return redirect(moved, code=301)
        noindex()
        if request.path.startswith("/api/"):
            return {"error": error.name, "status": error.code}, error.code
        return render_template("errors/error.html", error=error), error.code

    @app.errorhandler(InternalServerError)
    def server_error(error):
        noindex()
        db.session.rollback()
        return render_template("errors/error.html", error=error), 500


def _renamed_address() -> str | None:
    """The same page at the petition's new address, when a GET names one it had before being
    renamed (before its first signature: petitions.service.save_french). Looked up only once the
    address has given a 404, so that no other request pays for it."""
    slug = (request.view_args or {}).get("slug")
    if request.method not in ("GET", "HEAD") or not slug or request.endpoint is None:
        return None
    new_slug = petitions.renamed_to(slug)
    if new_slug is None:
        return None
    return url_for(request.endpoint, **{**request.view_args, "slug": new_slug, **request.args.to_dict()})
