"""Staff second factor: TOTP from a phone, recovery codes, enrolment, throttling, reset."""

import re
import time

import pyotp
import pytest
from sqlalchemy import select, text

from petition.accounts.models import User
from petition.audit.models import AuditEntry
from petition.extensions import db
from tests.helpers import form_tokens
from tests.pages_helpers import visible_text as text_of


def _password_step(client, email, password, lang=None):
    login = "/admin/login" + (f"?lang={lang}" if lang else "")
    page = client.get(login).get_data(as_text=True)
    return client.post(login, data={"email": email, "password": password, **form_tokens(page)})


def _code_step(client, code, path="/admin/login/code"):
    page = client.get(path).get_data(as_text=True)
    return client.post(path, data={"code": code, **form_tokens(page)})


def _actions(app, email) -> list[str]:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        actions = db.session.scalars(
            select(AuditEntry.action).where(AuditEntry.target_id == str(user.id)).order_by(AuditEntry.id)
        ).all()
        db.session.remove()
    return list(actions)


def _secret_on(page: str) -> str:
    """The key the enrolment page shows for typing by hand (groups of 4)."""
    found = re.search(r'<code class="secret" dir="ltr">([A-Z2-7 ]+)</code>', page)
    assert found, page
    return found.group(1).replace(" ", "")


def test_an_admin_without_a_second_factor_must_enrol_before_any_page(app, client, staff):
    email, password = staff.create("admin", second_factor=False)
    response = _password_step(client, email, password)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/admin/account/two-factor")
    for path in ("/admin/", "/admin/audit", "/admin/moderation"):
        blocked = client.get(path)
        assert blocked.status_code == 302 and blocked.headers["Location"].endswith(
            "/admin/account/two-factor"
        )
    page = client.get("/admin/account/two-factor").get_data(as_text=True)
    assert "<svg" in page and "doivent être protégés par un second facteur" in text_of(page)
    secret = _secret_on(page)
    # Reloading the page shows the same key: a phone that scanned it keeps working.
    assert _secret_on(client.get("/admin/account/two-factor").get_data(as_text=True)) == secret

    wrong = _code_step(
        client, "000000" if pyotp.TOTP(secret).now() != "000000" else "111111", "/admin/account/two-factor"
    )
    assert wrong.status_code == 422
    assert "Ce code ne convient pas" in text_of(wrong.get_data(as_text=True))

    done = _code_step(client, pyotp.TOTP(secret).now(), "/admin/account/two-factor")
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]{5}-[a-z2-7]{5})</code></li>", done.get_data(as_text=True))
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/admin/").status_code == 200
    assert "user.2fa_enrol" in _actions(app, email)

    # The key is not stored as shown: a copy of the database alone does not give the codes.
    with app.app_context():
        stored = db.session.execute(
            text("SELECT totp_secret FROM users WHERE email = :e"), {"e": email}
        ).scalar()
        hashes = db.session.execute(text("SELECT code_hash FROM staff_recovery_codes")).scalars().all()
        db.session.remove()
    assert secret not in stored
    assert not any(code.replace("-", "") in h for code in codes for h in hashes)


def test_login_asks_for_the_code_and_a_code_is_good_only_once(app, staff):
    email, password = staff.create("admin")
    first, second = app.test_client(), app.test_client()

    response = _password_step(first, email, password)
    assert response.status_code == 303 and "/admin/login/code" in response.headers["Location"]
    # The right password alone opens nothing.
    assert first.get("/admin/").status_code == 302
    assert first.get("/admin/").headers["Location"].startswith("/admin/login")

    code = staff.code(email)
    assert _code_step(first, code).status_code == 303
    assert first.get("/admin/").status_code == 200

    # Someone who saw the code and the password cannot use that code again.
    _password_step(second, email, password)
    replay = _code_step(second, code)
    assert replay.status_code == 422
    assert "Un code ne sert qu'une fois" in text_of(replay.get_data(as_text=True))
    assert second.get("/admin/").status_code == 302
    actions = _actions(app, email)
    assert actions.count("auth.login") == 1 and "auth.second_factor_failed" in actions


def test_a_recovery_code_logs_in_once_and_says_how_many_are_left(app, staff):
    email, password = staff.create("admin")
    recovery = staff.recovery_codes[email][3]
    first, second = app.test_client(), app.test_client()

    _password_step(first, email, password)
    used = _code_step(first, recovery.upper().replace("-", " "))
    assert used.status_code == 303 and used.headers["Location"].endswith("/admin/account/two-factor")
    page = text_of(first.get("/admin/account/two-factor").get_data(as_text=True))
    assert "Il vous en reste 9" in page and "Il vous reste 9 codes de secours." in page

    _password_step(second, email, password)
    assert _code_step(second, recovery).status_code == 422
    actions = _actions(app, email)
    assert "user.2fa_recovery_code_used" in actions
    with app.app_context():
        login = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "auth.login").order_by(AuditEntry.id.desc())
        ).first()
        assert login.after["second_factor"] == "recovery"
        db.session.remove()


def test_wrong_codes_are_throttled_per_account_like_passwords(app, staff):
    from petition.extensions import limiter

    limiter.enabled = True
    email, password = staff.create("admin")
    client = app.test_client()
    _password_step(client, email, password)
    # RATELIMIT_SECOND_FACTOR: 5 per 15 minutes. A guess that is right stays refused after that.
    for _ in range(5):
        assert _code_step(client, "12345a").status_code == 422
    throttled = _code_step(client, staff.code(email))
    assert throttled.status_code == 429
    # From another browser too: the budget belongs to the account, not to the cookie.
    other = app.test_client()
    _password_step(other, email, password)
    assert _code_step(other, staff.code(email)).status_code == 429


def test_the_code_step_without_a_password_first_goes_back_to_login(client):
    response = client.get("/admin/login/code")
    assert response.status_code == 303 and response.headers["Location"].startswith("/admin/login")


def test_a_moderator_may_turn_it_on_and_off_an_admin_may_not_turn_it_off(app, staff):
    moderator = app.test_client()
    email = staff.login(moderator, "moderator")
    assert moderator.get("/admin/").status_code == 200  # no enrolment needed
    page = moderator.get("/admin/account/two-factor").get_data(as_text=True)
    secret = _secret_on(page)
    assert "doivent être protégés" not in text_of(page)
    assert _code_step(moderator, pyotp.TOTP(secret).now(), "/admin/account/two-factor").status_code == 200

    page = moderator.get("/admin/account/two-factor").get_data(as_text=True)
    step = int(time.time() // 30) + 1
    off = moderator.post(
        "/admin/account/two-factor",
        data={"code": pyotp.TOTP(secret).generate_otp(step), "action": "turn-off", **form_tokens(page)},
    )
    assert off.status_code == 303
    assert "désactivée" in text_of(moderator.get("/admin/account/two-factor").get_data(as_text=True))
    assert _actions(app, email)[-1] == "user.2fa_disable"

    admin = app.test_client()
    admin_email = staff.login(admin, "admin")
    page = admin.get("/admin/account/two-factor").get_data(as_text=True)
    assert 'value="turn-off"' not in page
    refused = admin.post(
        "/admin/account/two-factor",
        data={"code": staff.code(admin_email), "action": "turn-off", **form_tokens(page)},
    )
    assert refused.status_code == 422
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == admin_email)).has_second_factor
        db.session.remove()


def test_new_recovery_codes_replace_the_old_ones(app, staff):
    email, password = staff.create("admin")
    admin = app.test_client()
    _password_step(admin, email, password)
    assert _code_step(admin, staff.code(email)).status_code == 303
    old = staff.recovery_codes[email]
    page = admin.get("/admin/account/two-factor").get_data(as_text=True)
    made = admin.post(
        "/admin/account/two-factor",
        data={"code": staff.code(email), "action": "recovery-codes", **form_tokens(page)},
    )
    new = re.findall(r"<li><code>([a-z2-7]{5}-[a-z2-7]{5})</code></li>", made.get_data(as_text=True))
    assert len(new) == 10 and not set(new) & set(old)
    other = app.test_client()
    _password_step(other, email, password)
    assert _code_step(other, old[0]).status_code == 422


def test_reset_2fa_for_a_lost_phone_ends_sessions_and_asks_to_enrol_again(app, runner, staff):
    email, password = staff.create("admin")
    client = app.test_client()
    _password_step(client, email, password)
    _code_step(client, staff.code(email))
    assert client.get("/admin/").status_code == 200

    result = runner.invoke(args=["users", "reset-2fa", email])
    assert result.exit_code == 0, result.output
    assert "Second factor removed" in result.output
    assert client.get("/admin/").status_code == 302  # the open session ended
    assert _actions(app, email)[-1] == "user.2fa_reset"

    again = app.test_client()
    response = _password_step(again, email, password)
    assert response.headers["Location"].endswith("/admin/account/two-factor")
    listing = runner.invoke(args=["users", "list"])
    assert f"{email}" in listing.output and "2FA off" in listing.output

    unknown = runner.invoke(args=["users", "reset-2fa", "nobody@example.org"])
    assert unknown.exit_code != 0 and "No account" in unknown.output


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("fr", ["Code de sécurité", "Vérifier le code", "Téléphone perdu ou indisponible"]),
        ("ar", ["رمز الأمان", "تحقّق من الرمز", "هل فقدت هاتفك"]),
        ("en", ["Security code", "Check the code", "Lost your phone"]),
    ],
)
def test_the_code_step_speaks_the_staff_member_language(app, staff, lang, words):
    email, password = staff.create("admin")
    client = app.test_client()
    _password_step(client, email, password, lang=lang)
    page = text_of(client.get(f"/admin/login/code?lang={lang}").get_data(as_text=True))
    for word in words:
        assert word in page
    wrong = _code_step(client, "abc", f"/admin/login/code?lang={lang}")
    assert wrong.status_code == 422
