"""What the tests share: an SMTP sink, form tokens, links in mail, and people who sign or log in."""

import email
import re
import socket
import threading
import time
from email.policy import default as default_policy
from urllib.parse import urlsplit

from petition.extensions import db


class Mailbox:
    """An SMTP sink: every message the site sends over the wire lands here."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=default_policy)
        message.wire = envelope.content  # the bytes as sent, before any re-folding
        message.rcpt_tos = envelope.rcpt_tos
        with self.lock:
            self.messages.append(message)
        return "250 OK"

    def clear(self):
        with self.lock:
            self.messages.clear()

    def to(self, address: str) -> list:
        return [m for m in self.messages if m["To"].casefold() == address.casefold()]

    def last_to(self, address: str):
        found = self.to(address)
        assert found, f"no mail to {address}; got {[m['To'] for m in self.messages]}"
        return found[-1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
STARTED = re.compile(r'name="started" type="hidden" value="([^"]+)"')


def form_tokens(html: str) -> dict:
    """The hidden fields a browser would send back with the form."""
    tokens = {"csrf_token": CSRF.search(html).group(1)}
    started = STARTED.search(html)
    if started:
        tokens["started"] = started.group(1)
    return tokens


def text_of(message) -> str:
    """The plain-text part of a mail, as a reader without HTML sees it."""
    return message.get_body(("plain",)).get_content()


def links(message) -> list[str]:
    return re.findall(r"https?://\S+", text_of(message))


def path_of(url: str) -> str:
    return urlsplit(url).path


GOOD = {
    "first_name": "Fatima",
    "last_name": "Benali",
    "email": "fatima@example.org",
    "country": "FR",
    "city": "Lyon",
    "reason": "Pour appeler ma mère à Fès.",
    "show_name": "y",
}


class Signer:
    """Signs, reads the mail and confirms the way a person with a browser does."""

    def __init__(self, app, client, mailbox):
        self.app = app
        self.client = client
        self.mailbox = mailbox

    def sign(self, slug="kleema", **fields):
        page = self.client.get(f"/petitions/{slug}")
        data = {**GOOD, **fields, **form_tokens(page.get_data(as_text=True))}
        data = {k: v for k, v in data.items() if v is not None}
        return self.client.post(f"/petitions/{slug}/sign", data=data)

    def deliver(self):
        from petition.mail.service import deliver_due

        with self.app.app_context():
            result = deliver_due()
            db.session.remove()
        return result

    def confirm_link(self, address):
        self.deliver()
        return path_of(next(u for u in links(self.mailbox.last_to(address)) if "/confirm/" in u))

    def withdraw_link(self, address):
        self.deliver()
        return path_of(next(u for u in links(self.mailbox.last_to(address)) if "/withdraw/" in u))

    def press_button(self, path):
        page = self.client.get(path)
        assert page.status_code == 200, page.status_code
        return self.client.post(path, data=form_tokens(page.get_data(as_text=True)), follow_redirects=True)

    def sign_and_confirm(self, **fields):
        address = fields.get("email", GOOD["email"])
        self.sign(**fields)
        return self.press_button(self.confirm_link(address))

    def count(self, slug="kleema"):
        return self.client.get(f"/api/petitions/{slug}").get_json()["count"]


class Staff:
    """Creates moderator and admin accounts, and logs them in through the real login form.

    Admins must have a second factor: `create` enrols a phone for them as a person would (the
    service's enrolment, confirmed with a code), unless `second_factor=False`; `code(email)`
    then reads that phone, and `login` types its code at the login's second step.
    """

    def __init__(self, app):
        self.app = app
        self.created = 0
        self.phones: dict[str, str] = {}
        self.recovery_codes: dict[str, list[str]] = {}
        self.steps: dict[str, int] = {}

    def create(self, role="moderator", email=None, password=None, second_factor=None) -> tuple[str, str]:
        from petition.accounts.service import create_user

        self.created += 1
        email = email or f"{role}{self.created}@comite-kleema.example"
        password = password or f"une phrase de passe {self.created}"
        with self.app.app_context():
            user = create_user(email, password, role)
            if second_factor if second_factor is not None else role == "admin":
                self.enrol(user)
            db.session.remove()
        return email, password

    def enrol(self, user) -> None:
        """Enrol a phone for `user` (in an app context), with the code of the step just past so
        that the current and next steps stay free for logins."""
        import pyotp

        from petition.accounts import second_factor

        secret = second_factor.enrolment(user).secret
        self.steps[user.email] = int(time.time() // second_factor.STEP_SECONDS) - 1
        codes = second_factor.finish_enrolment(user, pyotp.TOTP(secret).generate_otp(self.steps[user.email]))
        assert codes is not None
        self.phones[user.email] = secret
        self.recovery_codes[user.email] = codes

    def code(self, email) -> str:
        """A code the phone of `email` shows now that the site has not accepted yet (a code is
        good once: two logins within the same 30 seconds use the current and the next step)."""
        import pyotp

        from petition.accounts import second_factor

        step = max(int(time.time() // second_factor.STEP_SECONDS), self.steps[email] + 1)
        self.steps[email] = step
        return pyotp.TOTP(self.phones[email]).generate_otp(step)

    def login(self, client, role="moderator", **options) -> str:
        email, password = self.create(role, **options)
        page = client.get("/admin/login").get_data(as_text=True)
        response = client.post(
            "/admin/login", data={"email": email, "password": password, **form_tokens(page)}
        )
        assert response.status_code == 303, response.get_data(as_text=True)
        if email in self.phones:
            code_page = client.get(response.headers["Location"]).get_data(as_text=True)
            response = client.post(
                response.headers["Location"], data={"code": self.code(email), **form_tokens(code_page)}
            )
            assert response.status_code == 303, response.get_data(as_text=True)
        return email
