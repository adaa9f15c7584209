"""Personal links: who signed through whom, without anyone learning who the referrer is."""

import re
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select

from petition.extensions import db
from petition.petitions.models import Petition
from petition.sharing import referrals
from petition.sharing.models import ReferralLink, SignatureSource
from petition.signing.models import Signature
from tests.helpers import GOOD, Signer, links, path_of
from tests.sharing_helpers import add_petition

PERSONAL = re.compile(r"http://localhost/petitions/kleema\?ref=([A-Za-z0-9_-]+)(?:&amp;|&|\")")


def _mail_links(signer: Signer, address: str) -> tuple[str, str]:
    """(personal link, private page) from the confirmation mail."""
    signer.deliver()
    urls = links(signer.mailbox.last_to(address))
    personal = next(u for u in urls if "?ref=" in u)
    stats = next(u for u in urls if "/referral/" in u)
    return personal, stats


def _code(url: str) -> str:
    return parse_qs(urlsplit(url).query)["ref"][0]


def _thanks_code(client) -> str | None:
    match = PERSONAL.search(client.get("/petitions/kleema/thanks").get_data(as_text=True))
    return match.group(1) if match else None


def _source(app, address: str) -> SignatureSource | None:
    with app.app_context():
        signature = db.session.scalar(select(Signature).where(Signature.email_canonical == address))
        source = db.session.get(SignatureSource, signature.id)
        if source is not None:
            db.session.expunge(source)
        db.session.remove()
        return source


def test_a_signature_through_a_personal_link_counts_for_its_owner(app, signer, client, smtp_sink):
    signer.sign_and_confirm()
    personal, stats = _mail_links(signer, "fatima@example.org")
    page = client.get(path_of(stats))
    assert page.status_code == 200
    assert "Personne n'a encore signé grâce à votre lien" in page.get_data(as_text=True)

    friend = Signer(app, app.test_client(), smtp_sink)
    landing = friend.client.get(f"{path_of(personal)}?{urlsplit(personal).query}")
    assert landing.status_code == 200
    friend.sign(email="karim@example.org", first_name="Karim")
    # Pending signatures do not count: only a confirmed one does.
    assert "Personne n'a encore signé" in client.get(path_of(stats)).get_data(as_text=True)

    friend.press_button(friend.confirm_link("karim@example.org"))
    html = client.get(path_of(stats)).get_data(as_text=True)
    assert "1 personne a signé et confirmé grâce à votre lien" in html
    # The friend's pages never name the referrer.
    assert "Fatima" not in friend.client.get("/petitions/kleema/thanks").get_data(as_text=True)
    with app.app_context():
        link = db.session.scalar(select(ReferralLink).where(ReferralLink.code == _code(personal)))
        assert referrals.confirmed_through(link) == 1


def test_the_thank_you_page_shows_the_signers_own_code_and_the_mail_the_same(signer, client):
    signer.sign()
    shown = _thanks_code(client)
    personal, _stats = _mail_links(signer, "fatima@example.org")
    assert shown and shown == _code(personal)


def test_typing_someone_elses_address_never_shows_their_code(app, signer, client, smtp_sink):
    signer.sign_and_confirm()
    owner_code = _thanks_code(client)

    stranger = Signer(app, app.test_client(), smtp_sink)
    stranger.sign(email="FATIMA@example.org")
    thanks = stranger.client.get("/petitions/kleema/thanks").get_data(as_text=True)
    stranger_code = _thanks_code(stranger.client)
    assert stranger_code and stranger_code != owner_code
    # The page looks the same as for a new signature: it says nothing of who signed before.
    assert "Partagez votre lien personnel" in thanks
    with app.app_context():
        link = db.session.scalar(select(ReferralLink).where(ReferralLink.code == stranger_code))
        assert link.signature_id is None
    # Signing again from the owner's own browser keeps showing the owner's code.
    signer.sign()
    assert _thanks_code(client) == owner_code


def test_first_touch_is_kept_through_signing_and_later_visits(app, signer, client, smtp_sink):
    signer.sign_and_confirm()
    first_code = _code(_mail_links(signer, "fatima@example.org")[0])
    second = Signer(app, app.test_client(), smtp_sink)
    second.sign_and_confirm(email="omar@example.org")
    second_code = _code(_mail_links(second, "omar@example.org")[0])

    visitor = Signer(app, app.test_client(), smtp_sink)
    visitor.client.get(f"/petitions/kleema?ref={first_code}&utm_source=whatsapp")
    visitor.client.get(f"/petitions/kleema?ref={second_code}&utm_source=sms")
    visitor.client.get("/privacy")
    visitor.sign_and_confirm(email="nadia@example.org")

    source = _source(app, "nadia@example.org")
    assert source.channel == "whatsapp"
    with app.app_context():
        assert db.session.get(ReferralLink, source.referral_link_id).code == first_code
        report = referrals.report(db.session.scalar(select(Petition).where(Petition.slug == "kleema")))
    assert [(c.channel, c.signed, c.confirmed) for c in report.channels] == [("whatsapp", 1, 1)]
    assert report.through_links == 1 and report.confirmed_total == 3
    assert [(r.name, r.confirmed) for r in report.referrers] == [("Fatima B.", 1)]
    assert all("@" not in (r.name or "") for r in report.referrers)


def test_forged_unknown_or_foreign_codes_are_ignored_without_error(app, signer, smtp_sink):
    add_petition(app, "autre", "Une autre pétition")
    other = Signer(app, app.test_client(), smtp_sink)
    other.sign(slug="autre", email="autre@example.org")
    with app.app_context():
        foreign_code = db.session.scalar(select(ReferralLink.code))

    for number, ref in enumerate(
        ["Zz9Zz9Zz9Z", "<script>alert(1)</script>", "a" * 200, foreign_code, "%00", ""]
    ):
        visitor = Signer(app, app.test_client(), smtp_sink)
        landing = visitor.client.get("/petitions/kleema", query_string={"ref": ref, "utm_source": "évil"})
        assert landing.status_code == 200
        assert "<script>alert(1)</script>" not in landing.get_data(as_text=True)
        address = f"visitor{number}@example.org"
        assert visitor.sign(email=address).status_code == 303
        assert _source(app, address) is None


def test_a_forged_first_touch_cookie_is_ignored(app, signer, client):
    client.set_cookie(referrals.FIRST_TOUCH_COOKIE, "not-a-code!!.facebook.x")
    assert signer.sign().status_code == 303
    assert _source(app, "fatima@example.org") is None


def test_the_referrer_page_needs_its_token(signer, client):
    signer.sign_and_confirm()
    _personal, stats = _mail_links(signer, "fatima@example.org")
    token = path_of(stats).rsplit("/", 1)[1]
    assert client.get(path_of(stats)).status_code == 200
    for bad in ("", "x", token[:-2] + ("AA" if not token.endswith("AA") else "BB"), token + "x"):
        response = client.get(f"/referral/{bad}")
        assert response.status_code == 404, bad
    # The confirmation token opens the confirmation page, not the referral page.
    confirm_token = signer.confirm_link("fatima@example.org").rsplit("/", 1)[1]
    assert client.get(f"/referral/{confirm_token}").status_code == 404


def test_signing_again_after_withdrawal_gets_a_new_code(app, signer, client):
    signer.sign_and_confirm()
    old_code = _thanks_code(client)
    signer.press_button(signer.withdraw_link("fatima@example.org"))
    signer.sign(**{**GOOD, "first_name": "Fatima"})
    new_code = _thanks_code(client)
    assert new_code and new_code != old_code
    with app.app_context():
        assert db.session.scalar(select(ReferralLink).where(ReferralLink.code == old_code)) is None


def test_admins_see_channels_and_top_referrers_without_addresses(app, signer, client, smtp_sink, staff):
    signer.sign_and_confirm()
    code = _code(_mail_links(signer, "fatima@example.org")[0])
    friend = Signer(app, app.test_client(), smtp_sink)
    friend.client.get(f"/petitions/kleema?ref={code}&utm_source=whatsapp")
    friend.sign_and_confirm(email="karim@example.org", first_name="Karim")
    pending = Signer(app, app.test_client(), smtp_sink)
    pending.client.get("/petitions/kleema?utm_source=qr")
    pending.sign(email="pending@example.org")

    assert urlsplit(app.test_client().get("/admin/sharing").headers["Location"]).path == "/admin/login"
    moderator = app.test_client()
    staff.login(moderator, role="moderator")
    assert moderator.get("/admin/sharing").status_code == 403

    admin = app.test_client()
    staff.login(admin, role="admin")
    page = admin.get("/admin/sharing")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert re.search(r"<th scope=\"row\">WhatsApp</th><td>1</td><td>1</td>", html)
    assert re.search(r"<th scope=\"row\">QR code</th><td>1</td><td>0</td>", html)
    assert re.search(rf"<bdi>Fatima B\.</bdi>.*?<code>{code}</code></td>\s*<td>1</td>", html, re.S)
    assert "@example.org" not in html and "Benali" not in html
