from __future__ import annotations

from django import forms

from amendments.models import Amendment
from amendments.services.discussion import MAX_COMMENT_CHARS
from amendments.services.proposing import MAX_REASON_CHARS, MAX_TEXT_CHARS, MAX_TITLE_CHARS


def _too_long(what: str, limit: int) -> dict[str, str]:
    # The fields accept twice the limit so that the service can say by how much a text is
    # over; past that, the form refuses it, and must name the real limit, not the doubled one.
    return {"max_length": f"{what} is %(show_value)d characters; the maximum is {limit}."}


class DeskForm(forms.Form):
    """Our forms' labels read as plain labels, without a trailing colon."""

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class ProposeForm(DeskForm):
    """What a member proposes. The service checks the rules; the form only shapes the input."""

    kind = forms.ChoiceField(
        label="What should change?",
        choices=Amendment.Kind.choices,
        widget=forms.RadioSelect,
        initial=Amendment.Kind.REPLACE,
    )
    insert_kind = forms.ChoiceField(
        label="The new text is",
        choices=[("body", "a paragraph"), ("heading", "a section heading")],
        widget=forms.RadioSelect,
        initial="body",
        required=False,
    )
    text = forms.CharField(
        label="Text",
        strip=False,
        required=False,
        max_length=MAX_TEXT_CHARS * 2,
        error_messages=_too_long("The text", MAX_TEXT_CHARS),
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "true"}),
        help_text=(
            f"One paragraph, up to {MAX_TEXT_CHARS} characters; line breaks become spaces. "
            "For a change, edit the paragraph's text in place; for a new paragraph, write it."
        ),
    )
    title = forms.CharField(
        label="Title",
        max_length=MAX_TITLE_CHARS,
        required=False,
        help_text="One line that says what it changes, e.g. “Name the 1921 famine’s toll”.",
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=MAX_REASON_CHARS * 2,
        error_messages=_too_long("The reason", MAX_REASON_CHARS),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Why the chapter is better with this change.",
    )
    seen_version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class EditForm(ProposeForm):
    """The author's edit: the kind of change stays what it was."""

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        del self.fields["kind"]
        del self.fields["insert_kind"]


class CommentForm(DeskForm):
    body = forms.CharField(
        label="Comment",
        max_length=MAX_COMMENT_CHARS * 2,
        error_messages={
            "required": "Write something before posting.",
            **_too_long("The comment", MAX_COMMENT_CHARS),
        },
        widget=forms.Textarea(attrs={"rows": 3}),
        strip=True,
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ReasonForm(DeskForm):
    reason = forms.CharField(
        label="Reason", widget=forms.Textarea(attrs={"rows": 3}), max_length=3000
    )
