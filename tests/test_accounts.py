"""Staff accounts: the CLI, logging in and out, throttling, sessions that end, roles."""

import time

import pytest
from sqlalchemy import select

from petition.accounts import service
from petition.accounts.access import safe_next
from petition.accounts.models import User
from petition.audit.models import AuditEntry
from petition.extensions import db, limiter
from tests.helpers import form_tokens

WRONG = "Adresse ou mot de passe incorrect."


def log_in(client, email, password, url="/admin/login", **request_options):
    page = client.get(url, **request_options).get_data(as_text=True)
    data = {"email": email, "password": password, **form_tokens(page)}
    return client.post(url, data=data, **request_options)


def audit(app, action=None) -> list[AuditEntry]:
    with app.app_context():
        query = select(AuditEntry).order_by(AuditEntry.id)
        if action:
            query = query.where(AuditEntry.action == action)
        entries = list(db.session.scalars(query))
        db.session.expunge_all()
        return entries


def test_an_account_made_with_the_cli_from_stdin_can_log_in(app, client, runner):
    result = runner.invoke(
        args=["users", "create", "Nadia@Comite.example", "--role", "admin", "--name", "Nadia"],
        input="trois mots bien longs\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created admin account nadia@comite.example" in result.output

    response = log_in(client, "nadia@comite.example", "trois mots bien longs")
    assert response.status_code == 303
    # An admin's first stop is enrolling a second factor.
    assert response.headers["Location"] == "/admin/account/two-factor"
    page = client.get("/admin/account/two-factor").get_data(as_text=True)
    assert "Connecté(e) en tant que <bdi>Nadia</bdi>" in page
    assert [entry.action for entry in audit(app)] == ["user.create", "auth.login"]


def test_the_cli_refuses_a_short_password_and_says_why(app, runner):
    result = runner.invoke(
        args=["users", "create", "court@comite.example", "--role", "moderator"], input="motdepasse\n"
    )
    assert result.exit_code == 1
    assert "too short: at least 12 characters (got 10)" in result.output
    with app.app_context():
        assert db.session.scalar(select(User)) is None


def test_the_cli_refuses_a_second_account_with_the_same_address(runner, staff):
    staff.create(email="samia@comite.example")
    result = runner.invoke(
        args=["users", "create", "SAMIA@comite.example", "--role", "admin"], input="une autre phrase longue\n"
    )
    assert result.exit_code == 1
    assert "already exists" in result.output


def test_the_cli_lists_and_deactivates_and_the_open_session_ends(app, client, runner, staff):
    email = staff.login(client)
    listed = runner.invoke(args=["users", "list"]).output
    assert email in listed and "moderator  active" in listed

    result = runner.invoke(args=["users", "deactivate", email])
    assert result.exit_code == 0 and "Deactivated" in result.output
    assert "moderator  deactivated" in runner.invoke(args=["users", "list"]).output
    assert client.get("/admin/").status_code == 302

    response = log_in(client, email, "une phrase de passe 1")
    assert WRONG in response.get_data(as_text=True)
    assert audit(app, "auth.login_failed")[-1].after["reason"] == "inactive_account"
    assert audit(app, "user.deactivate")[0].after == {"is_active": False}


def test_a_new_password_ends_the_sessions_opened_with_the_old_one(app, client, runner, staff):
    email = staff.login(client)
    result = runner.invoke(args=["users", "password", email], input="un tout nouveau secret\n")
    assert result.exit_code == 0, result.output
    assert client.get("/admin/").status_code == 302
    assert log_in(client, email, "un tout nouveau secret").status_code == 303


def test_wrong_password_and_unknown_address_get_the_same_answer(app, client, staff):
    email, _ = staff.create()
    answers = []
    for typed in (email, "inconnu@comite-kleema.example"):
        response = log_in(client, typed, "pas le bon mot de passe")
        html = response.get_data(as_text=True)
        assert WRONG in html
        assert f'value="{typed}"' in html  # what was typed is kept
        answers.append((response.status_code, form_tokens(html)["csrf_token"], html.replace(typed, "…")))
    (status, token, page), (other_status, other_token, other_page) = answers
    assert status == other_status == 422
    assert page.replace(token, "") == other_page.replace(other_token, "")
    assert client.get("/admin/").status_code == 302
    failures = audit(app, "auth.login_failed")
    assert [f.after["reason"] for f in failures] == ["wrong_password", "unknown_address"]
    assert {f.actor_id for f in failures} == {None}


def test_login_form_has_labelled_fields_and_explains_bad_input(client):
    html = client.get("/admin/login").get_data(as_text=True)
    assert '<label for="email">Adresse e-mail</label>' in html
    assert '<label for="password">Mot de passe</label>' in html
    response = log_in(client, "moi\x00@comite.example", "")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "caractères invisibles ou de contrôle" in html
    assert "Indiquez votre mot de passe." in html


ATTACKER = {"REMOTE_ADDR": "198.51.100.7"}
OWNER = {"REMOTE_ADDR": "203.0.113.9"}


def test_five_failed_logins_from_one_network_do_not_lock_the_owner_out(app, client, staff):
    limiter.enabled = True
    email, password = staff.create("admin")
    for _ in range(5):
        assert log_in(client, email, "devine devine devine", environ_base=ATTACKER).status_code == 422
    # That network waits now, even with the right password and the address typed differently.
    response = log_in(client, email.upper(), password, environ_base=ATTACKER)
    assert response.status_code == 429
    assert "Trop de tentatives" in response.get_data(as_text=True)
    assert int(response.headers["Retry-After"]) > 0
    assert len(audit(app, "auth.login_failed")) == 5
    assert audit(app, "auth.login_failed")[0].after["network"] == "198.51.100.0/24"
    # The admin, from their own network, gets in.
    assert log_in(app.test_client(), email, password, environ_base=OWNER).status_code == 303
    # Another account is not held back on the guessing network either.
    other_email, other_password = staff.create()
    assert log_in(client, other_email, other_password, environ_base=ATTACKER).status_code == 303


def test_guessing_from_many_addresses_of_one_ipv6_network_is_one_network(app, client, staff):
    limiter.enabled = True
    app.config["RATELIMIT_LOGIN_ACCOUNT"] = "3 per 15 minutes"
    email, password = staff.create("admin")
    for n in range(1, 4):
        guess = log_in(
            client, email, "devine devine devine", environ_base={"REMOTE_ADDR": f"2001:db8:1:2::{n}"}
        )
        assert guess.status_code == 422
    same_64 = log_in(client, email, password, environ_base={"REMOTE_ADDR": "2001:db8:1:2:ffff::9"})
    assert same_64.status_code == 429
    next_64 = log_in(client, email, password, environ_base={"REMOTE_ADDR": "2001:db8:1:3::1"})
    assert next_64.status_code == 303


def test_guessing_from_many_networks_is_bounded_but_the_owners_networks_still_log_in(app, client, staff):
    limiter.enabled = True
    app.config["RATELIMIT_LOGIN_NEW_NETWORKS"] = "4 per day"
    email, password = staff.create("moderator")
    owner = app.test_client()
    assert log_in(owner, email, password, environ_base=OWNER).status_code == 303
    owner.post(
        "/admin/logout", data=form_tokens(owner.get("/admin/", environ_base=OWNER).get_data(as_text=True))
    )
    for n in range(4):
        guess = log_in(client, email, "devine devine devine", environ_base={"REMOTE_ADDR": f"192.0.{n}.1"})
        assert guess.status_code == 422
    # A fifth network, never used by the account, waits even with the right password.
    assert log_in(client, email, password, environ_base={"REMOTE_ADDR": "192.0.99.1"}).status_code == 429
    # The owner's network (another address of the same /24) is not held back.
    assert (
        log_in(app.test_client(), email, password, environ_base={"REMOTE_ADDR": "203.0.113.10"}).status_code
        == 303
    )


def test_logins_from_one_address_are_throttled(app, client, staff):
    limiter.enabled = True
    app.config["RATELIMIT_LOGIN_IP"] = "3 per minute"
    email, password = staff.create()
    codes = [log_in(client, f"essai{n}@comite.example", "au hasard au hasard").status_code for n in range(3)]
    assert codes == [422, 422, 422]
    assert log_in(client, email, password).status_code == 429
    assert log_in(client, email, password, environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code == 303


@pytest.mark.parametrize("path", ["/admin/", "/admin/audit"])
def test_anonymous_visitors_are_sent_to_the_login_page_and_back(client, staff, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/admin/login?next={path}"
    email, password = staff.create("admin")
    response = log_in(client, email, password, url=response.headers["Location"])
    # The second step keeps where the visitor was going.
    assert response.headers["Location"] == f"/admin/login/code?next={path}"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    response = client.post(
        response.headers["Location"], data={"code": staff.code(email), **form_tokens(page)}
    )
    assert response.headers["Location"] == path
    assert client.get(path).status_code == 200


def test_a_moderator_may_not_read_the_audit_log(client, staff):
    staff.login(client, role="moderator")
    assert client.get("/admin/").status_code == 200
    response = client.get("/admin/audit")
    assert response.status_code == 403
    assert "Accès refusé" in response.get_data(as_text=True)
    assert 'href="/admin/audit"' not in client.get("/admin/").get_data(as_text=True)


def test_back_office_pages_are_not_cached_or_indexed(client, staff):
    staff.login(client)
    response = client.get("/admin/")
    assert response.headers["Cache-Control"] == "no-store"
    assert "noindex" in response.headers["X-Robots-Tag"]


def test_logout_needs_a_post_with_its_csrf_token(app, client, staff):
    staff.login(client)
    dashboard = client.get("/admin/").get_data(as_text=True)
    assert client.get("/admin/logout").status_code == 405
    assert client.post("/admin/logout").status_code == 400
    assert client.get("/admin/").status_code == 200  # still logged in

    response = client.post("/admin/logout", data=form_tokens(dashboard), follow_redirects=True)
    assert "Vous êtes déconnecté(e)." in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302
    assert audit(app)[-1].action == "auth.logout"


def test_a_cross_site_login_post_without_csrf_token_is_refused(app, staff):
    email, password = staff.create()
    attacker = app.test_client()
    response = attacker.post("/admin/login", data={"email": email, "password": password})
    assert response.status_code == 400
    assert attacker.get("/admin/").status_code == 302


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example",
        "//evil.example/admin/",
        "/\\evil.example",
        "javascript:alert(1)",
        "/admin/\r\nSet-Cookie: x=1",
        "admin/",
    ],
)
def test_next_never_leaves_the_site(client, staff, target):
    email, password = staff.create()
    page = client.get("/admin/login", query_string={"next": target}).get_data(as_text=True)
    response = client.post(
        "/admin/login",
        query_string={"next": target},
        data={"email": email, "password": password, **form_tokens(page)},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/"


def test_next_keeps_a_local_path_with_its_query():
    assert safe_next("/admin/audit?action=auth.login&page=2") == "/admin/audit?action=auth.login&page=2"


def test_an_expired_session_must_log_in_again(client, staff):
    staff.login(client)
    assert client.get("/admin/").status_code == 200
    with client.session_transaction() as session:
        session[service.SESSION_STARTED] -= 8 * 3600 + 1
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login")


def test_the_session_lifetime_is_a_setting(app, client, staff):
    from datetime import timedelta

    app.config["STAFF_SESSION_LIFETIME"] = timedelta(hours=1)
    staff.login(client)
    with client.session_transaction() as session:
        session[service.SESSION_STARTED] = int(time.time()) - 3601
    assert client.get("/admin/").status_code == 302


def _saved_session(client) -> str:
    return client.get_cookie("session").value


def _replayed(app, saved: str):
    replay = app.test_client()
    replay.set_cookie("session", saved)
    return replay.get("/admin/")


def test_a_cookie_saved_before_logout_no_longer_opens_the_back_office(app, client, staff):
    staff.login(client, role="admin")
    saved = _saved_session(client)
    assert _replayed(app, saved).status_code == 200
    client.post("/admin/logout", data=form_tokens(client.get("/admin/").get_data(as_text=True)))
    response = _replayed(app, saved)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login")


def test_a_cookie_saved_before_a_deactivation_stays_dead_when_the_account_reopens(app, client, runner, staff):
    email = staff.login(client, role="admin")
    saved = _saved_session(client)
    assert runner.invoke(args=["users", "deactivate", email]).exit_code == 0
    with app.app_context():
        db.session.scalar(select(User).where(User.email == email)).is_active = True
        db.session.commit()
    assert _replayed(app, saved).status_code == 302


def test_a_session_ends_when_the_role_changes(app, client, staff):
    email = staff.login(client, role="admin")
    saved = _saved_session(client)
    with app.app_context():
        db.session.scalar(select(User).where(User.email == email)).role = "moderator"
        db.session.commit()
    assert _replayed(app, saved).status_code == 302
    assert client.get("/admin/moderation").status_code == 302


def test_a_session_cookie_replayed_from_another_browser_is_not_trusted(client, staff):
    staff.login(client)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/", headers={"User-Agent": "Autre navigateur"}).status_code == 302


def test_staff_emails_lists_active_accounts_that_may_act_in_a_role(app, staff):
    moderator, _ = staff.create("moderator", email="mod@comite.example")
    admin, _ = staff.create("admin", email="admin@comite.example")
    gone, _ = staff.create("moderator", email="parti@comite.example")
    with app.app_context():
        service.deactivate(gone)
        assert service.staff_emails() == [admin, moderator]
        assert service.staff_emails("admin") == [admin]
