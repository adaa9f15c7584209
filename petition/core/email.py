"""One mailbox, one key: how every feature reads, compares and caps email addresses.

Three forms of an address:
- what the person typed, checked by `plain_mailbox` and kept for sending (mail goes where they said);
- `normalized_address`: the same mailbox spelled one way (case folded), what staff accounts store;
- `canonical_email`: the key that counts one mailbox once, with the aliases its provider documents
  folded away. Signatures are unique on it; the daily mail cap and comment notifications use it.
"""

from functools import lru_cache

from email_validator import EmailNotValidError, validate_email


class NotPlainMailbox(EmailNotValidError):
    """The address is syntactically valid but is not a plain mailbox: an RFC 2047 encoded word in
    the local part, which mail software decodes into another address."""


# RFC 2047 §2: an encoded word is "=?charset?encoding?text?=". Mail headers decode it, so
# "=?utf-8?q?ana?=@example.org" is delivered to ana@example.org while counting as another address.
# A local part holding "=?" is refused whole: no real mailbox needs it.
_ENCODED_WORD_START = "=?"


@lru_cache(maxsize=256)
def normalized_email(address: str) -> str:
    """The address as stored: the local part as email-validator normalises it, the domain in
    IDNA ASCII (RFC 5891), syntax checked only; raises EmailNotValidError.

    `amal@bücher.example` and `amal@xn--bcher-kva.example` are one address, which any mail server
    can take. email-validator already refuses quoted local parts, comments ("ana(x)@…") and display
    names ("Ana <ana@…>"), since none is allowed by default. Remembered for a while: a signature
    checks the typed address, then derives its canonical key from the result.
    """
    checked = validate_email(address, check_deliverability=False)
    if _ENCODED_WORD_START in checked.local_part:
        raise NotPlainMailbox("The address holds an encoded word (=?…?=); type the plain address.")
    return f"{checked.local_part}@{checked.ascii_domain}"


def plain_mailbox(address: str) -> str:
    """The typed address, checked to be a plain mailbox and normalised; raises EmailNotValidError
    (NotPlainMailbox for an encoded word)."""
    return normalized_email(address.strip())


def normalized_address(address: str) -> str:
    """One spelling of the mailbox typed (case folded), without folding provider aliases.

    An address that does not validate is compared as typed, stripped and case folded.
    """
    try:
        address = normalized_email(address.strip())
    except EmailNotValidError:
        address = address.strip()
    return address.casefold()


# Providers that document that some spellings reach one mailbox. Only documented rules are folded:
# - Gmail ignores dots in the local part ("Dots don't matter in Gmail addresses",
#   https://support.google.com/mail/answer/7436150) and delivers name+tag@ to name@
#   (https://support.google.com/a/users/answer/9308648); googlemail.com is the same service under
#   its former name in Germany and the UK (https://support.google.com/mail/answer/10313).
# - Outlook.com (formerly Hotmail, Live) delivers name+tag@ to name@ (plus addressing,
#   https://learn.microsoft.com/en-us/exchange/recipients-in-exchange-online/plus-addressing-in-exchange-online;
#   on Outlook.com since 2013).
# - Fastmail delivers name+tag@ to name@
#   (https://www.fastmail.help/hc/en-us/articles/360060591053-Plus-addressing-and-subdomain-addressing).
# - Proton Mail delivers name+tag@ to name@ (https://proton.me/support/addresses-and-aliases).
# Yahoo's "disposable addresses" use a separate base name ("base-keyword@"), not the account's
# name, so they cannot be folded; providers whose rules are not documented are left alone.
_SAME_DOMAIN = {"googlemail.com": "gmail.com"}
_DOTS_IGNORED = frozenset({"gmail.com"})
_PLUS_TAGS = frozenset(
    {
        "gmail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "fastmail.com",
        "fastmail.fm",
        "proton.me",
        "protonmail.com",
        "pm.me",
    }
)


def canonical_email(address: str) -> str:
    """The key under which two spellings of one mailbox are one person (str, case folded).

    `Karim.Benali+kleema@googlemail.com` and `karimbenali@gmail.com` give the same key. Never
    used to send: mail goes to the address as typed.
    """
    local, at, domain = normalized_address(address).rpartition("@")
    if not at:
        return domain
    domain = _SAME_DOMAIN.get(domain, domain)
    if domain in _PLUS_TAGS:
        local = local.split("+", 1)[0] or local
    if domain in _DOTS_IGNORED:
        local = local.replace(".", "") or local
    return f"{local}@{domain}"
