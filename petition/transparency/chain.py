"""The rules of the public log and its checkpoints, shared by the site and by `verify`.

Pure functions over plain data (standard library and `cryptography` only): `verify` runs them on
what it downloads, without the application or its database.

- An entry is a JSON object with the keys of ENTRY_FIELDS. Its hash (hex) is
  sha256(bytes of the previous entry's hash || canonical JSON of the entry), the first entry
  chaining from GENESIS (32 zero bytes). The published line adds "prev" and "hash".
- Canonical JSON: keys sorted, no spaces, UTF-8 (`canonical`), as RFC 8785 asks for the
  strings and integers used here.
- A checkpoint is a JSON object with the keys of CHECKPOINT_FIELDS, signed with Ed25519
  (RFC 8032) over its canonical JSON; the published line adds "signature" (base64).
- Receipts: 15 random-looking bytes written in RFC 4648 base32 as six groups of four; the log
  holds sha256 of the 24 letters and digits, never the receipt itself.
"""

import base64
import hashlib
import hmac
import json

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

GENESIS = "0" * 64
ENTRY_FIELDS = ("seq", "petition", "event", "receipt", "country", "day", "reason")
CHECKPOINT_FIELDS = ("length", "head", "counts", "count", "time", "key")

# How each event moves the count of its petition.
DELTAS = {"confirmed": 1, "validated": 1, "withdrawn": -1, "invalidated": -1}

RECEIPT_BYTES = 15
RECEIPT_LENGTH = 24  # base32 characters of RECEIPT_BYTES
_B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
# Characters a person may type for a base32 one when copying a receipt by hand.
_LOOKALIKES = str.maketrans({"0": "O", "1": "I", "8": "B"})


def canonical(value: dict) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_hash(prev: str, entry: dict) -> str:
    """sha256(previous hash bytes || canonical JSON of the entry's ENTRY_FIELDS), in hex."""
    body = {name: entry.get(name) for name in ENTRY_FIELDS}
    return hashlib.sha256(bytes.fromhex(prev) + canonical(body)).hexdigest()


def checkpoint_payload(checkpoint: dict) -> bytes:
    """The bytes a checkpoint's signature covers."""
    return canonical({name: checkpoint.get(name) for name in CHECKPOINT_FIELDS})


def sign_checkpoint(private_key: Ed25519PrivateKey, checkpoint: dict) -> str:
    return base64.b64encode(private_key.sign(checkpoint_payload(checkpoint))).decode()


def public_key_text(private_key: Ed25519PrivateKey) -> str:
    """The public half as base64 of its 32 raw bytes (what checkpoints name in "key")."""
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    raw = private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def signature_valid(checkpoint: dict) -> bool:
    """Whether "signature" is a valid Ed25519 signature of the checkpoint by its "key"."""
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(checkpoint["key"], validate=True))
        key.verify(base64.b64decode(checkpoint["signature"], validate=True), checkpoint_payload(checkpoint))
    except (InvalidSignature, KeyError, TypeError, ValueError):
        return False
    return True


def derive_receipt(secret: str, token: str) -> str:
    """The receipt of a signature: HMAC-SHA256 of its random token under the site's secret, cut
    to RECEIPT_BYTES, so that nothing personal goes in and nobody without the secret can make one.
    A signature signed again after a withdrawal has a new token, hence a new receipt."""
    digest = hmac.new(secret.encode(), b"transparency-receipt\0" + token.encode(), hashlib.sha256).digest()
    letters = base64.b32encode(digest[:RECEIPT_BYTES]).decode()
    return "-".join(letters[i : i + 4] for i in range(0, RECEIPT_LENGTH, 4))


def normalise_receipt(typed: str) -> str | None:
    """The receipt's 24 base32 characters from what a person typed or pasted (any case, spaces,
    dashes, 0/1/8 for O/I/B), or None when it cannot be a receipt."""
    letters = "".join(c for c in typed.upper() if c.isalnum()).translate(_LOOKALIKES)
    if len(letters) != RECEIPT_LENGTH or any(c not in _B32 for c in letters):
        return None
    return letters


def receipt_hash(receipt: str) -> str:
    """sha256 (hex) of a receipt's 24 characters: what the log shows for it."""
    letters = normalise_receipt(receipt)
    if letters is None:
        raise ValueError("not a receipt")
    return hashlib.sha256(letters.encode()).hexdigest()


def load_private_key(text: str) -> Ed25519PrivateKey:
    """The signing key from TRANSPARENCY_KEY: a PEM private key, or base64 of its 32 raw bytes.
    Raises ValueError when it is neither."""
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    text = text.strip()
    if text.startswith("-----BEGIN"):
        key = load_pem_private_key(text.encode(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("TRANSPARENCY_KEY is not an Ed25519 key")
        return key
    try:
        raw = base64.b64decode(text, validate=True)
    except ValueError:
        raise ValueError("TRANSPARENCY_KEY is neither PEM nor base64") from None
    if len(raw) != 32:
        raise ValueError("TRANSPARENCY_KEY in base64 must hold 32 bytes")
    return Ed25519PrivateKey.from_private_bytes(raw)


def new_private_key_pem() -> str:
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

    key = Ed25519PrivateKey.generate()
    return key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()).decode()


def new_private_key_base64() -> str:
    """A new key as one line for TRANSPARENCY_KEY: base64 of its 32 raw bytes."""
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

    key = Ed25519PrivateKey.generate()
    return base64.b64encode(key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())).decode()
