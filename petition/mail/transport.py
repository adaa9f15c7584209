"""Where mail goes: an SMTP server named by MAIL_URL, or .eml files for the embedded default."""

import contextlib
import re
import smtplib
import ssl
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

LINK = re.compile(r"https?://\S+")


# Why a mail was given up, as stored in `OutboxMail.failure`; the dashboard names each one.
REFUSED = "refused"
NO_SMTPUTF8 = "no_smtputf8"
TOO_OLD = "too_old"
GONE = "gone"


class PermanentFailure(Exception):
    """Retrying would not help: the server refused the recipient for good (REFUSED), or the
    address needs SMTPUTF8 (RFC 6531) and the server does not offer it (NO_SMTPUTF8)."""

    def __init__(self, reason: str, detail: str):
        super().__init__(detail)
        self.reason = reason


class FileTransport:
    def __init__(self, directory: str):
        self.directory = Path(directory)

    def __enter__(self):
        self.directory.mkdir(parents=True, exist_ok=True)
        return self

    def __exit__(self, *exc):
        return False

    def send(self, message: EmailMessage) -> None:
        name = re.sub(r"[^A-Za-z0-9.-]", "_", message["Message-ID"].strip("<>"))
        path = self.directory / f"{name}.eml"
        path.write_bytes(
            message.as_bytes(policy=message.policy.clone(utf8=True))
        )  # as an SMTPUTF8 server gets it
        links = LINK.findall(message.get_body(("plain",)).get_content())
        print(f"[mail] {message['To']}: {message['Subject']} -> {path}", flush=True)
        for link in links:
            print(f"[mail]   {link}", flush=True)


class SMTPTransport:
    def __init__(self, url: str, timeout: float = 15):
        parts = urlsplit(url)
        query = parse_qs(parts.query)
        self.implicit_tls = parts.scheme == "smtps"
        self.starttls = parts.scheme == "smtp+starttls" or query.get("starttls", [""])[0] in (
            "1",
            "true",
        )
        self.host = parts.hostname or "localhost"
        self.port = parts.port or (465 if self.implicit_tls else 587 if self.starttls else 25)
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.timeout = timeout
        self.connection: smtplib.SMTP | None = None

    def __enter__(self):
        context = ssl.create_default_context()
        if self.implicit_tls:
            self.connection = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        else:
            self.connection = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            if self.starttls:
                self.connection.starttls(context=context)
        if self.username:
            self.connection.login(self.username, self.password or "")
        return self

    def __exit__(self, *exc):
        with contextlib.suppress(smtplib.SMTPException, OSError):
            self.connection.quit()
        return False

    def send(self, message: EmailMessage) -> None:
        try:
            # smtplib asks for SMTPUTF8 by itself when an address is not ASCII, and refuses to
            # send when the server does not offer it.
            self.connection.send_message(message)
        except smtplib.SMTPNotSupportedError as error:
            raise PermanentFailure(
                NO_SMTPUTF8,
                f"the address has non-ASCII characters before the @ and the mail server does not offer SMTPUTF8 ({error})",
            ) from error
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _ in error.recipients.values()]
            if codes and all(500 <= code < 600 for code in codes):
                raise PermanentFailure(REFUSED, str(error)) from error
            raise


def transport_for(url: str):
    if url.startswith("file://"):
        return FileTransport(url.removeprefix("file://"))
    if url.startswith(("smtp://", "smtps://", "smtp+starttls://")):
        return SMTPTransport(url)
    raise ValueError(f"MAIL_URL must start with smtp://, smtps://, smtp+starttls:// or file://, not {url!r}")
