"""The desk's one clock. Every rule that depends on the date or time (a round's deadline, a
reminder, a repeat window) asks ``now()``; tests freeze it with time-machine, which also
freezes what this returns."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone


def now() -> datetime:
    """The current moment, aware, in UTC."""
    return timezone.now()
