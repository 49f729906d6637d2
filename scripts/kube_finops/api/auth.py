"""Bearer tokens: a JSON file of salted SHA-256 hashes, each bound to a role (and an owner).

A token reads `kf_<id>_<secret>`; the file keeps the id, a random salt and sha256(salt + secret),
never the token. The file is re-read when it changes, so `make token` takes effect at once.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import secrets
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

LOG = logging.getLogger("kube_finops.api.auth")
ROLES = ("admin", "tenant")
PREFIX = "kf"


class TokenFileError(Exception):
    """The token file cannot be read or is malformed (one line)."""


@dataclass(frozen=True)
class Principal:
    role: str
    owner: str | None  # the owner a tenant is bound to; None for admin
    token_id: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def _digest(salt: str, secret: str) -> str:
    return hashlib.sha256((salt + secret).encode()).hexdigest()


def _read_entries(path: Path) -> dict[str, dict[str, str]]:
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise TokenFileError(f"{path}: not a readable JSON token file: {exc}") from None
    entries = data.get("tokens") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise TokenFileError(f"{path}: expected an object with a 'tokens' list")
    by_id: dict[str, dict[str, str]] = {}
    for entry in entries:
        if not isinstance(entry, dict) or not {"id", "role", "salt", "sha256"} <= entry.keys():
            raise TokenFileError(f"{path}: every token needs id, role, salt and sha256")
        if entry["role"] not in ROLES or (entry["role"] == "tenant" and not entry.get("owner")):
            raise TokenFileError(f"{path}: token {entry['id']}: bad role or tenant without owner")
        by_id[str(entry["id"])] = entry
    return by_id


class TokenStore:
    """Verifies bearer tokens against the hashed token file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._mtime: int | None = None
        self._entries: dict[str, dict[str, str]] = {}

    def _load(self) -> dict[str, dict[str, str]]:
        try:
            mtime = os.stat(self.path).st_mtime_ns
        except FileNotFoundError:
            mtime = None
        with self._lock:
            if mtime != self._mtime:
                self._entries = _read_entries(self.path) if mtime is not None else {}
                self._mtime = mtime
            return self._entries

    def verify(self, token: str) -> Principal | None:
        parts = token.split("_")
        if len(parts) != 3 or parts[0] != PREFIX:
            return None
        _, token_id, secret = parts
        entry = self._load().get(token_id)
        if entry is None:
            return None
        if not hmac.compare_digest(_digest(entry["salt"], secret), entry["sha256"]):
            return None
        return Principal(role=entry["role"], owner=entry.get("owner"), token_id=token_id)


def issue_token(path: Path, role: str, owner: str | None) -> str:
    """Add a new token to the file (created 0600 if missing) and return it; it is shown once."""
    if role not in ROLES:
        raise TokenFileError(f"role: must be one of {', '.join(ROLES)}, not {role!r}")
    if role == "tenant" and not owner:
        raise TokenFileError("owner: a tenant token needs OWNER=<owner>")
    if role == "admin" and owner:
        raise TokenFileError("owner: an admin token is not bound to an owner")
    entries = list(_read_entries(path).values())
    token_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32).replace("_", "-")
    salt = secrets.token_hex(16)
    entry = {"id": token_id, "role": role, "salt": salt, "sha256": _digest(salt, secret)}
    if owner:
        entry["owner"] = owner
    entry["created_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    entries.append(entry)
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{token_id}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump({"tokens": entries}, handle, indent=2)
    os.replace(temp, path)
    return f"{PREFIX}_{token_id}_{secret}"
