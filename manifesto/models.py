from __future__ import annotations

from typing import TYPE_CHECKING, Any
from zoneinfo import available_timezones

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from textcore.lines import DEFAULT_WIDTH, MAX_WIDTH, MIN_WIDTH
from textcore.words import count_words

if TYPE_CHECKING:
    from datetime import datetime

    from accounts.models import User


# What a chapter's numbers refer to when it has no reference milestone.
CURRENT_TEXT = "the current text"

DEFAULT_TIME_ZONE = "Europe/London"


class Phase(models.TextChoices):
    """Where a round of amendments stands (manifesto/rounds.py says what each allows)."""

    DRAFTING = "drafting", "Drafting"
    OPEN = "open", "Open for amendments"
    REVIEW = "review", "Review"
    CONGRESS = "congress", "Congress"
    FINAL = "final", "Final"


def validate_time_zone(value: str) -> None:
    """A time zone name the server knows ("Europe/London")."""
    if value not in available_timezones():
        raise ValidationError(
            f"“{value}” is not a time zone name such as Europe/London.", code="time_zone"
        )


class Manifesto(models.Model):
    """The whole document: its chapters and an optional overall word limit."""

    title = models.CharField(max_length=200)
    word_limit = models.PositiveIntegerField(
        null=True, blank=True, help_text="Optional limit on the words of all chapters together."
    )
    count_footnotes = models.BooleanField(
        default=False, help_text="Count footnotes against the word limits (headings always count)."
    )
    line_width = models.PositiveSmallIntegerField(
        default=DEFAULT_WIDTH,
        validators=[MinValueValidator(MIN_WIDTH), MaxValueValidator(MAX_WIDTH)],
        help_text="Characters in a numbered line (text is cited by line at this length).",
    )
    continuous_line_numbers = models.BooleanField(
        default=False,
        help_text="Number lines on through the whole Manifesto instead of from 1 in each chapter.",
    )
    # The round every chapter follows unless it sets its own phase (manifesto/rounds.py).
    phase = models.CharField(max_length=10, choices=Phase.choices, default=Phase.OPEN)
    closes_at = models.DateTimeField(
        null=True, blank=True, help_text="When amendments close (empty: no deadline)."
    )
    time_zone = models.CharField(
        max_length=64,
        default=DEFAULT_TIME_ZONE,
        validators=[validate_time_zone],
        help_text="The members' time zone: deadlines are entered and shown in it.",
    )
    minimum_supporters = models.PositiveSmallIntegerField(
        default=0,
        help_text="Supporters an amendment needs before it enters the review queue.",
    )
    supports_open_in_review = models.BooleanField(
        default=True, help_text="Members may still support amendments during review."
    )
    comments_open_in_review = models.BooleanField(
        default=True, help_text="Members may still comment during review."
    )

    history = HistoricalRecords()
    # Why, who and when for django-simple-history's next row; declared only, so unset is absent.
    _change_reason: str
    _history_user: User | None
    _history_date: datetime

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(phase__in=["drafting", "open", "review", "congress", "final"]),
                name="manifesto_phase_valid",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("manifesto:index")


# A chapter's phase when it follows the Manifesto's round.
FOLLOWS_MANIFESTO = ""


class Chapter(models.Model):
    """An ordered list of paragraphs, with its round (its own, or the Manifesto's) and word
    limit."""

    manifesto = models.ForeignKey(Manifesto, on_delete=models.PROTECT, related_name="chapters")
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    subtitle = models.CharField(max_length=300, blank=True)
    publication_line = models.CharField(max_length=200, blank=True)
    editorial_note = models.TextField(
        blank=True, help_text="A note to readers that is not chapter text; never counted in words."
    )
    order = models.PositiveIntegerField(default=0)
    phase = models.CharField(
        max_length=10,
        choices=Phase.choices,
        blank=True,
        default=FOLLOWS_MANIFESTO,
        help_text="Empty: the chapter follows the Manifesto's phase and deadline.",
    )
    closes_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="The chapter's own deadline, when it sets its own phase (empty: none).",
    )
    imported_words = models.PositiveIntegerField(
        default=0, help_text="Words when the chapter was imported: the base of the default limit."
    )
    word_limit = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="An absolute limit; empty means imported words + tolerance.",
    )
    limit_tolerance_percent = models.PositiveSmallIntegerField(default=5)
    created_at = models.DateTimeField(default=timezone.now)
    reference_milestone = models.ForeignKey(
        "Milestone",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The text that ¶ and line numbers are cited against (empty: the text now).",
    )

    history = HistoricalRecords()
    # Why, who and when for django-simple-history's next row; declared only, so unset is absent.
    _change_reason: str
    _history_user: User | None
    _history_date: datetime

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    phase__in=["", "drafting", "open", "review", "congress", "final"]
                ),
                name="chapter_phase_valid",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("manifesto:chapter", kwargs={"slug": self.slug})

    @property
    def effective_word_limit(self) -> int:
        """The limit in force: the absolute one if set, else imported words plus the tolerance."""
        if self.word_limit is not None:
            return self.word_limit
        return self.imported_words + self.imported_words * self.limit_tolerance_percent // 100

    @property
    def follows_manifesto(self) -> bool:
        return self.phase == FOLLOWS_MANIFESTO

    @property
    def reference_name(self) -> str:
        """The name of the text the chapter's ¶ and line numbers refer to."""
        milestone = self.reference_milestone
        return milestone.name if milestone is not None else CURRENT_TEXT


class Paragraph(models.Model):
    """A heading, body paragraph or footnote.

    ``key`` is the stable public id inside the chapter (anchors and URLs use it and it never
    changes); ``position`` is a fractional order key, so inserting a paragraph between two
    others writes only the new row. A deleted paragraph is kept, flagged, with all its history.
    """

    class Kind(models.TextChoices):
        HEADING = "heading", "Heading"
        BODY = "body", "Paragraph"
        FOOTNOTE = "footnote", "Footnote"

    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="paragraphs")
    key = models.PositiveIntegerField()
    position = models.CharField(max_length=1000)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.BODY)
    footnote_number = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField()
    word_count = models.PositiveIntegerField(default=0, editable=False)
    is_deleted = models.BooleanField(default=False)
    # The reference numbering (textcore.reference), written by manifesto.reference when the
    # chapter's reference is set: ¶ number, first line, line count and text at the reference.
    # Not versioned: they describe the reference, not this version. A paragraph not in the
    # reference (inserted since) has in_reference False and no number or lines, so the
    # numbers can be read without asking in_reference first.
    ref_number = models.PositiveIntegerField(null=True, blank=True, editable=False)
    ref_first_line = models.PositiveIntegerField(null=True, blank=True, editable=False)
    ref_line_count = models.PositiveIntegerField(default=0, editable=False)
    ref_text = models.TextField(blank=True, editable=False)
    in_reference = models.BooleanField(default=False, editable=False)

    history = HistoricalRecords(
        excluded_fields=[
            "ref_number",
            "ref_first_line",
            "ref_line_count",
            "ref_text",
            "in_reference",
        ]
    )
    # Why, who and when for django-simple-history's next row; declared only, so unset is absent.
    _change_reason: str
    _history_user: User | None
    _history_date: datetime

    class Meta:
        ordering = ["chapter", "position"]
        constraints = [
            models.UniqueConstraint(fields=["chapter", "key"], name="paragraph_key_unique"),
            models.UniqueConstraint(
                fields=["chapter", "position"], name="paragraph_position_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["heading", "body", "footnote"]),
                name="paragraph_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="footnote", footnote_number__isnull=False)
                | (~models.Q(kind="footnote") & models.Q(footnote_number__isnull=True)),
                name="paragraph_footnote_number_only_on_footnotes",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.chapter_id}:{self.key} {self.text[:40]}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The cached count is derived here, in one place, so it never disagrees with the text.
        self.word_count = count_words(self.text)
        if kwargs.get("update_fields") is not None and "text" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "word_count"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("manifesto:paragraph", kwargs={"slug": self.chapter.slug, "key": self.key})

    @property
    def anchor(self) -> str:
        return f"p{self.key}"


AS_PUBLISHED = "As published"


class Milestone(models.Model):
    """A named moment of a chapter's history, such as "as published"."""

    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(max_length=120)
    moment = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["chapter", "moment"]
        constraints = [
            models.UniqueConstraint(fields=["chapter", "name"], name="milestone_name_unique")
        ]

    def __str__(self) -> str:
        return f"{self.chapter}: {self.name}"
