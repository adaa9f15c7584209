"""A database made before the new petition text and the town-only rule gets them on upgrade."""

from datetime import datetime

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from petition import create_app
from petition.extensions import db
from petition.petitions import seed
from petition.petitions.seed_translations import TRANSLATIONS

OLD_TITLE = "Rendez-nous KLEEMA : rétablissez la ligne vers Wana"
OLD_ENGLISH_TITLE = "Give us back KLEEMA: restore the line to Wana"


@pytest.fixture
def old_database(tmp_path):
    """A SQLite file at the revision before these changes, holding the text seeded back then."""
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.db'}",
            "AUTO_SETUP": False,
            "SECRET_KEY": "test-secret-key-that-is-long-enough-for-tests",
            "TESTING": True,
        }
    )
    with app.app_context():
        directory = app.extensions["migrate"].directory
        upgrade(directory=directory, revision="0011_comment_author_deleted")
        now = datetime(2026, 11, 1)
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO petitions (id, slug, title, summary, addressee, letter, background, demands,"
                    " goal, is_open, is_featured, created_dt) VALUES (1, 'kleema', :title, :summary,"
                    " 'À Wana', 'Nous ne sommes pas juges : la justice en est saisie.', :background, 'Rétablir.',"
                    " 50000, :yes, :yes, :now)"
                ),
                {
                    "title": OLD_TITLE,
                    "summary": "Un résumé qu'un admin a réécrit depuis.",
                    "background": "Lundi, 17 h : coupure ; pourquoi ?",
                    "yes": True,
                    "now": now,
                },
            )
            connection.execute(
                text(
                    "INSERT INTO petition_translations (petition_id, locale, title, updated_dt)"
                    " VALUES (1, 'en', :title, :now)"
                ),
                {"title": OLD_ENGLISH_TITLE, "now": now},
            )
            for number, city in enumerate(["Madrid 28001", "75011", "Lyon", None]):
                connection.execute(
                    text(
                        "INSERT INTO signatures (id, petition_id, token, status, first_name, last_name, email,"
                        " email_canonical, country, city, is_subscriber, show_name, wants_updates,"
                        " consent_wording, locale, created_dt) VALUES (:id, 1, :token, 'confirmed', 'Ana',"
                        " 'B', :email, :email, 'ES', :city, :no, :yes, :no, 'oui', 'fr', :now)"
                    ),
                    {
                        "id": number + 1,
                        "token": f"token{number}",
                        "email": f"a{number}@example.org",
                        "city": city,
                        "yes": True,
                        "no": False,
                        "now": now,
                    },
                )
        yield app, directory
        db.session.remove()
        db.engine.dispose()


def test_upgrading_brings_the_new_seeded_text_and_keeps_edited_text(old_database):
    app, directory = old_database
    with app.app_context():
        upgrade(directory=directory)
        with db.engine.connect() as connection:
            petition = connection.execute(
                text("SELECT title, summary, letter, background FROM petitions")
            ).one()
            english = connection.scalar(text("SELECT title FROM petition_translations WHERE locale = 'en'"))
    assert petition.title == seed.TITLE
    assert english == TRANSLATIONS["en"]["title"]
    assert petition.summary == "Un résumé qu'un admin a réécrit depuis."  # not the seeded text: kept
    assert petition.letter == "Nous ne sommes pas juges\u00a0: la justice en est saisie."
    assert petition.background == "Lundi, 17 h\u00a0: coupure\u00a0; pourquoi\u00a0?"


def test_upgrading_keeps_only_the_town_of_stored_signatures(old_database):
    app, directory = old_database
    with app.app_context():
        upgrade(directory=directory)
        with db.engine.connect() as connection:
            cities = connection.scalars(text("SELECT city FROM signatures ORDER BY id")).all()
    assert cities == ["Madrid", None, "Lyon", None]
