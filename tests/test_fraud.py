"""The back office against fraud: flagged signatures, bulk invalidation and undo, bans, block
lists and trending alerts, as signers and moderators see them."""

from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import select, update

from petition.audit.models import AuditEntry
from petition.comments.models import Comment
from petition.core.network import hash_ip
from petition.core.time import utcnow
from petition.counting import service as counting
from petition.extensions import db, limiter
from petition.fraud import service as fraud
from petition.fraud.models import TrendAlert
from petition.petitions.models import Petition
from petition.signing.models import Signature
from tests.commenting import Reader, latest_comment
from tests.fraud_helpers import flood
from tests.helpers import GOOD, form_tokens


def _sign_from(app, ip: str, email: str, **fields) -> int:
    client = app.test_client()
    page = client.get("/", environ_base={"REMOTE_ADDR": ip}).get_data(as_text=True)
    data = {**GOOD, "email": email, **fields, **form_tokens(page)}
    return client.post("/petitions/kleema/sign", data=data, environ_base={"REMOTE_ADDR": ip}).status_code


def _flag_of(app, email: str) -> str | None:
    with app.app_context():
        return db.session.scalar(select(Signature.flag_reason).where(Signature.email == email))


def _kleema_id(app) -> int:
    with app.app_context():
        return db.session.scalar(select(Petition.id).where(Petition.slug == "kleema"))


def test_over_the_flag_limit_signatures_are_kept_flagged_and_still_mailed(app, signer, smtp_sink):
    limiter.enabled = True
    app.config["RATELIMIT_SIGN_FLAG"] = "2 per minute"
    statuses = [_sign_from(app, "203.0.113.9", f"famille{n}@example.org") for n in range(4)]
    assert statuses == [303] * 4  # the mosque's wifi: nobody is turned away
    assert [_flag_of(app, f"famille{n}@example.org") for n in range(4)] == [
        None,
        None,
        "rate-limit",
        "rate-limit",
    ]
    signer.deliver()
    assert smtp_sink.last_to("famille3@example.org") is not None  # a real person may confirm


def test_past_the_hard_limit_nothing_is_stored(app):
    limiter.enabled = True
    app.config["RATELIMIT_SIGN_FLAG"] = "1 per minute"
    app.config["RATELIMIT_SIGN"] = "2 per minute"
    statuses = [_sign_from(app, "203.0.113.10", f"flood{n}@example.org") for n in range(3)]
    assert statuses == [303, 303, 429]
    with app.app_context():
        assert db.session.scalar(select(Signature.id).where(Signature.email == "flood2@example.org")) is None


def test_a_confirmed_flagged_signature_counts_only_once_validated(app, client, signer, staff):
    signer.sign_and_confirm(email="rapide@mailinator.com")
    assert _flag_of(app, "rapide@mailinator.com") == "blocked-domain"
    assert signer.count() == 0
    page = signer.client.get(signer.confirm_link("rapide@mailinator.com")).get_data(as_text=True)
    assert "après une vérification" in page

    staff.login(client)
    queue = client.get("/admin/fraud").get_data(as_text=True)
    assert "mailinator.com" in queue and "domaine bloqué" in queue
    with app.app_context():
        signature_id = db.session.scalar(select(Signature.id))
    response = client.post(
        "/admin/fraud/decide", data={"action": f"validate:{signature_id}", **form_tokens(queue)}
    )
    assert response.status_code == 303
    assert signer.count() == 1
    assert _flag_of(app, "rapide@mailinator.com") is None
    with app.app_context():
        assert db.session.scalar(
            select(AuditEntry.action).where(
                AuditEntry.target_type == "signature", AuditEntry.target_id == str(signature_id)
            )
        ) == ("signature.validate")


def test_invalidating_a_flagged_signature_keeps_it_out_of_the_queue(app, client, signer, staff):
    signer.sign_and_confirm(email="jetable@yopmail.com")
    staff.login(client)
    queue = client.get("/admin/fraud").get_data(as_text=True)
    with app.app_context():
        signature_id = db.session.scalar(select(Signature.id))
    client.post(
        "/admin/fraud/decide",
        data={"action": f"invalidate:{signature_id}", "reason": "disposable", **form_tokens(queue)},
    )
    assert _flag_of(app, "jetable@yopmail.com") == "invalidated"
    assert "yopmail.com" not in client.get("/admin/fraud").get_data(as_text=True)
    assert signer.count() == 0


def test_a_domain_taken_off_the_list_by_an_admin_signs_normally(app, client, signer, staff):
    staff.login(client, role="admin")
    page = client.get("/admin/fraud/blocklists").get_data(as_text=True)
    data = {"domain": "yopmail.com", "action": "unblock", **form_tokens(page)}
    assert client.post("/admin/fraud/blocklists/domains", data=data).status_code == 303
    signer.sign_and_confirm(email="pas-jetable@yopmail.com")
    assert signer.count() == 1
    data = {"domain": "example.net", "action": "block", **form_tokens(page)}
    assert client.post("/admin/fraud/blocklists/domains", data=data).status_code == 303
    signer.sign_and_confirm(email="bloque@sub.example.net")
    assert _flag_of(app, "bloque@sub.example.net") == "blocked-domain"


def test_a_blocked_network_flags_its_signatures(app, client, staff):
    staff.login(client, role="admin")
    page = client.get("/admin/fraud/blocklists").get_data(as_text=True)
    client.post("/admin/fraud/blocklists/networks", data={"network": "198.51.100.0/24", **form_tokens(page)})
    assert _sign_from(app, "198.51.100.77", "reseau@example.org") == 303
    assert _flag_of(app, "reseau@example.org") == "blocked-network"
    assert _sign_from(app, "198.51.101.77", "voisin@example.org") == 303
    assert _flag_of(app, "voisin@example.org") is None


@pytest.mark.parametrize("network", ["0.0.0.0/0", "10.0.0.0/7", "::/0", "2001:db8::/18"])
def test_a_block_list_network_wider_than_a_provider_is_refused(app, client, staff, network):
    staff.login(client, role="admin")
    page = client.get("/admin/fraud/blocklists").get_data(as_text=True)
    response = client.post("/admin/fraud/blocklists/networks", data={"network": network, **form_tokens(page)})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Réseau trop large" in html
    assert f'value="{network}"' in html
    assert _sign_from(app, "203.0.113.9", "partout@example.org") == 303
    assert _flag_of(app, "partout@example.org") is None


def test_block_lists_are_for_admins(client, staff):
    staff.login(client)
    assert client.get("/admin/fraud/blocklists").status_code == 403
    assert client.get("/admin/fraud").status_code == 200


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("203.0.113.0/28", "Un réseau IPv4 se bannit en /24"),
        ("pas un réseau", "Écrivez un réseau comme 203.0.113.0/24"),
    ],
)
def test_a_wrong_ban_is_shown_again_with_a_message(client, staff, value, message):
    staff.login(client)
    page = client.get("/admin/fraud/bans").get_data(as_text=True)
    data = {"kind": "network", "value": value, "from_signing": "y", "days": "7", "reason": "abus"}
    response = client.post("/admin/fraud/bans", data={**data, **form_tokens(page)})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert f'value="{value}"' in html


def test_banning_from_a_comment_that_kept_no_address_nor_network_says_so(app, client, staff):
    reader = Reader(app, ip="192.0.2.81")
    assert reader.comment(text="Un avis dont l'auteur a tout effacé.").status_code == 303
    comment_id = latest_comment(app).id
    with app.app_context():
        db.session.execute(
            update(Comment).where(Comment.id == comment_id).values(ip_hash=None, author_name="")
        )
        db.session.commit()
    staff.login(client)
    page = client.get(f"/admin/fraud/bans?comment={comment_id}&lang=en").get_data(as_text=True)
    assert "<bdi>Anonymous</bdi>" in page
    assert "there is nothing to ban from it" in page


def test_a_commenter_banned_from_the_moderation_queue_cannot_comment_again(app, client, staff):
    reader = Reader(app, ip="192.0.2.80")
    assert reader.comment(text="Wana ne reviendra jamais, signez ailleurs").status_code == 303
    staff.login(client)
    queue = client.get("/admin/moderation").get_data(as_text=True)
    link = next(
        part.split('"')[0] for part in queue.split('href="') if part.startswith("/admin/fraud/bans?comment=")
    )
    page = client.get(link).get_data(as_text=True)
    with app.app_context():
        network = hash_ip("192.0.2.80")
    assert f'value="{network}"' in page  # the form is filled from the comment
    tokens = form_tokens(page)
    data = {
        "kind": "network-hash",
        "value": network,
        "from_commenting": "y",
        "days": "0",
        "reason": "insultes",
    }
    # Sent back for a missing reason, the form still shows the comment it started from.
    action = page.split('<form method="post" action="/admin/fraud/bans')[1].split('"')[0]
    action = "/admin/fraud/bans" + action.replace("&amp;", "&")
    assert action == link
    again = client.post(action, data={**data, "reason": "", **tokens})
    assert again.status_code == 422
    assert "Wana ne reviendra jamais, signez ailleurs" in again.get_data(as_text=True)
    assert client.post(action, data={**data, **tokens}).status_code == 303
    refused = reader.comment(text="Encore moi")
    assert refused.status_code == 403
    assert "Les commentaires vous sont fermés" in refused.get_data(as_text=True)
    assert Reader(app, ip="192.0.3.80").comment(text="Un autre réseau").status_code == 303
    # banned from commenting only: signing still counts
    assert _sign_from(app, "192.0.2.80", "meme-reseau@example.org") == 303
    assert _flag_of(app, "meme-reseau@example.org") is None


def test_a_banned_address_signs_silently_flagged(app, client, signer, staff, smtp_sink):
    staff.login(client)
    page = client.get("/admin/fraud/bans").get_data(as_text=True)
    data = {
        "kind": "email",
        "value": "Troll@Example.org",
        "from_signing": "y",
        "days": "1",
        "reason": "faux noms",
    }
    assert client.post("/admin/fraud/bans", data={**data, **form_tokens(page)}).status_code == 303
    assert signer.sign(email="troll@example.org").status_code == 303
    signer.deliver()
    assert _flag_of(app, "troll@example.org") == "banned"
    assert smtp_sink.to("troll@example.org") == []
    with app.app_context():
        assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.action == "ban.add")) == "ban.add"


def test_an_expired_ban_no_longer_holds(app, staff):
    email, _password = staff.create()
    with app.app_context():
        from petition.accounts.service import find_user

        ban = fraud.add_ban(
            "domain",
            "exemple.ma",
            signing_side=True,
            commenting_side=False,
            days=1,
            reason="x",
            actor=find_user(email),
        )
        ban.until_dt = utcnow() - timedelta(minutes=1)
        db.session.commit()
        assert not fraud.banned("ali@exemple.ma", None, signing_side=True)


def test_a_flood_of_500_from_one_slash_24_is_previewed_invalidated_and_undone(app, client, signer, staff):
    signer.sign_and_confirm(email="vraie@example.org")
    flood(app, 500)
    assert signer.count() == 501
    staff.login(client)
    page = client.get("/admin/fraud/bulk").get_data(as_text=True)
    # The reason is published with each event of the public log: the form says so before it is typed.
    assert (
        "Elle est publiée dans le registre public du comptage\u00a0: n'y écrivez ni nom ni adresse."
        in unescape(page)
    )
    criteria = {"petition": str(_kleema_id(app)), "network": "203.0.113.0/24", "reason": "afflux de robots"}
    preview = client.post("/admin/fraud/bulk", data={**criteria, "apply": "no", **form_tokens(page)})
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "500 signatures seraient invalidées" in html.replace("\u202f", " ").replace("\xa0", " ")
    assert "Maroc" in html and "France" in html
    assert signer.count() == 501  # a preview changes nothing

    applied = client.post("/admin/fraud/bulk", data={**criteria, "apply": "yes", **form_tokens(html)})
    assert applied.status_code == 303
    assert signer.count() == 1
    with app.app_context():
        assert counting.total(_kleema_id(app)) == 1
        assert db.session.scalar(
            select(AuditEntry.note).where(AuditEntry.action == "signatures.bulk_invalidate")
        ) == ("afflux de robots")
        bulk_id = fraud.bulk_history()[0].id

    history = client.get("/admin/fraud/bulk").get_data(as_text=True)
    assert client.post(f"/admin/fraud/bulk/{bulk_id}/undo", data=form_tokens(history)).status_code == 303
    assert signer.count() == 501
    assert client.post(f"/admin/fraud/bulk/{bulk_id}/undo", data=form_tokens(history)).status_code == 303
    assert signer.count() == 501  # undoing twice changes nothing


def test_bulk_invalidation_by_domain_and_time_window_counts_exactly(app, staff):
    flood(app, 20, network="192.0.2.")
    email, _password = staff.create()
    with app.app_context():
        from petition.accounts.service import find_user

        actor = find_user(email)
        petition_id = _kleema_id(app)
        now = utcnow()
        found = fraud.criteria(
            petition_id, "192-0-2-example.org", None, now - timedelta(hours=1), now + timedelta(minutes=1)
        )
        assert fraud.preview(found).signatures == 20
        before = counting.total(petition_id)
        fraud.apply_bulk(found, "test", actor)
        assert counting.total(petition_id) == before - 20
        empty = fraud.criteria(petition_id, "192-0-2-example.org", None, now + timedelta(hours=1), None)
        assert fraud.preview(empty).signatures == 0


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "Donnez au moins un domaine"),
        ({"network": "203.0.113.0/28"}, "/24"),
        ({"network": "10.0.0.0/8"}, "trop large"),
        ({"domain": "pas un domaine"}, "exemple.org"),
        (
            {"domain": "exemple.org", "since": "2026-11-29T10:00", "until": "2026-11-29T09:00"},
            "après le début",
        ),
        ({"domain": "exemple.org", "since": "hier"}, 'value="hier"'),
    ],
)
def test_bad_bulk_criteria_are_explained_and_kept(app, client, staff, fields, message):
    staff.login(client)
    page = client.get("/admin/fraud/bulk").get_data(as_text=True)
    data = {"petition": str(_kleema_id(app)), "reason": "essai", **fields, **form_tokens(page)}
    response = client.post("/admin/fraud/bulk", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    for value in fields.values():
        assert value in html


def test_a_fast_network_alerts_admins_once_an_hour(app, staff, signer, smtp_sink):
    admin, _password = staff.create("admin")
    staff.create("moderator")
    app.config["FRAUD_ALERT_SIGNATURES"] = 25
    flood(app, 30, network="198.51.100.", confirmed=False)
    with app.app_context():
        alerts = fraud.watch_trends()
        assert sorted(a.source_kind for a in alerts) == ["domain", "network"]
        assert fraud.watch_trends() == []  # at most once an hour per source
        assert (
            db.session.scalar(select(TrendAlert.signatures).where(TrendAlert.source_kind == "network")) >= 25
        )
        db.session.remove()
    signer.deliver()
    message = smtp_sink.last_to(admin)
    assert message is not None and "Afflux" in message["Subject"]
    assert len(smtp_sink.messages) == len(alerts)  # admins only


def test_the_dashboard_shows_the_alerts(app, client, staff):
    app.config["FRAUD_ALERT_SIGNATURES"] = 10
    flood(app, 12, network="198.51.100.", confirmed=False)
    with app.app_context():
        fraud.watch_trends()
        db.session.remove()
    staff.login(client)
    html = client.get("/admin/").get_data(as_text=True)
    assert "afflux de signatures dans les dernières 24" in html


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_the_fraud_pages_speak_each_language(client, staff, lang):
    staff.login(client, role="admin")
    words = {"fr": "Signatures mises de côté", "ar": "التواقيع", "en": "Signatures set aside"}
    for path in ("/admin/fraud", "/admin/fraud/bulk", "/admin/fraud/bans", "/admin/fraud/blocklists"):
        response = client.get(f"{path}?lang={lang}")
        assert response.status_code == 200
        assert words[lang] in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("lang", "validate", "undo", "looked_up"),
    [
        ("en", ">Validate</button>", ">Undo</button>", "</bdi>: blocked</p>"),
        ("ar", ">قبول</button>", ">تراجع</button>", "</bdi>: محظور</p>"),
        ("fr", ">Valider</button>", ">Annuler</button>", "</bdi>\u00a0: bloqué</p>"),
    ],
)
def test_the_fraud_buttons_say_what_they_do_in_each_language(
    app, client, staff, lang, validate, undo, looked_up
):
    flood(app, 3, flag="rate")
    staff.login(client, role="admin")
    queue = client.get(f"/admin/fraud?lang={lang}").get_data(as_text=True)
    assert validate in queue
    page = client.get("/admin/fraud/bulk").get_data(as_text=True)
    criteria = {"petition": str(_kleema_id(app)), "network": "203.0.113.0/24", "reason": "robots"}
    client.post("/admin/fraud/bulk", data={**criteria, "apply": "yes", **form_tokens(page)})
    assert undo in client.get(f"/admin/fraud/bulk?lang={lang}").get_data(as_text=True)
    lookup = client.get(f"/admin/fraud/blocklists?lang={lang}&q=mailinator.com").get_data(as_text=True)
    assert looked_up in lookup


def test_a_ban_on_an_address_is_part_of_its_data_and_erased_with_it(app, staff):
    from petition.core import personal_data

    email, _password = staff.create()
    with app.app_context():
        from petition.accounts.service import find_user

        fraud.add_ban(
            "email",
            "Troll@Example.org",
            signing_side=True,
            commenting_side=True,
            days=None,
            reason="x",
            actor=find_user(email),
        )
        bans = next(h for h in personal_data.holders() if h.name == "fraud-bans")
        assert [b["reason"] for b in bans.export("troll@example.org")] == ["x"]
        assert bans.erase("troll@example.org", personal_data.Erasure()) == 1
        db.session.commit()
        assert not fraud.banned("troll@example.org", None, signing_side=True)


def test_a_form_sent_just_after_the_minimum_time_is_a_near_miss_kept_aside(app, signer, smtp_sink):
    app.config["SIGN_SUSPECT_SECONDS"] = 60  # the form in these tests is sent at once
    assert signer.sign(email="presque-robot@example.org").status_code == 303
    assert _flag_of(app, "presque-robot@example.org") == "fast"
    signer.deliver()
    assert smtp_sink.last_to("presque-robot@example.org") is not None  # maybe a person with autofill


def test_a_pending_flagged_signature_validated_counts_when_its_owner_confirms(app, client, signer, staff):
    assert signer.sign(email="prudente@trashmail.com").status_code == 303
    staff.login(client)
    queue = client.get("/admin/fraud").get_data(as_text=True)
    assert "en attente de confirmation" in queue
    with app.app_context():
        signature_id = db.session.scalar(select(Signature.id))
    client.post("/admin/fraud/decide", data={"action": f"validate:{signature_id}", **form_tokens(queue)})
    assert signer.count() == 0
    signer.press_button(signer.confirm_link("prudente@trashmail.com"))
    assert signer.count() == 1


def test_an_ipv6_slash_64_ban_holds_for_every_address_in_it(app, client, staff):
    staff.login(client)
    page = client.get("/admin/fraud/bans").get_data(as_text=True)
    data = {
        "kind": "network",
        "value": "2001:db8:1234:5678::/64",
        "from_signing": "y",
        "days": "30",
        "reason": "faux comptes",
    }
    assert client.post("/admin/fraud/bans", data={**data, **form_tokens(page)}).status_code == 303
    assert _sign_from(app, "2001:db8:1234:5678:aaaa::9", "v6-a@example.org") == 303
    assert _sign_from(app, "2001:db8:1234:5679::9", "v6-b@example.org") == 303
    assert [_flag_of(app, "v6-a@example.org"), _flag_of(app, "v6-b@example.org")] == ["banned", None]
    bans = client.get("/admin/fraud/bans").get_data(as_text=True)
    assert "2001:db8:1234:5678::/64" in bans
    with app.app_context():
        ban_id = fraud.bans()[0].id
    assert client.post(f"/admin/fraud/bans/{ban_id}/lift", data=form_tokens(bans)).status_code == 303
    assert _sign_from(app, "2001:db8:1234:5678:aaaa::9", "v6-c@example.org") == 303
    assert _flag_of(app, "v6-c@example.org") is None


def test_the_fraud_pages_are_for_staff_only(client):
    for path in ("/admin/fraud", "/admin/fraud/bulk", "/admin/fraud/bans", "/admin/fraud/blocklists"):
        response = client.get(path)
        assert response.status_code == 302 and "/admin/login" in response.headers["Location"]
    tokens = form_tokens(client.get("/").get_data(as_text=True))
    refused = client.post(
        "/admin/fraud/decide", data={"action": "validate:1", "csrf_token": tokens["csrf_token"]}
    )
    assert refused.status_code == 302 and "/admin/login" in refused.headers["Location"]


def test_the_dashboard_counts_only_what_waits_for_a_decision(app, client, staff):
    flood(app, 3, flag="rate-limit")
    flood(app, 2, network="192.0.2.", flag="invalidated")
    staff.login(client)
    html = client.get("/admin/").get_data(as_text=True)
    held = html.split("Mises de côté comme suspectes", 1)[1].split("</dd>", 1)[0]
    assert held.endswith(">3")


def test_a_flood_signing_through_the_form_raises_an_alert(app, staff, smtp_sink, signer):
    admin, _password = staff.create("admin")
    app.config["FRAUD_ALERT_SIGNATURES"] = 3
    for n in range(2):
        assert _sign_from(app, "198.51.100.20", f"vague{n}@example.org") == 303
    with app.app_context():
        assert fraud.recent_alerts() == []
        from petition.extensions import cache

        cache.delete("fraud/trend-check")  # a minute later
    assert _sign_from(app, "198.51.100.21", "vague2@example.org") == 303
    with app.app_context():
        assert {a.source_kind for a in fraud.recent_alerts()} == {"network", "domain"}
    signer.deliver()
    assert "Afflux" in smtp_sink.last_to(admin)["Subject"]
