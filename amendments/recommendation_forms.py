"""The forms of the committee's recommendations: recording one, publishing a chapter's, and
the proposer's answer. They shape input only; the services in
``amendments/services/recommending.py`` decide."""

from __future__ import annotations

from typing import Any

from django import forms

from amendments.models import Recommendation
from amendments.recommendations import (
    MAX_ANSWER_COMMENT_CHARS,
    MAX_RECOMMENDATION_REASON_CHARS,
    MAX_REFER_TO_CHARS,
)
from amendments.rules import MAX_TEXT_CHARS, NOT_A_VERSION_MESSAGE
from common.fields import DeskCharField
from common.forms import DeskForm


class RecommendationForm(DeskForm):
    kind = forms.ChoiceField(
        label="The committee recommends",
        choices=Recommendation.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose a recommendation.",
            "invalid_choice": "Choose one of the recommendations offered.",
        },
    )
    text = DeskCharField(
        label="Modified text (for “accept as modified”)",
        what="The modified text",
        max_length=MAX_TEXT_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="The whole paragraph as the committee would have it.",
    )
    target = forms.IntegerField(
        label="Merged into or covered by amendment # (for those two)",
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        error_messages={
            "min_value": "There is no amendment with that number.",
            "max_value": "There is no amendment with that number.",
        },
    )
    refer_to = DeskCharField(
        label="Refer to (a body or a later date, for “refer”)",
        what="“Refer to”",
        max_length=MAX_REFER_TO_CHARS,
        required=False,
    )
    reason = DeskCharField(
        label="Reason (published with it; needed to reject)",
        what="The reason",
        max_length=MAX_RECOMMENDATION_REASON_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    contested = forms.BooleanField(
        label="Contested: put it to a vote whatever the proposer answers", required=False
    )
    # The paragraph version the modified text was written against (the page's); the service
    # carries the text onto a newer one, or refuses.
    seen_version = forms.IntegerField(
        required=False,
        widget=forms.HiddenInput,
        min_value=1,
        max_value=2**63 - 1,
        error_messages={
            key: NOT_A_VERSION_MESSAGE for key in ("invalid", "min_value", "max_value")
        },
    )

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "text": data.get("text") or "",
            "reason": data.get("reason") or "",
            "target_number": data.get("target"),
            "refer_to": data.get("refer_to") or "",
            "contested": bool(data.get("contested")),
            "seen_version_id": data.get("seen_version"),
        }


def recommendation_initial(
    recommendation: Recommendation | None, start_text: str, seen_version: int
) -> dict[str, Any]:
    """What the form starts with: the recommendation as it is, or the text to modify, and
    the paragraph version the page shows."""
    if recommendation is None:
        return {"text": start_text, "seen_version": seen_version}
    return {
        "seen_version": seen_version,
        "kind": recommendation.kind,
        "text": recommendation.modified_text or start_text,
        "target": recommendation.target_id,
        "refer_to": recommendation.refer_to,
        "reason": recommendation.reason,
        "contested": recommendation.contested,
    }


class PublishForm(DeskForm):
    publish_at = forms.DateTimeField(
        label="Publish at (empty: now)",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text="Members and visitors see the chapter's recommendations from then on.",
        error_messages={"invalid": "Give a date and time like 2026-12-24 18:00."},
    )


class AnswerForm(DeskForm):
    answer = forms.ChoiceField(
        label="Your answer",
        choices=[("agree", "I agree (no vote needed)"), ("disagree", "I disagree")],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether you agree.",
            "invalid_choice": "Choose whether you agree.",
        },
    )
    comment = DeskCharField(
        label="Comment (needed if you disagree; the congress reads it)",
        what="The comment",
        max_length=MAX_ANSWER_COMMENT_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
