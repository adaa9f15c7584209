"""Share links that need no third-party script: each is a plain URL the phone knows how to open."""

from dataclasses import dataclass
from urllib.parse import quote, urlencode

from flask_babel import gettext as _

from petition.core.urls import absolute_url
from petition.petitions.models import Petition

# The order of the share bar: WhatsApp first, it is how the families talk.
LINK_CHANNELS = ("whatsapp", "facebook", "x", "telegram", "email", "sms")
# Buttons that need the browser's help, and the places a visitor can arrive from on paper or
# another site; each lands with its own utm_source so that admins can count them.
SCRIPT_CHANNELS = ("copy", "native")
OTHER_SOURCES = ("qr", "flyer", "embed", "badge")
SOURCES = frozenset(LINK_CHANNELS + SCRIPT_CHANNELS + OTHER_SOURCES)


def source_label(source: str) -> str:
    """How admins read a share button or place of arrival."""
    labels = {
        "whatsapp": "WhatsApp",
        "facebook": "Facebook",
        "x": "X",
        "telegram": "Telegram",
        "email": _("E-mail"),
        "sms": _("SMS"),
        "copy": _("Lien copié"),
        "native": _("Partage du téléphone"),
        "qr": _("QR code"),
        "flyer": _("Adresse courte de l'affiche"),
        "embed": _("Widget sur un autre site"),
        "badge": _("Badge sur un autre site"),
    }
    return labels.get(source, source)


# A long title is cut so that text and link fit in one SMS.
TITLE_MAX = 60


@dataclass(frozen=True)
class ShareLink:
    channel: str
    label: str
    href: str
    opens_new_tab: bool


@dataclass(frozen=True)
class ShareBar:
    title: str
    text: str
    copy_url: str
    native_url: str
    links: tuple[ShareLink, ...]


def petition_url(petition: Petition) -> str:
    return absolute_url("petitions.show", slug=petition.slug)


def landing_url(petition: Petition, source: str | None = None, ref: str | None = None) -> str:
    """The petition's address as a share button sends it: whose link, which button."""
    params = {key: value for key, value in (("ref", ref), ("utm_source", source)) if value}
    url = petition_url(petition)
    return f"{url}?{urlencode(params)}" if params else url


def short_title(petition: Petition) -> str:
    title = petition.title.strip()
    return title if len(title) <= TITLE_MAX else title[: TITLE_MAX - 1].rstrip() + "…"


def share_text(petition: Petition, signed: bool) -> str:
    if signed:
        return _("J'ai signé « %(title)s ». Signez vous aussi :", title=short_title(petition))
    return _("Soutenez la pétition « %(title)s » :", title=short_title(petition))


def _query(**params: str) -> str:
    # quote() and not urlencode(): mailto and sms links read "+" as a plus sign, not a space.
    return "&".join(f"{name}={quote(value, safe='')}" for name, value in params.items())


def share_bar(petition: Petition, ref: str | None = None, signed: bool = False) -> ShareBar:
    text = share_text(petition, signed)

    def url(channel: str) -> str:
        return landing_url(petition, channel, ref)

    links = (
        ShareLink("whatsapp", "WhatsApp", "https://wa.me/?" + _query(text=f"{text} {url('whatsapp')}"), True),
        ShareLink(
            "facebook",
            "Facebook",
            "https://www.facebook.com/sharer/sharer.php?" + _query(u=url("facebook")),
            True,
        ),
        ShareLink("x", "X", "https://x.com/intent/tweet?" + _query(text=text, url=url("x")), True),
        ShareLink(
            "telegram",
            "Telegram",
            "https://t.me/share/url?" + _query(url=url("telegram"), text=text),
            True,
        ),
        ShareLink(
            "email",
            _("E-mail"),
            "mailto:?"
            + _query(
                subject=_("Pétition : %(title)s", title=short_title(petition)),
                body=f"{text}\n\n{url('email')}",
            ),
            False,
        ),
        # "?&body=" is the form both Android and iOS messaging apps accept.
        ShareLink("sms", _("SMS"), "sms:?&" + _query(body=f"{text} {url('sms')}"), False),
    )
    return ShareBar(
        title=petition.title,
        text=text,
        copy_url=url("copy"),
        native_url=url("native"),
        links=links,
    )
