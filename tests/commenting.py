"""A reader with a browser (cookie jar) who reads threads, comments, replies, edits and reports."""

import re
from html.parser import HTMLParser

from sqlalchemy import func, select

from petition.comments import service
from petition.comments.models import Comment, CommentStatus
from petition.extensions import db
from petition.petitions import service as petitions

# What an attacker types, in the name or the text of a comment.
CORPUS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    '" onmouseover="alert(1)" x="',
    "' onfocus='alert(1)' autofocus='",
    "javascript:alert(1)",
    '<a href="javascript:alert(1)">clic</a>',
    '<a href="jav&#x09;ascript:alert(1)">clic</a>',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    "<<script>script>alert(1)<</script>/script>",
    '<iframe src="https://evil.example"></iframe>',
    "<style>body{display:none}</style>",
    'http://example.org/"onmouseover="alert(1)',
    "http://example.org/<script>alert(1)</script>",
    "https://example.org/?q=<b>x</b>&a='1'",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "{{ 7*7 }} {% if true %}ok{% endif %} ${7*7}",
    "</textarea><script>alert(1)</script>",
    "</bdi></li></ol><script>alert(1)</script>",
]

# A name must have a letter, at most 60 characters and no web address.
NAMES = [p for p in CORPUS if len(p) <= 60 and "http" not in p and ".example" not in p and "data:" not in p]
# Those that also make a valid name and would be markup if not escaped.
CORPUS_SHORT = [p for p in NAMES if "<" in p or '"' in p]

_HIDDEN = re.compile(r'name="((?:comment-)?(?:csrf_token|started))" type="hidden" value="([^"]+)"')


def comment_tokens(html: str) -> dict:
    """The hidden fields of the comment form (its names carry the "comment-" prefix)."""
    return {name: value for name, value in _HIDDEN.findall(html) if name.startswith("comment-")}


def plain_tokens(html: str) -> dict:
    """The CSRF token of an unprefixed form (edit, delete, report, buttons)."""
    return {name: value for name, value in _HIDDEN.findall(html) if name == "csrf_token"}


class Reader:
    def __init__(self, app, ip: str = "192.0.2.10"):
        self.app = app
        self.client = app.test_client()
        self.ip = ip

    def get(self, path: str, **kwargs):
        return self.client.get(path, environ_base={"REMOTE_ADDR": self.ip}, **kwargs)

    def post(self, path: str, data: dict, **kwargs):
        return self.client.post(path, data=data, environ_base={"REMOTE_ADDR": self.ip}, **kwargs)

    def html(self, path: str = "/petitions/kleema/comments", **kwargs) -> str:
        response = self.get(path, follow_redirects=True, **kwargs)
        assert response.status_code == 200, response.status_code
        return response.get_data(as_text=True)

    def comment(
        self,
        text: str = "Salam à tous, je signe et je transfère à la famille.",
        name: str = "Karim",
        email: str | None = None,
        reply_to: int | str | None = None,
        slug: str = "kleema",
        **extra,
    ):
        page = self.get(f"/petitions/{slug}/comments").get_data(as_text=True)
        data = {
            "comment-author_name": name,
            "comment-text": text,
            "comment-email": email or "",
            "comment-reply_to": "" if reply_to is None else str(reply_to),
            **comment_tokens(page),
            **extra,
        }
        return self.post(f"/petitions/{slug}/comments", data)

    def press(self, path: str, **fields):
        """Open a page with a form and send it as a browser would, with its CSRF token."""
        page = self.get(path)
        assert page.status_code == 200, (path, page.status_code)
        return self.post(path, {**plain_tokens(page.get_data(as_text=True)), **fields})


def latest_comment(app) -> Comment:
    with app.app_context():
        comment = db.session.scalars(select(Comment).order_by(Comment.id.desc()).limit(1)).one()
        db.session.expunge(comment)
        return comment


def load(app, comment_id: int) -> Comment:
    with app.app_context():
        comment = db.session.get(Comment, comment_id)
        db.session.expunge(comment)
        return comment


def decide(app, comment_id: int, status: CommentStatus = CommentStatus.APPROVED) -> None:
    """A moderator's decision, taken directly, to set up a thread."""
    with app.app_context():
        service.decide(db.session.get(Comment, comment_id), status)
        db.session.commit()


def approved(app, reader: Reader, **kwargs) -> int:
    """Post through the form and approve; returns the comment id."""
    response = reader.comment(**kwargs)
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    comment_id = latest_comment(app).id
    decide(app, comment_id)
    return comment_id


class _MarkupAudit(HTMLParser):
    """Collects every way a page could run code or load something it should not, and links in
    what visitors wrote that lack rel="nofollow ugc"."""

    FORBIDDEN_TAGS = {
        "iframe",
        "object",
        "embed",
        "svg",
        "math",
        "img",
        "style",
        "base",
        "frame",
        "video",
        "audio",
    }
    VOID_TAGS = {"br", "input", "meta", "link", "hr", "img", "source", "wbr", "col", "area", "embed", "base"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_script = False
        self._open: list[bool] = []  # for each open element: is it (inside) text a visitor wrote?

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        typed_here = "comment-text" in (values.get("class") or "").split() or any(self._open)
        if tag not in self.VOID_TAGS:
            self._open.append(typed_here)
        # The one image of these pages: the petition's own QR code, printed in place of the form.
        own_qr = (
            tag == "img"
            and not typed_here
            and re.fullmatch(r"/petitions/[\w-]+/qr\.svg", values.get("src") or "")
        )
        if tag in self.FORBIDDEN_TAGS and not own_qr:
            self.problems.append(f"<{tag}> element")
        if tag == "script":
            self._in_script = True
            if not (values.get("src") or "").startswith("/static/"):
                self.problems.append(f"script not from /static/: {values}")
        if tag == "a" and typed_here and "nofollow ugc" not in (values.get("rel") or ""):
            self.problems.append(f"link in a visitor's text without rel=nofollow ugc: {values}")
        for name, value in attrs:
            if name.startswith("on") or name in ("style", "srcdoc", "formaction"):
                self.problems.append(f"attribute {name}={value!r} on <{tag}>")
            if name in ("href", "src", "action", "xlink:href"):
                scheme = "".join((value or "").split()).lower()
                if scheme.startswith(("javascript:", "data:", "vbscript:")):
                    self.problems.append(f"{name}={value!r} on <{tag}>")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False
        if tag not in self.VOID_TAGS and self._open:
            self._open.pop()

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.problems.append(f"inline script: {data[:80]!r}")


def assert_inert(html: str) -> None:
    audit = _MarkupAudit()
    audit.feed(html)
    audit.close()
    assert not audit.problems, audit.problems


def comment_count_of(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Comment))


class Moderator:
    """A staff member working through the queue with the plain forms (no JavaScript)."""

    def __init__(self, app, staff, role: str = "moderator"):
        self.app = app
        self.client = app.test_client()
        self.email = staff.login(self.client, role=role)

    def html(self, path: str = "/admin/moderation") -> str:
        response = self.client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        return response.get_data(as_text=True)

    def act(self, action: str, comment_id: int, reason: str | None = None, queue: str = "pending", **headers):
        token = plain_tokens(self.html(_QUEUE_PATHS[queue]))["csrf_token"]
        data = {"csrf_token": token, "queue": queue, "action": f"{action}:{comment_id}"}
        if reason:
            data[f"reason-{comment_id}"] = reason
        return self.client.post("/admin/moderation/act", data=data, headers=headers)

    def bulk(self, action: str, comment_ids: list[int], reason: str | None = None, queue: str = "pending"):
        token = plain_tokens(self.html(_QUEUE_PATHS[queue]))["csrf_token"]
        data = {"csrf_token": token, "queue": queue, "bulk": action, "ids": [str(i) for i in comment_ids]}
        if reason:
            data["bulk_reason"] = reason
        return self.client.post("/admin/moderation/act", data=data)

    def reply(self, comment_id: int, text: str):
        path = f"/admin/moderation/comments/{comment_id}/reply"
        token = plain_tokens(self.html(path))["csrf_token"]
        return self.client.post(path, data={"csrf_token": token, "text": text})


_QUEUE_PATHS = {
    "pending": "/admin/moderation",
    "reported": "/admin/moderation/reported",
    "decided": "/admin/moderation/decided",
}


def seed_queue(app, size: int) -> list[int]:
    """Comments waiting for moderation, posted straight through the service."""
    with app.app_context():
        petition = petitions.by_slug("kleema")
        ids = []
        for n in range(size):
            draft = service.Draft(
                author_name=f"Lecteur {n}", text=f"Commentaire numéro {n} : je soutiens KLEEMA."
            )
            comment, _token = service.post(petition, draft, locale="fr", ip=f"203.0.{n}.1")
            ids.append(comment.id)
        db.session.remove()
        return ids


def log_in(browser, live_server, staff, role="moderator", **options):
    """A new browser profile where a new staff member has logged in through the form."""
    email, password = staff.create(role)
    context = browser.new_context(base_url=live_server, locale="fr-FR", **options)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto("/admin/login")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    if email in staff.phones:
        page.get_by_label("Code", exact=True).fill(staff.code(email))
        page.get_by_role("button", name="Valider").click()
    page.wait_for_url("**/admin/")
    return context, page
