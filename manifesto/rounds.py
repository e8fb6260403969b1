"""A chapter's round of amendments: its phase and deadline (its own, or the Manifesto's it
follows) and what members may do at a given moment. One home for these rules: the services
judge writes with it at the moment the request arrived, the pages say what it says."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from manifesto.models import Chapter, Manifesto, Phase


@dataclass(frozen=True)
class Round:
    """The round in force for one chapter (or the Manifesto's default)."""

    title: str  # the chapter's (or the Manifesto's) title, for messages
    phase: str
    closes_at: datetime | None
    time_zone: str
    minimum_supporters: int
    supports_open_in_review: bool
    comments_open_in_review: bool
    follows_manifesto: bool = False

    @property
    def phase_label(self) -> str:
        return Phase(self.phase).label

    def deadline_passed(self, at: datetime) -> bool:
        """The deadline is the first moment that is too late: 18:00 closes at 18:00:00."""
        return self.closes_at is not None and at >= self.closes_at

    def accepts_proposals(self, at: datetime) -> bool:
        """Open for amendments and before the deadline: a past deadline closes the round by
        itself, whatever the phase says."""
        return self.phase == Phase.OPEN and not self.deadline_passed(at)

    def in_review(self, at: datetime) -> bool:
        """Reviewing: the review phase, or an open phase whose deadline has passed."""
        return self.phase == Phase.REVIEW or (self.phase == Phase.OPEN and self.deadline_passed(at))

    def accepts_supports(self, at: datetime) -> bool:
        return self.accepts_proposals(at) or (self.in_review(at) and self.supports_open_in_review)

    def accepts_comments(self, at: datetime) -> bool:
        return self.accepts_proposals(at) or (self.in_review(at) and self.comments_open_in_review)

    def accepts_edit(self, at: datetime, *, in_conflict: bool) -> bool:
        """An author rewriting their open amendment: like a proposal while the round is open;
        after it, only an amendment in conflict, which an editor's acceptance put there."""
        return self.accepts_proposals(at) or (in_conflict and self.in_review(at))

    def closed_reason(self, at: datetime) -> str:
        """Why proposals are refused at ``at`` ('' when they are not): the phase or the
        deadline, in words."""
        if self.accepts_proposals(at):
            return ""
        if self.phase == Phase.OPEN:
            return (
                f"Amendments to “{self.title}” closed on {self.local_deadline()}: the "
                "deadline has passed."
            )
        return (
            f"“{self.title}” is in its {self.phase_label.lower()} phase: it does not take "
            "amendments now."
        )

    def why_closed(self, at: datetime) -> str:
        """The phase or the deadline that closes the round at ``at``, in words."""
        if self.phase == Phase.OPEN and self.deadline_passed(at):
            return f"the deadline passed on {self.local_deadline()}"
        return f"it is in its {self.phase_label.lower()} phase"

    def local_deadline(self) -> str:
        """The deadline in the members' time zone: "Friday 15 January 2027, 18:00"."""
        assert self.closes_at is not None
        local = self.closes_at.astimezone(ZoneInfo(self.time_zone))
        return f"{local:%A} {local.day} {local:%B %Y, %H:%M}"

    def deadline_note(self, at: datetime) -> str:
        """What the pages say of the deadline ('' without one): "Amendments close on Friday
        15 January 2027, 18:00 (in 3 days)", or "closed on … (2 days ago)"."""
        if self.closes_at is None or self.phase != Phase.OPEN:
            return ""
        if self.deadline_passed(at):
            return f"Amendments closed on {self.local_deadline()} ({_ago(at - self.closes_at)})."
        return f"Amendments close on {self.local_deadline()} (in {_span(self.closes_at - at)})."


@dataclass(frozen=True)
class RoundShown:
    """What a page says of a round at one moment."""

    state: str  # "open", "review" (also an open phase past its deadline), or the phase
    label: str
    note: str  # the deadline, with how far off it is ('' without one)
    takes_proposals: bool
    closed_reason: str  # why proposals are refused ('' while they are taken)
    takes_supports: bool
    takes_comments: bool
    why_closed: str  # the phase or deadline that closes it, in words


def round_shown(round_: Round, at: datetime) -> RoundShown:
    """The round as the chapter page, the propose page and the index show it at ``at``."""
    if round_.accepts_proposals(at):
        state, label = Phase.OPEN.value, Phase.OPEN.label
    elif round_.in_review(at):
        state, label = Phase.REVIEW.value, Phase.REVIEW.label
    else:
        state, label = round_.phase, round_.phase_label
    return RoundShown(
        state=state,
        label=label,
        note=round_.deadline_note(at),
        takes_proposals=round_.accepts_proposals(at),
        closed_reason=round_.closed_reason(at),
        takes_supports=round_.accepts_supports(at),
        takes_comments=round_.accepts_comments(at),
        why_closed=round_.why_closed(at),
    )


def _span(delta: timedelta) -> str:
    """A duration in its largest whole unit: "3 days", "5 hours", "1 minute"."""
    seconds = int(delta.total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return "less than a minute"


def _ago(delta: timedelta) -> str:
    return "just now" if delta < timedelta(minutes=1) else f"{_span(delta)} ago"


def manifesto_round(manifesto: Manifesto) -> Round:
    """The Manifesto's default round, the one chapters follow."""
    return Round(
        title=manifesto.title,
        phase=manifesto.phase,
        closes_at=manifesto.closes_at,
        time_zone=manifesto.time_zone,
        minimum_supporters=manifesto.minimum_supporters,
        supports_open_in_review=manifesto.supports_open_in_review,
        comments_open_in_review=manifesto.comments_open_in_review,
        follows_manifesto=True,
    )


def chapter_round(chapter: Chapter) -> Round:
    """The round in force for ``chapter``: the Manifesto's, or the chapter's own phase and
    deadline (the time zone, the minimum of supporters and what stays open in review are
    always the Manifesto's). Reads ``chapter.manifesto``."""
    default = manifesto_round(chapter.manifesto)
    if chapter.follows_manifesto:
        return replace(default, title=chapter.title)
    return replace(
        default,
        title=chapter.title,
        phase=chapter.phase,
        closes_at=chapter.closes_at,
        follows_manifesto=False,
    )


def chapters_closing(*, at: datetime, within: timedelta) -> list[tuple[Chapter, Round]]:
    """The chapters taking proposals at ``at`` whose deadline comes within ``within``, with
    their rounds, soonest first (one query)."""
    closing = []
    for chapter in Chapter.objects.select_related("manifesto").order_by("order", "id"):
        round_ = chapter_round(chapter)
        if (
            round_.accepts_proposals(at)
            and round_.closes_at is not None
            and round_.closes_at <= at + within
        ):
            closing.append((chapter, round_))
    return sorted(closing, key=lambda pair: (pair[1].closes_at, pair[0].order))
