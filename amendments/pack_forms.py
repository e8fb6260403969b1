"""The congress pack's form: which file, at which milestone (choices only, nothing typed)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from amendments.pack import NOW_CHOICE, PACK_FORMATS
from common.forms import DeskForm


class PackForm(DeskForm):
    """The milestone (now, "As published" or an editor's milestone) and the file to make."""

    milestone = forms.ChoiceField(label="The text", required=False)
    format = forms.ChoiceField(
        label="File",
        required=False,
        choices=[(key, fmt.label) for key, fmt in PACK_FORMATS.items()],
        initial="booklet-pdf",
        widget=forms.RadioSelect,
        error_messages={
            "invalid_choice": "Choose the booklet (PDF or Word) or the amendment list (Excel).",
        },
    )

    def __init__(self, *args: Any, milestones: Sequence[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["milestone"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (NOW_CHOICE, "as it stands now"),
            *((name, f"at the milestone “{name}”") for name in milestones),
        ]
        field.error_messages["invalid_choice"] = (
            "There is no milestone of that name. Choose now or one of: "
            + ", ".join(milestones)
            + "."
        )

    def clean_format(self) -> str:
        """The file asked for; the PDF booklet when none is (a link with only a milestone)."""
        return str(self.cleaned_data.get("format") or "booklet-pdf")
