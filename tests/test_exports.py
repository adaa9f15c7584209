"""Handing the signatures over: the CSV read back, the delivery dossier parsed as a PDF, the
public counts per country and per day, and who may export (always with a reason, in the log)."""

import csv
import io
import re
import unicodedata
from datetime import datetime, timedelta
from html import unescape
from pathlib import Path

import pytest
from flask_babel import force_locale, gettext
from pypdf import PdfReader
from sqlalchemy import func, select

from petition.audit.models import AuditEntry
from petition.extensions import db
from petition.signing.models import SignatureStatus
from tests.exports_helpers import add_signatures
from tests.helpers import form_tokens
from tests.sharing_helpers import add_petition

LANGS = ["fr", "ar", "en"]
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
REASON = "Remise des signatures à Wana le 15 septembre"
# What a spreadsheet would run: each must come back as text, behind an apostrophe.
FORMULAS = ['=HYPERLINK("http://x.example","x")', "+33 6 12", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1"]


def said(app, lang: str, msgid: str, **params) -> str:
    with app.test_request_context(), force_locale(lang):
        return gettext(msgid, **params)


def admin_client(app, staff, lang="fr"):
    client = app.test_client()
    staff.login(client, "admin")
    client.set_cookie("lang", lang)
    return client


def export_page(client, lang="fr") -> str:
    response = client.get("/admin/exports", query_string={"lang": lang})
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def post_csv(client, lang="fr", **fields):
    data = {"petition": "kleema", "reason": REASON, **fields, **form_tokens(export_page(client, lang))}
    return client.post("/admin/exports/csv", data={k: v for k, v in data.items() if v is not None})


def post_dossier(client, lang="fr", **fields):
    data = {
        "petition": "kleema",
        "language": "fr",
        "reason": REASON,
        **fields,
        **form_tokens(export_page(client, lang)),
    }
    return client.post("/admin/exports/dossier", data={k: v for k, v in data.items() if v is not None})


def read_csv(response) -> list[list[str]]:
    body = response.get_data()
    assert body.startswith("\ufeff".encode()), "Excel needs the byte order mark to read UTF-8"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def audit_entries(app, action: str) -> list[AuditEntry]:
    with app.app_context():
        found = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        ).all()
        db.session.expunge_all()
        return found


def pdf_text(pdf: bytes) -> list[str]:
    return [unicodedata.normalize("NFKC", page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]


# Who may export


def test_moderators_get_a_403_and_visitors_the_login_page(app, client, staff):
    assert client.get("/admin/exports").headers["Location"].startswith("/admin/login")
    moderator = app.test_client()
    staff.login(moderator, "moderator")
    assert moderator.get("/admin/exports").status_code == 403
    token = form_tokens(moderator.get("/admin/").get_data(as_text=True))
    for path in ("/admin/exports/csv", "/admin/exports/dossier"):
        response = moderator.post(path, data={"petition": "kleema", "reason": REASON, **token})
        assert response.status_code == 403, path
    assert "/admin/exports" not in moderator.get("/admin/").get_data(as_text=True)
    assert audit_entries(app, "export.csv") == [] and audit_entries(app, "export.dossier") == []


def test_admins_reach_the_exports_from_the_dashboard(app, staff):
    admin = admin_client(app, staff)
    dashboard = admin.get("/admin/").get_data(as_text=True)
    assert 'href="/admin/exports"' in dashboard


@pytest.mark.parametrize("lang", LANGS)
def test_an_export_without_a_reason_is_refused_in_the_admins_language(app, staff, lang):
    admin = admin_client(app, staff, lang)
    for post in (post_csv, post_dossier):
        response = post(admin, lang, reason="   ", include_email="y")
        assert response.status_code == 422
        html = unescape(response.get_data(as_text=True))
        assert said(app, lang, "Dites pourquoi vous exportez les signatures.") in html
        assert f'<html lang="{lang}"' in html
    assert 'name="include_email" type="checkbox" value="y" checked' in html or post is post_dossier
    assert audit_entries(app, "export.csv") == [] and audit_entries(app, "export.dossier") == []


def test_a_form_sent_without_its_token_comes_back_with_the_reason(app, staff):
    admin = admin_client(app, staff)
    export_page(admin)
    response = admin.post("/admin/exports/csv", data={"petition": "kleema", "reason": REASON})
    assert response.status_code == 400
    assert REASON in unescape(response.get_data(as_text=True))
    assert audit_entries(app, "export.csv") == []


# The CSV


def test_the_csv_holds_the_counted_signatures_without_addresses_unless_asked(app, signer, staff):
    signer.sign_and_confirm(email="fatima@example.org", first_name="Fatima", last_name="Benali", city="Lyon")
    signer.sign(email="pending@example.org", first_name="Pending")
    signer.sign_and_confirm(email="gone@example.org", first_name="Withdrawn")
    signer.press_button(signer.withdraw_link("gone@example.org"))
    add_signatures(
        app,
        [
            {"first_name": "Karim", "last_name": "Idrissi", "country": "MA", "is_subscriber": True},
            {"first_name": "Suspect", "flag_reason": "rate"},
        ],
    )
    admin = admin_client(app, staff)

    response = post_csv(admin)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="signatures-kleema-')
    rows = read_csv(response)
    heading, *people = rows
    assert heading == [
        "Prénom",
        "Nom",
        "Ville",
        "Pays",
        "Code pays",
        "Confirmée le (UTC)",
        "Abonné(e) KLEEMA",
    ]
    by_name = {row[0]: row for row in people}
    assert set(by_name) == {"Fatima", "Karim"}
    assert by_name["Fatima"][1:5] == ["Benali", "Lyon", "France", "FR"]
    assert by_name["Karim"][3:5] == ["Maroc", "MA"] and by_name["Karim"][6] == "oui"
    assert by_name["Fatima"][6] == "non"
    datetime.fromisoformat(by_name["Fatima"][5])
    assert "@" not in response.get_data(as_text=True)

    with_email = read_csv(post_csv(admin, include_email="y"))
    assert with_email[0][-1] == "Adresse e-mail"
    assert {row[0]: row[-1] for row in with_email[1:]}["Fatima"] == "fatima@example.org"


def test_cells_a_spreadsheet_would_run_are_escaped(app, staff):
    add_signatures(app, [{"first_name": formula, "last_name": "Ok", "city": formula} for formula in FORMULAS])
    rows = read_csv(post_csv(admin_client(app, staff)))[1:]
    assert sorted(row[0] for row in rows) == sorted(f"'{formula}" for formula in FORMULAS)
    assert all(row[2] == row[0] for row in rows)
    assert all(row[1] == "Ok" for row in rows)


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_the_csv_speaks_the_admins_language(app, staff, lang):
    add_signatures(app, [{"country": "MA", "is_subscriber": True}])
    heading, row = read_csv(post_csv(admin_client(app, staff, lang), lang))
    assert heading[0] == said(app, lang, "Prénom")
    assert row[3] == {"ar": "المغرب", "en": "Morocco"}[lang]
    assert row[6] == said(app, lang, "oui")


def test_the_csv_is_sent_in_pieces_as_it_is_read(app, staff):
    total = 5000
    add_signatures(app, [{} for _ in range(total)])
    response = post_csv(admin_client(app, staff))
    assert response.is_streamed
    chunks = iter(response.response)
    first = next(chunks)
    first = first.decode() if isinstance(first, bytes) else first
    # A piece holds one batch of rows, never the whole table.
    assert 1 < first.count("\r\n") <= 1001
    rest = "".join(c.decode() if isinstance(c, bytes) else c for c in chunks)
    assert (first + rest).count("\r\n") == total + 1
    response.close()


def test_every_export_is_in_the_log_with_who_and_why(app, staff):
    add_signatures(app, [{}, {}])
    admin = app.test_client()
    address = staff.login(admin, "admin")
    post_csv(admin, include_email="y").close()
    assert post_dossier(admin, language="ar", reason="Audience du 15").status_code == 200
    [csv_entry] = audit_entries(app, "export.csv")
    [dossier_entry] = audit_entries(app, "export.dossier")
    assert csv_entry.note == REASON and csv_entry.after == {"signatures": 2, "include_email": True}
    assert dossier_entry.note == "Audience du 15"
    assert dossier_entry.after["language"] == "ar" and dossier_entry.after["signatures"] == 2
    with app.app_context():
        actor = db.session.scalar(select(AuditEntry).where(AuditEntry.id == csv_entry.id)).actor
        assert actor.email == address
    log = unescape(admin.get("/admin/audit").get_data(as_text=True))
    assert "Signatures exportées en CSV" in log and REASON in log
    assert "Dossier de remise demandé" in log and "العربية" in log


# The delivery dossier


@pytest.mark.parametrize("lang", LANGS)
def test_the_dossier_holds_the_count_the_names_by_country_and_page_numbers(app, signer, staff, lang):
    signer.sign_and_confirm(
        email="fatima@example.org", first_name="فاطمة", last_name="الزهراء", country="MA", city="Fès"
    )
    add_signatures(
        app, [{"first_name": "Jean", "last_name": f"Martin{n}", "country": "BE"} for n in range(400)]
    )
    add_signatures(
        app, [{"first_name": "Nadia", "last_name": "Retirée", "status": SignatureStatus.WITHDRAWN}]
    )
    admin = admin_client(app, staff)

    response = post_dossier(admin, language=lang)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert f"dossier-kleema-{lang}-" in response.headers["Content-Disposition"]
    ARTIFACTS.mkdir(exist_ok=True)  # for people to look at, as the browser tests' screenshots
    (ARTIFACTS / f"dossier-{lang}.pdf").write_bytes(response.get_data())
    pages = pdf_text(response.get_data())
    assert len(pages) >= 3
    whole = "\n".join(pages)
    assert said(app, lang, "%(num)s signatures au %(date)s", num="401", date="").split()[0] in pages[0]
    assert "401" in pages[0]
    assert "فاطمة الزهراء" in whole
    assert "Retirée" not in whole
    morocco = {"fr": "Maroc", "ar": "المغرب", "en": "Morocco"}[lang]
    belgium = {"fr": "Belgique", "ar": "بلجيكا", "en": "Belgium"}[lang]
    assert morocco in whole and belgium in whole
    for number, text in enumerate(pages, start=1):
        expected = said(app, lang, "Page %(page)s sur %(pages)s", page=number, pages=len(pages))
        # The footer is the page's last line; pypdf gives a right-to-left line's runs in the
        # order they are drawn, so the Arabic footer is compared by its characters.
        footer = text.strip().splitlines()[-1]
        assert sorted(footer.replace(" ", "")) == sorted(expected.replace(" ", "")), (number, footer)


def test_the_dossier_names_the_committees_contact(app, staff):
    app.config["COMMITTEE_CONTACT"] = "12 rue des Lilas, 75011 Paris|+33 1 23 45 67 89"
    pdf = post_dossier(admin_client(app, staff)).get_data()
    first = pdf_text(pdf)[0]
    assert "12 rue des Lilas, 75011 Paris" in first and "+33 1 23 45 67 89" in first
    assert "http://localhost/contact" in first
    assert "Comité de soutien à KLEEMA" in first


def test_an_unknown_petition_or_language_is_refused_with_the_page(app, staff):
    admin = admin_client(app, staff)
    assert post_dossier(admin, petition="nowhere").status_code == 422
    assert post_dossier(admin, language="de").status_code == 422
    assert audit_entries(app, "export.dossier") == []


def test_a_second_petition_is_exported_apart(app, staff):
    add_petition(app, "ligne", "Rendez-nous la ligne")
    add_signatures(app, [{"first_name": "Premier"}])
    add_signatures(app, [{"first_name": "Second"}], slug="ligne")
    rows = read_csv(post_csv(admin_client(app, staff), petition="ligne"))
    assert [row[0] for row in rows[1:]] == ["Second"]


def test_a_big_dossier_is_built_by_the_command_then_downloaded(app, staff, runner):
    app.config["DOSSIER_BUILD_IN_REQUEST"] = 2
    add_signatures(
        app, [{"first_name": "Karim", "last_name": f"Idrissi {n}", "country": "MA"} for n in range(3)]
    )
    admin = admin_client(app, staff)
    response = post_dossier(admin, language="en", reason="Hearing on the 15th")
    assert response.status_code == 303 and response.headers["Location"].endswith("/admin/exports#dossiers")
    page = unescape(admin.get("/admin/exports").get_data(as_text=True))
    assert "Hearing on the 15th" in page and said(app, "fr", "En préparation…") in page
    assert "/admin/exports/dossiers/" not in page

    result = runner.invoke(args=["exports", "build"])
    assert result.exit_code == 0 and "1 dossier(s) built." in result.output
    assert "0 dossier(s) built." in runner.invoke(args=["exports", "build"]).output

    page = admin.get("/admin/exports").get_data(as_text=True)
    [link] = re.findall(r'href="(/admin/exports/dossiers/\d+)"', page)
    assert audit_entries(app, "export.dossier_download") == []
    download = admin.get(link)
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert "dossier-kleema-en-" in download.headers["Content-Disposition"]
    first = pdf_text(download.get_data())[0]
    assert "3 signatures on" in first
    [entry] = audit_entries(app, "export.dossier_download")
    assert entry.note == "Hearing on the 15th" and entry.after["signatures"] == 3

    moderator = app.test_client()
    staff.login(moderator, "moderator")
    assert moderator.get(link).status_code == 403
    assert admin.get("/admin/exports/dossiers/999999").status_code == 404


def test_a_dossier_left_by_a_killed_builder_is_taken_again(app, staff):
    from petition.exports import service
    from petition.exports.models import Dossier

    app.config["DOSSIER_BUILD_IN_REQUEST"] = 0
    add_signatures(app, [{}])
    post_dossier(admin_client(app, staff))
    with app.app_context():
        taken = service.claim()
        assert taken is not None and service.claim() is None  # another builder finds nothing
        dossier = db.session.get(Dossier, taken)
        dossier.started_dt -= service.STALE + timedelta(minutes=1)
        db.session.commit()
        assert service.claim() == taken
        assert service.build(taken).ready
        db.session.remove()


def test_a_dossier_that_cannot_be_built_says_so(app, staff, runner, monkeypatch):
    from petition.exports import service

    def broken(*args, **kwargs):
        raise OSError("no space left on device")

    app.config["DOSSIER_BUILD_IN_REQUEST"] = 0
    add_signatures(app, [{}])
    admin = admin_client(app, staff, "en")
    assert post_dossier(admin, "en").status_code == 303
    monkeypatch.setattr(service, "render_dossier", broken)
    assert "0 dossier(s) built." not in runner.invoke(args=["exports", "build"]).output
    page = unescape(admin.get("/admin/exports?lang=en").get_data(as_text=True))
    assert "Preparing it failed. Ask for it again" in page
    assert "/admin/exports/dossiers/" not in page


def test_dossiers_are_forgotten_after_their_days(app, staff):
    from petition.exports import service
    from petition.exports.models import Dossier

    add_signatures(app, [{}])
    post_dossier(admin_client(app, staff)).close()
    with app.app_context():
        assert service.forget_old() == 0
        dossier = db.session.scalar(select(Dossier))
        dossier.requested_dt -= timedelta(days=app.config["DOSSIER_KEEP_DAYS"], minutes=1)
        db.session.commit()
        assert service.forget_old() == 1
        assert db.session.scalar(select(func.count()).select_from(Dossier)) == 0
        db.session.remove()
    assert len(audit_entries(app, "export.dossier")) == 1


def test_a_signer_who_erases_their_data_takes_the_dossiers_naming_them(app, staff, signer):
    from petition.core import personal_data
    from petition.exports.models import Dossier

    signer.sign_and_confirm(email="Fatima@example.org", first_name="Fatima")
    post_dossier(admin_client(app, staff)).close()
    [holder] = [h for h in personal_data.holders() if h.name == "dossiers"]
    with app.test_request_context():
        assert holder.export("nobody@example.org") == []
        [record] = holder.export("fatima@example.org")
        assert record["petition"] == "kleema" and record["language"] == "fr"
        assert holder.erase("fatima@example.org", personal_data.Erasure()) == 1
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(Dossier)) == 0
        db.session.remove()


# The public counts


def test_the_public_counts_per_country_and_day_carry_no_name(app, client, signer):
    signer.sign_and_confirm(email="a@example.org", first_name="Fatima", country="FR")
    signer.sign_and_confirm(email="b@example.org", first_name="Karim", country="MA")
    signer.sign(email="c@example.org", first_name="Pending", country="MA")
    response = client.get("/api/petitions/kleema/counts.json")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=60"
    assert "Set-Cookie" not in response.headers
    data = response.get_json()
    assert set(data) == {"slug", "count", "countries", "days"}
    assert data["slug"] == "kleema" and data["count"] == 2
    assert data["countries"] == {"FR": 1, "MA": 1}
    [(day, n)] = data["days"].items()
    assert n == 2 and datetime.strptime(day, "%Y-%m-%d")
    body = response.get_data(as_text=True)
    assert "Fatima" not in body and "Karim" not in body and "example.org" not in body
    assert (
        client.get(
            "/api/petitions/kleema/counts.json", headers={"If-None-Match": response.headers["ETag"]}
        ).status_code
        == 304
    )
    assert client.get("/api/petitions/nowhere/counts.json").status_code == 404


def test_the_public_counts_are_kept_in_the_cache(app, client, signer):
    signer.sign_and_confirm(email="a@example.org")
    assert client.get("/api/petitions/kleema/counts.json").get_json()["count"] == 1
    signer.sign_and_confirm(email="b@example.org")
    assert client.get("/api/petitions/kleema/counts.json").get_json()["count"] == 1
    assert signer.count() == 2
    from petition.extensions import cache

    with app.app_context():
        cache.clear()
    assert client.get("/api/petitions/kleema/counts.json").get_json()["days"] != {}
    assert client.get("/api/petitions/kleema/counts.json").get_json()["count"] == 2


def test_the_exports_page_and_the_dossier_are_valid_html(app, staff, tmp_path):
    from petition.exports import service
    from petition.petitions import service as petitions
    from tests.test_valid_html import heading_jumps, vnu_errors

    add_signatures(app, [{"first_name": "فاطمة", "last_name": "الزهراء", "country": "MA"}, {}])
    admin = admin_client(app, staff)
    post_dossier(admin).close()
    for lang in LANGS:
        (tmp_path / f"{lang}-exports.html").write_bytes(admin.get(f"/admin/exports?lang={lang}").data)
        (tmp_path / f"{lang}-exports-refused.html").write_bytes(post_csv(admin, lang, reason="").data)
        with app.test_request_context(f"/?lang={lang}"):
            html = service._dossier_html(petitions.by_slug("kleema"), lang, datetime(2026, 11, 29))[0]
        (tmp_path / f"{lang}-dossier.html").write_text(html, encoding="utf-8")
    errors = vnu_errors(tmp_path)
    assert not errors, "\n".join(errors)
    jumps = {page.name: heading_jumps(page.read_text()) for page in sorted(tmp_path.glob("*.html"))}
    assert not {name: found for name, found in jumps.items() if found}
