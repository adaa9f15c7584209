from flask import render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from petition.extensions import db


def register(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_template("errors/csrf.html", back=request.referrer), 400

    @app.errorhandler(HTTPException)
    def http_error(error):
        if request.path.startswith("/api/"):
            return {"error": error.name, "status": error.code}, error.code
        return render_template("errors/error.html", error=error), error.code

    @app.errorhandler(InternalServerError)
    def server_error(error):
        db.session.rollback()
        return render_template("errors/error.html", error=error), 500
