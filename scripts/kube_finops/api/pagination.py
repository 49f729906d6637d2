"""Opaque keyset cursors: base64url of the last row's sort key, checked against the endpoint."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import date

from fastapi import HTTPException

MAX_LIMIT = 500
DEFAULT_LIMIT = 100


def encode_cursor(scope: str, key: list[object]) -> str:
    values = [v.isoformat() if isinstance(v, date) else v for v in key]
    raw = json.dumps([scope, values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _typed(value: object, kind: type) -> object:
    if kind is date and isinstance(value, str):
        return date.fromisoformat(value)
    if kind is int and isinstance(value, int) and not isinstance(value, bool):
        return value
    if kind is str and isinstance(value, str):
        return value
    raise ValueError(value)


def decode_cursor(scope: str, cursor: str | None, types: tuple[type, ...]) -> list[object] | None:
    """The key after which the page starts; 422 naming `cursor` when it is not ours."""
    if cursor is None:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        name, values = json.loads(raw)
        if name != scope or not isinstance(values, list) or len(values) != len(types):
            raise ValueError(name)
        return [_typed(value, kind) for value, kind in zip(values, types, strict=True)]
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise HTTPException(
            status_code=422, detail="cursor: not a cursor returned by this endpoint"
        ) from None
