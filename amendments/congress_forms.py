"""The congress page's forms: one vote per item (prefixed with the amendment's number, so that
every item's form has its own ids), and the choice of the item under vote."""

from __future__ import annotations

from typing import Any

from django import forms

from amendments.congress import MAX_NOTE_CHARS, MAX_VOTE_COUNT
from amendments.models import CongressVote
from common.fields import DeskCharField
from common.forms import DeskForm

COUNT_MESSAGE = "{what} is a whole number from 0 to {limit:,}."


def _count(label: str, what: str) -> forms.IntegerField:
    message = COUNT_MESSAGE.format(what=what, limit=MAX_VOTE_COUNT)
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=MAX_VOTE_COUNT,
        widget=forms.NumberInput(attrs={"min": 0, "max": MAX_VOTE_COUNT, "inputmode": "numeric"}),
        error_messages={key: message for key in ("invalid", "min_value", "max_value")},
    )


class VoteForm(DeskForm):
    result = forms.ChoiceField(
        label="Result",
        choices=CongressVote.Result.choices,
        widget=forms.RadioSelect,
        error_messages={key: "Choose carried or lost." for key in ("required", "invalid_choice")},
    )
    votes_for = _count("For", "The number of votes for")
    votes_against = _count("Against", "The number of votes against")
    abstentions = _count("Abstaining", "The number of abstentions")
    show_of_hands = forms.BooleanField(
        label="Majority by show of hands (no counts)", required=False
    )
    note = DeskCharField(
        label="Note for the protocol (optional)",
        what="The note",
        max_length=MAX_NOTE_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        names = ("votes_for", "votes_against", "abstentions")
        counts = [data.get(name) for name in names]
        if any(self.has_error(name) for name in names):
            return data
        if data.get("show_of_hands") and any(count is not None for count in counts):
            self.add_error(None, "Give the counts or tick “majority by show of hands”, not both.")
        elif not data.get("show_of_hands") and any(count is None for count in counts):
            self.add_error(
                None,
                "Give the votes for, against and abstaining (0 if none), or tick “majority by "
                "show of hands”.",
            )
        return data


class FloorForm(DeskForm):
    """The item an editor puts under vote (empty: clear the projector)."""

    amendment = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        error_messages={
            key: "That is not an amendment of this chapter."
            for key in ("invalid", "min_value", "max_value")
        },
    )
