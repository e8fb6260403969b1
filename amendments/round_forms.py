"""The editors' round page's forms: the Manifesto's round and a chapter's. A deadline is typed
as a date and time in the Manifesto's time zone."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django import forms

from amendments.rules import MAX_DECISION_REASON_CHARS
from common.fields import DeskCharField
from common.forms import DeskForm
from manifesto.models import FOLLOWS_MANIFESTO, Phase, validate_time_zone

# What a deadline may be typed as: the browser's date-and-time box sends the first.
DEADLINE_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S")
DEADLINE_HELP = "As a date and time, such as 2027-01-15 18:00; empty: no deadline."
MAX_DEADLINE_CHARS = 19
MAX_TIME_ZONE_CHARS = 64
FIRST_YEAR, LAST_YEAR = 2000, 2999


class DeadlineField(forms.Field):
    """A date and time without a zone (the form gives it the Manifesto's)."""

    widget = forms.DateTimeInput(
        attrs={"type": "datetime-local", "maxlength": MAX_DEADLINE_CHARS}, format="%Y-%m-%dT%H:%M"
    )

    def to_python(self, value: Any) -> datetime | None:
        text = str(value or "").strip()
        if not text:
            return None
        if len(text) > MAX_DEADLINE_CHARS:
            raise forms.ValidationError(
                f"The deadline is a date and time of at most {MAX_DEADLINE_CHARS} characters, "
                "such as 2027-01-15 18:00.",
                code="deadline_long",
            )
        for form in DEADLINE_FORMATS:
            try:
                moment = datetime.strptime(text, form)
            except ValueError:
                continue
            if not FIRST_YEAR <= moment.year <= LAST_YEAR:
                # Far from the calendar's ends, so that no time zone pushes it off them.
                raise forms.ValidationError(
                    f"A deadline falls between the years {FIRST_YEAR} and {LAST_YEAR}.",
                    code="deadline_range",
                )
            return moment
        raise forms.ValidationError(
            "Type the deadline as a date and time, such as 2027-01-15 18:00.", code="deadline"
        )


def in_zone(naive: datetime | None, time_zone: str) -> datetime | None:
    """``naive`` read in ``time_zone``, as an aware moment in UTC (None stays None)."""
    if naive is None:
        return None
    try:
        return naive.replace(tzinfo=ZoneInfo(time_zone)).astimezone(UTC)
    except (OverflowError, ValueError):
        raise forms.ValidationError(
            "That deadline is off the calendar.", code="deadline_range"
        ) from None


def _reason() -> DeskCharField:
    return DeskCharField(
        label="Reason (optional)",
        what="The reason",
        max_length=MAX_DECISION_REASON_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ManifestoRoundForm(DeskForm):
    phase = forms.ChoiceField(label="Phase", choices=Phase.choices)
    closes_at = DeadlineField(label="Amendments close", required=False, help_text=DEADLINE_HELP)
    time_zone = DeskCharField(
        label="Time zone",
        what="The time zone",
        max_length=MAX_TIME_ZONE_CHARS,
        help_text="The members' time zone, such as Europe/London: deadlines are typed and "
        "shown in it.",
    )
    minimum_supporters = forms.IntegerField(
        label="Supporters an amendment needs",
        min_value=0,
        max_value=1000,
        help_text="Below it, an amendment is “collecting support” and waits outside the "
        "review queue. 0: every amendment goes straight to the queue.",
        widget=forms.NumberInput(attrs={"class": "input--short"}),
    )
    supports_open_in_review = forms.BooleanField(
        label="Members may support amendments during review", required=False
    )
    comments_open_in_review = forms.BooleanField(
        label="Members may comment during review", required=False
    )
    reason = _reason()

    def clean_time_zone(self) -> str:
        value = str(self.cleaned_data["time_zone"]).strip()
        validate_time_zone(value)
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "time_zone" in data and "closes_at" in data:
            try:
                data["closes_at"] = in_zone(data["closes_at"], data["time_zone"])
            except forms.ValidationError as error:
                self.add_error("closes_at", error)
        return data


class ChapterRoundForm(DeskForm):
    phase = forms.ChoiceField(
        label="Phase",
        choices=[(FOLLOWS_MANIFESTO, "Follow the Manifesto's round"), *Phase.choices],
        required=False,
    )
    closes_at = DeadlineField(
        label="Amendments close",
        required=False,
        help_text="Its own deadline, when it has its own phase. " + DEADLINE_HELP,
    )
    reason = _reason()

    def __init__(self, *args: Any, time_zone: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.time_zone = time_zone

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "closes_at" in data:
            try:
                data["closes_at"] = in_zone(data["closes_at"], self.time_zone)
            except forms.ValidationError as error:
                self.add_error("closes_at", error)
        return data
