from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from textcore.reference import line_range

if TYPE_CHECKING:
    from datetime import datetime

    from accounts.models import User


class Amendment(models.Model):
    """A proposed change to one paragraph, written against one version of it.

    ``base_version``/``base_text`` are the paragraph version the change currently applies to
    (carried forward by rebases); ``written_base_text``/``written_text`` are what the author
    saw and wrote, so the page can always show the change exactly as it was proposed.
    """

    class Kind(models.TextChoices):
        REPLACE = "replace", "Change the text"
        DELETE = "delete", "Delete the paragraph"
        INSERT = "insert", "Add a new paragraph after it"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        ACCEPTED_WITH_CHANGES = "accepted_changed", "Accepted with changes"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"
        DUPLICATE = "duplicate", "Duplicate"
        CONFLICT = "conflict", "In conflict"
        OBSOLETE = "obsolete", "Obsolete"
        COLLECTING = "collecting", "Collecting support"
        FALLEN = "fallen", "Fallen"

    # Open: its author may still change it, members support it. Reviewable: editors decide
    # it (one still collecting support waits for the round's minimum of supporters). Carried:
    # rebased onto the paragraph's new text when another change is accepted.
    OPEN_STATUSES = (Status.PENDING, Status.CONFLICT, Status.COLLECTING)
    REVIEWABLE_STATUSES = (Status.PENDING, Status.CONFLICT)
    CARRIED_STATUSES = (Status.PENDING, Status.COLLECTING)
    DECIDED_STATUSES = (
        Status.ACCEPTED,
        Status.ACCEPTED_WITH_CHANGES,
        Status.REJECTED,
        Status.DUPLICATE,
        Status.FALLEN,
    )

    chapter = models.ForeignKey(
        "manifesto.Chapter", on_delete=models.CASCADE, related_name="amendments"
    )
    paragraph = models.ForeignKey(
        "manifesto.Paragraph", on_delete=models.CASCADE, related_name="amendments"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.REPLACE)
    insert_kind = models.CharField(
        max_length=10,
        choices=[("body", "Paragraph"), ("heading", "Section heading")],
        blank=True,
        help_text="For insertions: a new paragraph or a new section heading.",
    )
    title = models.CharField(max_length=120)
    proposed_text = models.TextField(blank=True)
    reason = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="amendments"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)

    base_version = models.ForeignKey(
        "manifesto.HistoricalParagraph", on_delete=models.PROTECT, related_name="+"
    )
    base_text = models.TextField(blank=True)
    written_base_text = models.TextField(blank=True)
    written_text = models.TextField(blank=True)
    word_delta = models.IntegerField(default=0)
    change_spans = models.JSONField(
        null=True,
        blank=True,
        editable=False,
        help_text="Where the change touches base_text (textcore.rebase.change_spans), stored "
        "when it is written or carried forward so the review queue never diffs.",
    )
    diff_ops = models.JSONField(
        null=True,
        blank=True,
        editable=False,
        help_text="The word diff of base_text to proposed_text as [op, text] pairs "
        "(textcore.diff.stored_ops), stored with change_spans so the queue shows it undiffed.",
    )

    editor_text = models.TextField(
        blank=True, help_text="The editor's wording, when accepted with changes."
    )
    accepted_word_delta = models.IntegerField(
        null=True,
        blank=True,
        help_text="The words the accepted text added (negative: removed); differs from "
        "word_delta, the member's, when accepted with changes. Empty until accepted.",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decided_amendments",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="duplicates"
    )

    carried_forward_at = models.DateTimeField(null=True, blank=True)
    carried_forward_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    conflict_reason = models.TextField(blank=True)
    conflict_collisions = models.JSONField(default=list, blank=True)
    conflict_with = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    # Where the amendment pointed when it was proposed (or last edited by its author), in the
    # reference numbering current then, so an old citation can still be looked up after the
    # reference moves: "¶ 11, lines 80–82 of As published".
    cited_reference = models.ForeignKey(
        "manifesto.Milestone", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cited_label = models.CharField(max_length=20, blank=True)
    cited_first_line = models.PositiveIntegerField(null=True, blank=True)
    cited_last_line = models.PositiveIntegerField(null=True, blank=True)

    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()
    # Why, who and when for django-simple-history's next row; declared only, so unset is absent.
    _change_reason: str
    _history_user: User | None
    _history_date: datetime

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # Covering indexes (PostgreSQL reads them without touching the wide rows): the
            # word ledgers and pending counts by chapter, and the review queue in its default
            # order. EXPLAINs on the benchmark's 10,000 amendments are in bench/README.md.
            models.Index(
                fields=["status", "chapter"],
                include=["word_delta", "paragraph", "id"],
                name="amendment_status_chapter",
            ),
            models.Index(
                fields=["status", "created_at", "id"],
                include=["paragraph"],
                name="amendment_queue_order",
            ),
            models.Index(fields=["paragraph", "status"]),
            models.Index(fields=["author", "-created_at"]),
            # The public list in text order (its default) sorts every amendment that the
            # filters select: read from this index alone, not from the wide rows (about 40 ms
            # less at 10,000 amendments, bench/inprocess.py).
            models.Index(
                fields=["paragraph", "id"],
                include=["chapter", "status"],
                name="amendment_text_order",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["replace", "delete", "insert"]),
                name="amendment_kind_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="insert") | models.Q(insert_kind__in=["body", "heading"]),
                name="amendment_insert_has_kind",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="duplicate") | models.Q(duplicate_of__isnull=False),
                name="amendment_duplicate_points_somewhere",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("amendments:detail", kwargs={"pk": self.pk})

    @property
    def number(self) -> int:
        return int(self.pk)

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_accepted(self) -> bool:
        return self.status in (self.Status.ACCEPTED, self.Status.ACCEPTED_WITH_CHANGES)

    @property
    def result_text(self) -> str:
        """The paragraph text this amendment produces (the editor's wording if changed)."""
        if self.kind == self.Kind.DELETE:
            return ""
        return self.editor_text or self.proposed_text

    @property
    def was_carried_forward(self) -> bool:
        return self.carried_forward_at is not None

    @property
    def cited_as(self) -> str:
        """Where it pointed when proposed, in the numbering of that time: "¶ 11, lines 80–82"
        (empty for an amendment older than the numbering)."""
        lines = line_range(self.cited_first_line, self.cited_last_line)
        return ", ".join(part for part in (self.cited_label, lines) if part)


class Support(models.Model):
    """A member's support for someone else's amendment."""

    amendment = models.ForeignKey(Amendment, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="supports"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["amendment", "user"], name="support_once")]
        # The reading pages' stamps count an amendment's supports and read the newest one's id
        # from this index alone (amendments/reading_cache.py).
        indexes = [models.Index(fields=["amendment", "id"], name="support_amendment_newest")]

    def __str__(self) -> str:
        return f"{self.user} supports #{self.amendment_id}"


class Comment(models.Model):
    """A comment in a thread on an amendment or on a paragraph; replies point at a parent."""

    amendment = models.ForeignKey(
        Amendment, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    paragraph = models.ForeignKey(
        "manifesto.Paragraph",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="comments",
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments"
    )
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    is_deleted = models.BooleanField(default=False)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    hidden_reason = models.CharField(max_length=300, blank=True)

    history = HistoricalRecords()
    # Why, who and when for django-simple-history's next row; declared only, so unset is absent.
    _change_reason: str
    _history_user: User | None
    _history_date: datetime

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(amendment__isnull=False, paragraph__isnull=True)
                    | models.Q(amendment__isnull=True, paragraph__isnull=False)
                ),
                name="comment_on_one_thing",
            )
        ]

    def __str__(self) -> str:
        return f"Comment {self.pk} by {self.author}"

    @property
    def is_hidden(self) -> bool:
        return self.hidden_by_id is not None


class DeadlineReminder(models.Model):
    """That the members and editors were reminded of one deadline of one chapter: the
    reminders command sends once per deadline, and again if the deadline moves."""

    chapter = models.ForeignKey(
        "manifesto.Chapter", on_delete=models.CASCADE, related_name="deadline_reminders"
    )
    closes_at = models.DateTimeField()
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["chapter", "closes_at"], name="deadline_reminded_once")
        ]

    def __str__(self) -> str:
        return f"{self.chapter_id} reminded for {self.closes_at:%Y-%m-%d %H:%M}"


class Decision(models.Model):
    """One line of the decision log: who did what, when and why.

    A decision is about a chapter, or about the whole Manifesto (its word limit). One that
    changed the text points at the paragraph version it produced (``paragraph_version``), so a
    version knows its decision, and through it the amendment, without reading its reason."""

    class Action(models.TextChoices):
        ACCEPTED = "accepted", "accepted"
        ACCEPTED_WITH_CHANGES = "accepted_changed", "accepted with changes"
        REJECTED = "rejected", "rejected"
        DUPLICATE = "duplicate", "marked as duplicate"
        DUPLICATE_UNDONE = "duplicate_undone", "undid the duplicate marking of"
        REOPENED = "reopened", "reopened"
        CARRIED_FORWARD = "carried_forward", "carried forward"
        CONFLICT = "conflict", "put in conflict"
        OBSOLETE = "obsolete", "made obsolete"
        PARAGRAPH_EDITED = "paragraph_edited", "edited a paragraph"
        PARAGRAPH_REVERTED = "paragraph_reverted", "reverted a paragraph"
        LIMIT_CHANGED = "limit_changed", "changed the word limit"
        MANIFESTO_LIMIT_CHANGED = "manifesto_limit", "changed the Manifesto's word limit"
        MILESTONE = "milestone", "marked a milestone"
        COMMENT_HIDDEN = "comment_hidden", "hid a comment"
        CHAPTER_CHANGED = "chapter_changed", "changed the chapter"
        MANIFESTO_CHANGED = "manifesto_changed", "changed the Manifesto"
        REFERENCE_CHANGED = "reference_changed", "moved the reference numbering of"
        LINES_CHANGED = "lines_changed", "changed the line numbering"
        REVISED_DRAFT = "revised_draft", "imported a revised draft of"
        CHAPTER_IMPORTED = "chapter_imported", "imported"
        ROUND_CHANGED = "round_changed", "changed the phase or deadline of"
        MANIFESTO_ROUND_CHANGED = "manifesto_round", "changed the Manifesto's round"
        FALLEN = "fallen", "marked as fallen"
        VOTE_NOT_APPLIED = "vote_not_applied", "recorded a carried vote it could not apply to"
        RECOMMENDATIONS_PUBLISHED = "recs_published", "published the chapter's recommendations"
        PROPOSER_AGREED = "proposer_agreed", "agreed with the recommendation on"
        PROPOSER_DISAGREED = "proposer_disagreed", "disagreed with the recommendation on"

    manifesto = models.ForeignKey(
        "manifesto.Manifesto", on_delete=models.CASCADE, related_name="decisions"
    )
    chapter = models.ForeignKey(
        "manifesto.Chapter",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="decisions",
        help_text="Empty for a decision about the whole Manifesto.",
    )
    amendment = models.ForeignKey(
        Amendment, null=True, blank=True, on_delete=models.CASCADE, related_name="decisions"
    )
    paragraph = models.ForeignKey(
        "manifesto.Paragraph", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    paragraph_version = models.OneToOneField(
        "manifesto.HistoricalParagraph",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decision",
        help_text="The version of a paragraph this decision produced, if it changed the text.",
    )
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty when the app itself acted (a rebase after another decision).",
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    reason = models.TextField(blank=True)
    words_before = models.IntegerField(null=True, blank=True)
    words_after = models.IntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["chapter", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(chapter__isnull=False)
                | models.Q(
                    action__in=[
                        "manifesto_limit",
                        "manifesto_changed",
                        "lines_changed",
                        "manifesto_round",
                    ]
                ),
                name="decision_about_a_chapter_or_the_manifesto",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} #{self.amendment_id}"


class Follow(models.Model):
    """A member following one chapter, paragraph or amendment. Unfollowing keeps the row with
    ``active`` off, so that proposing, supporting or commenting does not follow it again."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    chapter = models.ForeignKey(
        "manifesto.Chapter", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    paragraph = models.ForeignKey(
        "manifesto.Paragraph", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    amendment = models.ForeignKey(
        Amendment, null=True, blank=True, on_delete=models.CASCADE, related_name="follows"
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(chapter__isnull=False, paragraph__isnull=True, amendment__isnull=True)
                    | models.Q(
                        chapter__isnull=True, paragraph__isnull=False, amendment__isnull=True
                    )
                    | models.Q(
                        chapter__isnull=True, paragraph__isnull=True, amendment__isnull=False
                    )
                ),
                name="follow_one_thing",
            ),
            models.UniqueConstraint(
                fields=["user", "chapter"],
                condition=models.Q(chapter__isnull=False),
                name="follow_chapter_once",
            ),
            models.UniqueConstraint(
                fields=["user", "paragraph"],
                condition=models.Q(paragraph__isnull=False),
                name="follow_paragraph_once",
            ),
            models.UniqueConstraint(
                fields=["user", "amendment"],
                condition=models.Q(amendment__isnull=False),
                name="follow_amendment_once",
            ),
        ]
        indexes = [
            models.Index(fields=["chapter", "active"], name="follow_chapter_idx"),
            models.Index(fields=["paragraph", "active"], name="follow_paragraph_idx"),
            models.Index(fields=["amendment", "active"], name="follow_amendment_idx"),
        ]

    def __str__(self) -> str:
        state = "follows" if self.active else "unfollowed"
        return f"{self.user_id} {state} {self.chapter_id or self.paragraph_id or self.amendment_id}"


class Notification(models.Model):
    """One member told of one event on something they follow. The row is the record: the
    notifications page reads it, and the worker marks it e-mailed (or counts failed tries)."""

    class Kind(models.TextChoices):
        NEW_AMENDMENT = "amendment", "New amendment"
        COMMENT = "comment", "New comment"
        REPLY = "reply", "Reply"
        DECIDED = "decided", "Decision"
        CONFLICT = "conflict", "Conflict"
        PHASE = "phase", "Phase change"
        RECOMMENDATION = "recommend", "Recommendation"

    class Email(models.TextChoices):
        PENDING = "pending", "To send"
        SENT = "sent", "Sent"
        SKIPPED = "skipped", "Not sent (the member asked for none)"
        FAILED = "failed", "Failed after every try"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    chapter = models.ForeignKey("manifesto.Chapter", on_delete=models.CASCADE, related_name="+")
    amendment = models.ForeignKey(
        Amendment, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    description = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    email = models.CharField(max_length=10, choices=Email.choices, default=Email.PENDING)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_next_attempt_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox_idx"),
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
            models.Index(
                fields=["email", "recipient"],
                condition=models.Q(email="pending"),
                name="notification_pending_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.recipient_id}"

    def get_absolute_url(self) -> str:
        return reverse("amendments:notification_open", args=[self.pk])


class CongressVote(models.Model):
    """The congress's vote on one amendment: carried or lost, with its counts (for, against,
    abstaining) or "majority by show of hands", and what it did to the text.

    A carried vote is applied through the acceptance service; one the word-count guard refuses
    is still recorded, as carried but not applied, with the guard's message, so the protocol
    says what the congress decided and why the text does not show it. The paragraph's text
    before and after the vote is kept on the row: the protocol prints it as it was then."""

    class Result(models.TextChoices):
        CARRIED = "carried", "Carried"
        LOST = "lost", "Lost"

    class Outcome(models.TextChoices):
        APPLIED = "applied", "Carried and applied to the text"
        NOT_APPLIED = "not_applied", "Carried, not applied: over the word limit"
        REJECTED = "rejected", "Lost: the amendment is rejected"

    chapter = models.ForeignKey(
        "manifesto.Chapter", on_delete=models.CASCADE, related_name="congress_votes"
    )
    amendment = models.ForeignKey(
        Amendment, on_delete=models.PROTECT, related_name="congress_votes"
    )
    result = models.CharField(max_length=10, choices=Result.choices)
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    show_of_hands = models.BooleanField(
        default=False, help_text="A majority seen by show of hands: no counts."
    )
    votes_for = models.PositiveIntegerField(null=True, blank=True)
    votes_against = models.PositiveIntegerField(null=True, blank=True)
    abstentions = models.PositiveIntegerField(null=True, blank=True)
    note = models.TextField(blank=True)
    refusal = models.TextField(
        blank=True, help_text="Why a carried vote was not applied: the guard's message."
    )
    text_before = models.TextField(blank=True)
    text_after = models.TextField(blank=True)
    fallen = models.ManyToManyField(Amendment, blank=True, related_name="fallen_by_votes")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    history = HistoricalRecords()
    # Why and who for django-simple-history's next row; declared only, so unset is absent.
    _change_reason: str
    _history_user: User | None

    class Meta:
        ordering = ["recorded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        show_of_hands=True,
                        votes_for__isnull=True,
                        votes_against__isnull=True,
                        abstentions__isnull=True,
                    )
                    | models.Q(
                        show_of_hands=False,
                        votes_for__isnull=False,
                        votes_against__isnull=False,
                        abstentions__isnull=False,
                    )
                ),
                name="congress_vote_counts_or_show_of_hands",
            ),
            models.CheckConstraint(
                condition=~models.Q(result="carried", show_of_hands=False)
                | models.Q(votes_for__gt=models.F("votes_against")),
                name="congress_vote_carried_by_more_for",
            ),
            models.CheckConstraint(
                condition=models.Q(result="carried", outcome__in=["applied", "not_applied"])
                | models.Q(result="lost", outcome="rejected"),
                name="congress_vote_outcome_fits_result",
            ),
            # Once decided by a vote, never again; a carried vote the guard refused left the
            # amendment pending, and the congress may vote on it again once there is room.
            models.UniqueConstraint(
                fields=["amendment"],
                condition=~models.Q(outcome="not_applied"),
                name="congress_vote_decides_once",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.amendment_id} {self.get_result_display().lower()}"

    @property
    def counts(self) -> str:
        """The counts in words: "120 for, 30 against, 5 abstaining", or the show of hands."""
        if self.show_of_hands:
            return "majority by show of hands"
        return f"{self.votes_for} for, {self.votes_against} against, {self.abstentions} abstaining"


class CongressFloor(models.Model):
    """What a chapter's congress is voting on now: the item the projector shows, chosen by an
    editor on the congress page (empty: nothing under vote)."""

    chapter = models.OneToOneField(
        "manifesto.Chapter", on_delete=models.CASCADE, related_name="congress_floor"
    )
    amendment = models.ForeignKey(
        Amendment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.chapter_id} voting on #{self.amendment_id}"


class Recommendation(models.Model):
    """The committee's advice on one amendment for the congress (a "procedural proposal").

    Drafted by editors and seen by them alone until its chapter's recommendations are
    published (``RecommendationRelease``). "Accept as modified" carries ``modified_text``,
    the whole paragraph as the committee would have it, written against ``modified_base_text``
    (the paragraph's text then; for an insertion, the amendment's own text): it is carried
    forward onto the paragraph's new text like a pending amendment, or marked in conflict
    (``conflict_reason``) when it no longer fits. The proposer answers once it is published:
    agreed (no vote needed) or disagreed (with a comment); changing it resets the answer."""

    class Kind(models.TextChoices):
        ACCEPT = "accept", "Accept"
        ACCEPT_MODIFIED = "modified", "Accept as modified"
        REJECT = "reject", "Reject"
        MERGED = "merged", "Merged into another amendment"
        COVERED = "covered", "Covered by another amendment"
        REFER = "refer", "Refer"

    class Answer(models.TextChoices):
        NONE = "", "Not answered yet"
        AGREED = "agreed", "Agreed"
        DISAGREED = "disagreed", "Disagreed"

    # The kinds that point at another amendment of the same chapter (``target``).
    TARGETED_KINDS = (Kind.MERGED, Kind.COVERED)

    amendment = models.OneToOneField(
        Amendment, on_delete=models.CASCADE, related_name="recommendation"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    modified_text = models.TextField(blank=True)
    modified_base_text = models.TextField(blank=True)
    modified_base_version = models.ForeignKey(
        "manifesto.HistoricalParagraph",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    conflict_reason = models.TextField(
        blank=True, help_text="Why the modified text no longer fits the paragraph (empty: fits)."
    )
    reason = models.TextField(blank=True)
    target = models.ForeignKey(
        Amendment, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    refer_to = models.CharField(max_length=200, blank=True)
    contested = models.BooleanField(
        default=False, help_text="The committee wants a vote on it whatever the proposer says."
    )
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    drafted_at = models.DateTimeField()
    answer = models.CharField(max_length=10, choices=Answer.choices, blank=True)
    answer_comment = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()
    _change_reason: str
    _history_user: User | None
    _history_date: datetime

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    kind__in=["accept", "modified", "reject", "merged", "covered", "refer"]
                ),
                name="recommendation_kind_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind__in=["merged", "covered"])
                | models.Q(target__isnull=False),
                name="recommendation_merged_points_somewhere",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.amendment_id}"

    @property
    def in_conflict(self) -> bool:
        return bool(self.conflict_reason)


class RecommendationRelease(models.Model):
    """When a chapter's recommendations are (or will be) published: members and visitors see
    them from ``published_at`` on (the clock decides what the pages show). ``told_at`` is when
    the proposers and followers were told (null until then): a publication set for later is
    told by a task that runs at that time, or by the daily ``send_digest`` if it was lost."""

    chapter = models.OneToOneField(
        "manifesto.Chapter", on_delete=models.CASCADE, related_name="recommendation_release"
    )
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    told_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.chapter_id} from {self.published_at:%Y-%m-%d %H:%M}"


class ChangeCount(models.Model):
    """How often a table without history has changed, and when it last did: kept by the
    database's own triggers (migration 0026), so that no way of writing (a service, the admin,
    a bulk update, a backup loaded) can miss it, and read by the Manifesto-wide stamp
    (``amendments.selectors.manifesto_stamp``) instead of reading the table whole.

    ``people``: a member was added or removed, or their username, name, role or standing
    changed (what pages show of a person). ``supports``: a support was given or taken back."""

    name = models.CharField(max_length=30, primary_key=True)
    count = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"{self.name}: {self.count}"
