"""Wrong input gets a clear French message, keeps what was typed, and never a 500."""

import time

import pytest
from itsdangerous import URLSafeTimedSerializer

from tests.helpers import GOOD, form_tokens


def post_sign(client, **overrides):
    tokens = form_tokens(client.get("/").get_data(as_text=True))
    data = {**GOOD, **tokens, **overrides}
    return client.post("/petitions/kleema/sign", data={k: v for k, v in data.items() if v is not None})


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("first_name", "", "Indiquez votre prénom."),
        ("last_name", "   ", "Indiquez votre nom."),
        ("email", "", "Indiquez votre adresse e-mail."),
        ("country", "", "Choisissez votre pays de résidence."),
        ("first_name", "x" * 81, "80 caractères au plus."),
        ("city", "y" * 81, "80 caractères au plus."),
        ("reason", "z" * 501, "500 caractères au plus."),
        ("email", "a" * 250 + "@example.org", "254 caractères au plus."),
        ("email", "fatima.example.org", "Cette adresse e-mail n'est pas valide"),
        ("email", "fatima@", "Cette adresse e-mail n'est pas valide"),
        ("email", "fatima@exa mple.org", "Cette adresse e-mail n'est pas valide"),
        ("first_name", "Fati\x00ma", "caractères invisibles ou de contrôle"),
        ("last_name", "Ben\u202eila", "caractères invisibles ou de contrôle"),
        ("city", "Lyon\x1b[31m", "caractères invisibles ou de contrôle"),
        ("reason", "bonjour\x07", "caractères invisibles ou de contrôle"),
        ("first_name", "12345", "Écrivez un nom avec des lettres."),
        ("country", "XX", "Choisissez votre pays dans la liste."),
        ("country", "<script>", "Choisissez votre pays dans la liste."),
    ],
)
def test_each_bad_field_gets_its_message_and_keeps_the_rest(client, signer, field, value, message):
    response = post_sign(client, **{field: value})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    assert 'aria-invalid="true"' in html and 'role="alert"' in html
    # What the signer typed in the other fields is still there.
    for other in ("first_name", "last_name", "email", "city"):
        if other != field:
            assert f'value="{GOOD[other]}"' in html
    assert signer.count() == 0


def test_everything_empty_lists_every_required_field(client):
    response = post_sign(client, first_name="", last_name="", email="", country="", city="", reason="")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "4 champs sont à corriger" in html
    for message in ("Indiquez votre prénom.", "Indiquez votre nom.", "Indiquez votre adresse e-mail."):
        assert message in html


def test_missing_csrf_token_shows_the_form_again_with_the_values(client, signer):
    response = client.post("/petitions/kleema/sign", data=GOOD)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Votre session a expiré" in html
    assert 'value="Fatima"' in html and 'value="fatima@example.org"' in html
    assert 'name="csrf_token"' in html
    assert signer.count() == 0


def test_forged_csrf_token_is_refused(client):
    response = post_sign(client, csrf_token="forged")
    assert response.status_code == 400
    assert "Votre session a expiré" in response.get_data(as_text=True)


def test_huge_body_gets_a_clear_page(client):
    response = post_sign(client, reason="x" * 400_000)
    assert response.status_code == 413
    assert "trop long" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/confirm/", "/withdraw/"])
@pytest.mark.parametrize("token", ["nonsense", "a" * 300, "eyJhbGciOi.forged.sig", "%ff%fe"])
def test_forged_links_get_a_clear_page(client, path, token):
    response = client.get(path + token)
    assert response.status_code == 404
    assert "Ce lien n'est pas valable" in response.get_data(as_text=True)
    assert client.post(path + token).status_code == 404


def test_expired_link_says_so_and_how_to_get_a_new_one(client, signer, app, monkeypatch):
    signer.sign()
    link = signer.confirm_link("fatima@example.org")
    monkeypatch.setattr(time, "time", lambda: 1e10)
    response = client.get(link)
    assert response.status_code == 410
    assert "Ce lien a expiré" in response.get_data(as_text=True)


def test_link_signed_with_another_key_is_refused(client, signer):
    signer.sign()
    forged = URLSafeTimedSerializer("another-key", salt="confirm-signature").dumps("whatever")
    assert client.get(f"/confirm/{forged}").status_code == 404


def test_confirm_with_expired_form_asks_to_press_again(client, signer):
    signer.sign()
    link = signer.confirm_link("fatima@example.org")
    response = client.post(link, data={"csrf_token": "stale"})
    assert response.status_code == 200
    assert "Appuyez à nouveau" in response.get_data(as_text=True)
    assert signer.count() == 0


def test_unknown_pages_and_methods_get_french_pages(client):
    assert "Page introuvable" in client.get("/nowhere").get_data(as_text=True)
    assert client.get("/petitions/nope").status_code == 404
    response = client.get("/petitions/kleema/sign")
    assert response.status_code == 405
    assert "Action impossible" in response.get_data(as_text=True)


def test_sign_form_posted_as_json_or_garbage_does_not_crash(client):
    assert client.post("/petitions/kleema/sign", json={"first_name": "x"}).status_code == 400
    response = client.post(
        "/petitions/kleema/sign",
        data=b"\xff\xfe\x00garbage",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400


@pytest.mark.parametrize("address", ["/petitions/%00", "/petitions/kleema/comments?page=%00", "/?lang=%00"])
def test_nul_bytes_in_the_address_get_a_404_page(client, address):
    response = client.get(address)
    assert response.status_code == 404
    assert "Page introuvable" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "address",
    ["/petitions/" + "a" * 300, "/petitions/Kl%C3%A9ema", "/petitions/a%09b/comments", "/badge/a%00.svg"],
)
def test_a_petition_address_that_cannot_exist_is_a_404_without_a_lookup(client, address):
    # The old addresses of renamed petitions are looked up after a 404: only real-looking ones.
    response = client.get(address)
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("method", "address"),
    [
        ("get", "/admin/mailings/2147483648"),
        ("get", "/admin/petitions/2147483648"),
        ("get", "/admin/exports/dossiers/2147483648"),
        ("post", "/admin/fraud/bulk/2147483648/undo"),
        ("post", "/admin/fraud/bans/2147483648/lift"),
        ("post", "/admin/fraud/blocklists/networks/2147483648/remove"),
    ],
)
def test_an_id_past_its_column_is_a_404_for_staff_too(app, staff, method, address):
    # These tables have 32-bit keys on PostgreSQL: one more is not found, never an overflow.
    admin = app.test_client()
    staff.login(admin, "admin")
    assert getattr(admin, method)(address).status_code == 404
