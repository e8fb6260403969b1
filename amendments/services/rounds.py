"""Editors set the rounds: the Manifesto's phase, deadline, time zone, minimum of supporters
and what stays open in review, and each chapter's own phase and deadline (or that it follows
the Manifesto). Each change is saved with its history and logged as a decision."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count

from accounts.models import User
from amendments.models import Amendment, Decision
from amendments.services.editorial import (
    log_decision,
    refuse_long_reason,
    require_editor,
    save_amendment,
    save_with_history,
)
from amendments.services.locking import lock_rows
from amendments.services.notifications import notify_phase_changed
from manifesto.models import FOLLOWS_MANIFESTO, Chapter, Manifesto, Phase, validate_time_zone
from manifesto.rounds import Round, chapter_round, manifesto_round

# The most supporters a round may ask for: more than any party's rule we know of.
MAX_MINIMUM_SUPPORTERS = 1000


def manifesto_round_set(
    *,
    manifesto: Manifesto,
    editor: User,
    phase: str,
    closes_at: datetime | None,
    time_zone: str,
    minimum_supporters: int,
    supports_open_in_review: bool,
    comments_open_in_review: bool,
    reason: str,
) -> Manifesto:
    """Set the Manifesto's round, which every chapter follows unless it sets its own phase.
    A lower minimum of supporters sends the amendments that now have enough to the review
    queue. Logged for the whole Manifesto."""
    require_editor(editor)
    refuse_long_reason(reason)
    _refuse_phase(phase, allow_follow=False)
    validate_time_zone(time_zone)
    if not 0 <= minimum_supporters <= MAX_MINIMUM_SUPPORTERS:
        raise ValidationError(
            {"minimum_supporters": [f"Choose 0 to {MAX_MINIMUM_SUPPORTERS} supporters."]},
            code="minimum_supporters",
        )
    with transaction.atomic():
        locked = lock_rows(
            manifesto=manifesto, amendments=_supported_enough(manifesto, minimum_supporters)
        )
        row = locked.manifestos[manifesto.pk]
        before = manifesto_round(row)
        row.phase, row.closes_at, row.time_zone = phase, closes_at, time_zone
        row.minimum_supporters = minimum_supporters
        row.supports_open_in_review = supports_open_in_review
        row.comments_open_in_review = comments_open_in_review
        summary = _changes(before, manifesto_round(row))
        if not summary:
            return row
        save_with_history(row, user=editor, reason=reason.strip() or "round changed")
        log_decision(
            manifesto=row,
            action=Decision.Action.MANIFESTO_ROUND_CHANGED,
            actor=editor,
            reason=f"{summary} {reason.strip()}".strip(),
        )
        _send_to_review(_supported_enough(row, minimum_supporters, among=locked.amendments))
        news = _phase_news(before, manifesto_round(row))
        if news:
            for chapter in Chapter.objects.filter(manifesto=row, phase=FOLLOWS_MANIFESTO):
                notify_phase_changed(chapter=chapter, description=news)
    return row


def chapter_round_set(
    *, chapter: Chapter, editor: User, phase: str, closes_at: datetime | None, reason: str
) -> Chapter:
    """Set a chapter's own phase and deadline, or (``phase`` empty) let it follow the
    Manifesto's round again. Logged for the chapter."""
    require_editor(editor)
    refuse_long_reason(reason)
    _refuse_phase(phase, allow_follow=True)
    with transaction.atomic():
        row = lock_rows(chapters=[chapter]).chapters[chapter.pk]
        before = chapter_round(row)
        row.phase = phase
        row.closes_at = None if phase == FOLLOWS_MANIFESTO else closes_at
        after = chapter_round(row)
        summary = _changes(before, after)
        if not summary:
            return row
        save_with_history(row, user=editor, reason=reason.strip() or "round changed")
        log_decision(
            chapter=row,
            action=Decision.Action.ROUND_CHANGED,
            actor=editor,
            reason=f"{summary} {reason.strip()}".strip(),
        )
        news = _phase_news(before, after)
        if news:
            notify_phase_changed(chapter=row, description=news)
    return row


def _refuse_phase(phase: str, *, allow_follow: bool) -> None:
    if phase in Phase.values or (allow_follow and phase == FOLLOWS_MANIFESTO):
        return
    raise ValidationError({"phase": ["Choose one of the phases."]}, code="phase")


def _phase_news(before: Round, after: Round) -> str:
    """What followers of a chapter are told: its phase or deadline moved, in words."""
    said = []
    if before.phase != after.phase:
        said.append(f"Phase: {before.phase_label} → {after.phase_label}.")
    if before.closes_at != after.closes_at or before.time_zone != after.time_zone:
        said.append(f"Deadline: {_deadline(before)} → {_deadline(after)}.")
    return " ".join(said)


def _changes(before: Round, after: Round) -> str:
    """What changed, in words ("Phase: Open for amendments → Review.")."""
    said = []
    if before.follows_manifesto != after.follows_manifesto:
        said.append(
            "Follows the Manifesto's round."
            if after.follows_manifesto
            else "Has its own phase and deadline."
        )
    news = _phase_news(before, after)
    if news:
        said.append(news)
    for name, label in (
        ("minimum_supporters", "Minimum of supporters"),
        ("supports_open_in_review", "Supports open in review"),
        ("comments_open_in_review", "Comments open in review"),
    ):
        old, new = getattr(before, name), getattr(after, name)
        if old != new:
            said.append(f"{label}: {_word(old)} → {_word(new)}.")
    return " ".join(said)


def _deadline(round_: Round) -> str:
    return round_.local_deadline() + f" ({round_.time_zone})" if round_.closes_at else "none"


def _word(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _supported_enough(
    manifesto: Manifesto, minimum: int, among: Iterable[int] | None = None
) -> list[Amendment]:
    """The amendments collecting support that have ``minimum`` supporters (of ``among``)."""
    collecting = Amendment.objects.filter(
        chapter__manifesto=manifesto, status=Amendment.Status.COLLECTING
    )
    if among is not None:
        collecting = collecting.filter(pk__in=list(among))
    return list(
        collecting.annotate(supporters=Count("supports"))
        .filter(supporters__gte=minimum)
        .order_by("pk")
    )


def _send_to_review(amendments: list[Amendment]) -> None:
    """Amendments that have the minimum of supporters (after it was lowered) become pending.
    The caller locked them, read before the lock and checked again after it."""
    for amendment in amendments:
        amendment.status = Amendment.Status.PENDING
        save_amendment(amendment, "the minimum of supporters was lowered: in the review queue")
