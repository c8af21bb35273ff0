"""A town's link kept so that only the ministry can show it again.

The store keeps only the hash of a town's link. To show a link again, a copy of it is sealed to
a public key (X25519) whose private key is derived from the admin link's token and never stored:
`brochure portal add-town` and the admin page can seal (the public key is in DIR/admin.json),
only someone holding the admin link can open (ECIES: an ephemeral X25519 key, HKDF-SHA256,
AES-256-GCM, from the `cryptography` package). A copy of the data folder opens nothing; a new
admin link (`brochure portal admin-link`) makes the sealed copies made before it unreadable.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

INFO = b"brochure portal: a town's link, sealed for the admin link"
RAW = {"encoding": serialization.Encoding.Raw, "format": serialization.PublicFormat.Raw}


def _private(admin_token: str) -> X25519PrivateKey:
    seed = hmac.new(admin_token.encode("utf-8", "surrogatepass"), b"portal-link-seal", hashlib.sha256).digest()
    return X25519PrivateKey.from_private_bytes(seed)


def public_key(admin_token: str) -> str:
    """The admin link's public sealing key (base64), stored beside its hash."""
    return base64.b64encode(_private(admin_token).public_key().public_bytes(**RAW)).decode()


def _key(shared: bytes, ephemeral: bytes, recipient: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=ephemeral + recipient, info=INFO).derive(shared)


def seal(public: str, token: str, town_id: str) -> dict:
    """TOKEN sealed to PUBLIC, bound to TOWN_ID (a sealed copy moved to another town fails)."""
    recipient = base64.b64decode(public)
    ephemeral = X25519PrivateKey.generate()
    eph = ephemeral.public_key().public_bytes(**RAW)
    key = _key(ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient)), eph, recipient)
    nonce = hashlib.sha256(eph).digest()[:12]  # one message per ephemeral key
    sealed = AESGCM(key).encrypt(nonce, token.encode(), town_id.encode())
    return {"for": public, "ephemeral": base64.b64encode(eph).decode(), "sealed": base64.b64encode(sealed).decode()}


def unseal(admin_token: str, data: dict | None, town_id: str) -> str | None:
    """The token sealed in DATA, or None (sealed for another admin link, altered, or no data)."""
    try:
        private = _private(admin_token)
        recipient = private.public_key().public_bytes(**RAW)
        if data is None or base64.b64decode(data["for"]) != recipient:
            return None
        eph = base64.b64decode(data["ephemeral"])
        key = _key(private.exchange(X25519PublicKey.from_public_bytes(eph)), eph, recipient)
        nonce = hashlib.sha256(eph).digest()[:12]
        return AESGCM(key).decrypt(nonce, base64.b64decode(data["sealed"]), town_id.encode()).decode()
    except (KeyError, TypeError, ValueError, InvalidTag):
        return None
