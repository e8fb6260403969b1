"""Where an upload waits between its preview and the editor's confirmation: a file on the
server under a random token, bound to the user who uploaded it and valid for an hour. Nothing
of it reaches the database until the import is confirmed; a confirmed or expired upload is
deleted. (Re-uploading on confirmation would ask the editor to pick the file twice; keeping it
in the session would put up to 2 MB in every request's session row.)"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings

from common import clock

STAGING_LIFETIME = timedelta(hours=1)
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")


@dataclass(frozen=True)
class StagedUpload:
    """An upload waiting for confirmation, with what the editor chose for it."""

    token: str
    data: bytes
    user_id: int
    options: dict[str, object]


def _directory() -> Path:
    directory = Path(settings.IMPORT_STAGING_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def stage_upload(*, data: bytes, user_id: int, options: dict[str, object]) -> str:
    """Keep ``data`` for ``user_id`` and return the token that finds it again."""
    _remove_expired()
    token = secrets.token_urlsafe(32)
    directory = _directory()
    (directory / f"{token}.upload").write_bytes(data)
    expires = (clock.now() + STAGING_LIFETIME).isoformat()
    meta = {"user_id": user_id, "expires": expires, "options": options}
    (directory / f"{token}.json").write_text(json.dumps(meta), encoding="utf-8")
    return token


def staged_upload(token: str, *, user_id: int) -> StagedUpload | None:
    """The upload under ``token`` if it exists, belongs to ``user_id`` and has not expired."""
    if not _TOKEN.match(token):
        return None
    directory = _directory()
    try:
        meta = json.loads((directory / f"{token}.json").read_text(encoding="utf-8"))
        data = (directory / f"{token}.upload").read_bytes()
    except (OSError, ValueError):
        return None
    if meta.get("user_id") != user_id or meta.get("expires", "") < clock.now().isoformat():
        return None
    return StagedUpload(token, data, user_id, dict(meta.get("options") or {}))


def discard_upload(token: str) -> None:
    """Delete a staged upload (after its import, or when the editor cancels)."""
    if _TOKEN.match(token):
        for suffix in (".upload", ".json"):
            (_directory() / f"{token}{suffix}").unlink(missing_ok=True)


def _remove_expired() -> None:
    now = clock.now().isoformat()
    for meta_path in _directory().glob("*.json"):
        try:
            expires = json.loads(meta_path.read_text(encoding="utf-8")).get("expires", "")
        except (OSError, ValueError):
            expires = ""
        if expires < now:
            discard_upload(meta_path.stem)
