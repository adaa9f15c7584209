"""Every kind of mail the site sends, produced the way people cause it, in one language."""

from petition.extensions import db
from tests.commenting import Reader, approved, decide, latest_comment
from tests.helpers import form_tokens, links, path_of
from tests.mailing_steps import Admin

AUTHOR = "amina@example.org"
SIGNER = "nouvelle@example.org"
SIGNED = "deja@example.org"
VOLUNTEER = "nadia@example.org"
SUBSCRIBER = "abonnee@example.org"
ASKER = "donnees@example.org"


def every_kind_of_mail(app, signer, staff, mailbox, lang: str) -> dict:
    """{kind: the message as received over SMTP}, for signers (one asked for the committee's
    news), a commenter, a moderator and an admin who all read `lang` (the moderators' digest and
    the contact message go out in the site's default language, set to it)."""
    app.config["BABEL_DEFAULT_LOCALE"] = lang
    moderator, _ = staff.create("moderator")
    admin, _ = staff.create("admin")
    signer.client.get(f"/?lang={lang}")
    signer.sign(email=SIGNER, first_name="Samira")
    signer.sign_and_confirm(email=SIGNED, first_name="Rachid")
    signer.sign(email=SIGNED, first_name="Rachid")
    signer.sign_and_confirm(email=SUBSCRIBER, first_name="Nadia", wants_updates="y")

    author, replier = Reader(app), Reader(app, ip="198.51.100.40")
    for reader in (author, replier):
        reader.get(f"/?lang={lang}")
    author.comment(text="Quelqu'un sait quand la ligne revient ?", email=AUTHOR, name="Amina")
    asked = latest_comment(app).id
    decide(app, asked)
    signer.deliver()
    confirmation = mailbox.last_to(AUTHOR)
    author.press(path_of(next(u for u in links(confirmation) if "/notifications/confirm/" in u)))
    approved(app, replier, text="Pas avant la décision du juge, je pense.", name="Leila", reply_to=asked)
    app.config["CONTACT_MIN_SECONDS"] = 0
    form = signer.client.get(f"/contact?lang={lang}").get_data(as_text=True)
    contact = {"name": "Youssef", "email": "youssef@example.org", "message": "Où en est l'audience ?"}
    assert signer.client.post("/contact", data={**contact, **form_tokens(form)}).status_code == 303
    form = signer.client.get(f"/volunteer?lang={lang}").get_data(as_text=True)
    volunteer = {
        "name": "Nadia Berrada",
        "email": VOLUNTEER,
        "country": "BE",
        "helps": ["translate"],
        "consent": "y",
    }
    assert signer.client.post("/volunteer", data={**volunteer, **form_tokens(form)}).status_code == 303
    committee = Admin(app, staff)
    committee.send(committee.draft())
    form = signer.client.get(f"/my-data?lang={lang}").get_data(as_text=True)
    assert signer.client.post("/my-data", data={"email": ASKER, **form_tokens(form)}).status_code == 303
    signer.deliver()
    with app.app_context():
        db.session.remove()
    found = {
        "signing/confirm": mailbox.last_to(SIGNER),
        "signing/already_signed": mailbox.last_to(SIGNED),
        "comments/confirm_notifications": confirmation,
        "comments/reply": mailbox.last_to(AUTHOR),
        "moderation/digest": mailbox.last_to(moderator),
        "contact/message": mailbox.last_to(admin),
        "volunteers/confirm": mailbox.last_to(VOLUNTEER),
        "mailings/mailing": mailbox.last_to(SUBSCRIBER),
        "privacy/my_data_link": mailbox.last_to(ASKER),
    }
    assert found["comments/reply"] is not confirmation, "no reply notification was sent"
    # Two signatures from one network within minutes, over a threshold of two: admins hear of it.
    app.config["FRAUD_ALERT_SIGNATURES"] = 2
    with app.app_context():
        from petition.fraud.service import watch_trends

        assert watch_trends(), "no trending alert was raised"
        db.session.remove()
    signer.deliver()
    found["fraud/trending"] = mailbox.last_to(admin)
    return found
