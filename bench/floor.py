"""The stack floor: a bare Flask-WTF form whose POST stores one row with Flask-SQLAlchemy.

What Flask, Flask-WTF (CSRF, validation) and SQLAlchemy themselves cost for a form POST with one
INSERT, served the same way as the site (gunicorn sync workers, the same database engine with
the same SQLite settings). bench/run.py reads the signature POST as a ratio to it.

    FLOOR_DATABASE_URL=sqlite:///... SECRET_KEY=... gunicorn bench.floor:app
    FLOOR_DATABASE_URL=... python -m bench.floor      # creates the table, once
"""

import os

from flask import Flask, redirect, render_template_string
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import FlaskForm
from sqlalchemy import String, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from wtforms import EmailField, StringField
from wtforms.validators import DataRequired, Email, Length


class Base(DeclarativeBase):
    pass


app = Flask(__name__)
app.config.update(
    SECRET_KEY=os.environ.get("SECRET_KEY", "floor-secret-key-long-enough-0123456789"),
    SQLALCHEMY_DATABASE_URI=os.environ.get("FLOOR_DATABASE_URL", "sqlite:///floor.db"),
)
db = SQLAlchemy(app, model_class=Base)


@event.listens_for(Engine, "connect")
def _sqlite_like_the_site(connection, record) -> None:
    # The site's SQLite settings (petition/database.py): WAL and a busy timeout.
    if type(connection).__module__.startswith("sqlite3"):
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()


class Row(db.Model):
    __tablename__ = "floor_rows"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    email: Mapped[str] = mapped_column(String(254))


class RowForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=60)])
    email = EmailField("Email", validators=[DataRequired(), Email()])


PAGE = """<!doctype html><form method="post">{{ form.csrf_token }}
{{ form.name.label }} {{ form.name }} {{ form.email.label }} {{ form.email }}
<button>Send</button></form>"""


@app.route("/", methods=["GET", "POST"])
def index():
    form = RowForm()
    if form.validate_on_submit():
        db.session.add(Row(name=form.name.data, email=form.email.data))
        db.session.commit()
        return redirect("/", code=303)
    return render_template_string(PAGE, form=form)


if __name__ == "__main__":
    with app.app_context():
        db.create_all()
