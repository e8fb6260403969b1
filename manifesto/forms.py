"""The reading pages' one form: editors naming a milestone of a chapter."""

from __future__ import annotations

from django import forms

from common.fields import DeskCharField
from common.forms import DeskForm
from manifesto.services import MAX_MILESTONE_NAME_CHARS


class MilestoneForm(DeskForm):
    name = DeskCharField(
        label="Mark the text as it stands now as a milestone",
        what="The name",
        max_length=MAX_MILESTONE_NAME_CHARS,
        error_messages={"required": "Give the milestone a name."},
        widget=forms.TextInput(attrs={"placeholder": "e.g. Congress draft"}),
    )
