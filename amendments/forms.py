"""The desk's forms. They shape and limit the input; the services decide.

Every text a person types is a ``DeskCharField`` whose limit is the constant its service checks
(amendments/rules.py), so the form, the service and the browser's ``maxlength`` agree. A hidden
field a page fills in (the version a text was written against, the comment a reply answers, the
amendments a batch decides) is checked too: one the page could not have sent is refused, never
ignored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from django import forms
from django.core.validators import validate_slug
from django.db.models import QuerySet
from django.http import QueryDict

from amendments.acceptance_preview import Seen
from amendments.filtering import RECOMMENDATION_FILTER_LABELS, SORT_LABELS, AmendmentFilters
from amendments.models import Amendment, Comment
from amendments.rules import (
    MAX_COMMENT_CHARS,
    MAX_DECISION_REASON_CHARS,
    MAX_HIDE_REASON_CHARS,
    MAX_REASON_CHARS,
    MAX_TEXT_CHARS,
    MAX_TITLE_CHARS,
    NOT_A_VERSION_MESSAGE,
)
from amendments.search import KINDS as SEARCH_KINDS
from amendments.search import MAX_QUERY_CHARS
from common.fields import DeskCharField
from common.forms import DeskForm
from manifesto.models import Chapter, Milestone
from textcore.lines import MAX_WIDTH, MIN_WIDTH

ALTERED = "The form was altered: "


def _version_field(*, required: bool) -> forms.IntegerField:
    # The version of the paragraph the page showed; the services check that it is one of the
    # paragraph's own. A value that is no number at all gets the same answer.
    return forms.IntegerField(
        required=required,
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={key: NOT_A_VERSION_MESSAGE for key in ("invalid", "min_value", "required")},
    )


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
    text = DeskCharField(
        label="Text",
        what="The text",
        max_length=MAX_TEXT_CHARS,
        strip=False,
        required=False,
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "true"}),
        help_text=(
            f"One paragraph, up to {MAX_TEXT_CHARS:,} characters; line breaks become spaces. "
            "For a change, edit the paragraph's text in place; for a new paragraph, write it."
        ),
    )
    title = DeskCharField(
        label="Title",
        what="The title",
        max_length=MAX_TITLE_CHARS,
        required=False,
        help_text="One line that says what it changes, e.g. “Name the 1921 famine’s toll”.",
    )
    reason = DeskCharField(
        label="Reason",
        what="The reason",
        max_length=MAX_REASON_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=f"Why the chapter is better with this change (up to {MAX_REASON_CHARS:,} "
        "characters).",
    )
    seen_version = _version_field(required=False)


class EditForm(ProposeForm):
    """The author's edit: the kind of change stays what it was (the page sends it along for
    the live preview; a different one was not sent by the page)."""

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["insert_kind"]
        self.fields["kind"] = forms.ChoiceField(
            choices=[(kind, kind)],
            initial=kind,
            required=False,
            widget=forms.HiddenInput,
            error_messages={
                "invalid_choice": ALTERED + "an amendment's kind of change cannot be changed. "
                "Nothing was saved."
            },
        )


class CommentEditForm(DeskForm):
    body = DeskCharField(
        label="Comment",
        what="The comment",
        max_length=MAX_COMMENT_CHARS,
        error_messages={"required": "Write something before posting."},
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CommentForm(CommentEditForm):
    """A comment, or a reply to ``parent``: a comment of the same discussion (``thread``)."""

    parent = forms.ModelChoiceField(
        queryset=Comment.objects.none(),
        required=False,
        widget=forms.HiddenInput,
        error_messages={
            "invalid_choice": ALTERED + "the comment it replies to is not in this discussion, "
            "so nothing was posted. Send it again to post it as a comment of its own."
        },
    )

    def __init__(self, *args: Any, thread: QuerySet[Comment], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parent = self.fields["parent"]
        assert isinstance(parent, forms.ModelChoiceField)  # declared above
        parent.queryset = thread.select_related("author")


def _reason(label: str, *, limit: int, required: str = "", rows: int = 3) -> DeskCharField:
    return DeskCharField(
        label=label,
        what="The reason",
        max_length=limit,
        required=bool(required),
        error_messages={"required": required} if required else {},
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class HideForm(DeskForm):
    reason = _reason(
        "Reason (members read it)",
        limit=MAX_HIDE_REASON_CHARS,
        required="Say why the comment is hidden.",
    )


# What an acceptance preview showed ("p12:345 a7:…" for every paragraph and amendment).
MAX_SEEN_CHARS = 4000
SEEN_ALTERED = (
    ALTERED + "what the preview showed is not as the preview wrote it. Nothing was accepted."
)


def _seen_field() -> DeskCharField:
    return DeskCharField(
        max_length=MAX_SEEN_CHARS,
        required=False,
        what="What the preview showed",
        widget=forms.HiddenInput,
    )


def _seen_of(value: str) -> Seen | None:
    """The preview's ``Seen`` from its hidden field (None if the form came without one)."""
    if not value:
        return None
    seen = Seen.decode(value)
    if seen is None:
        raise forms.ValidationError(SEEN_ALTERED, code="seen")
    return seen


class AcceptForm(DeskForm):
    reason = _reason("Reason (optional)", limit=MAX_DECISION_REASON_CHARS)
    # Sent by the acceptance preview, so that a confirmation of an outdated one is refused.
    seen = _seen_field()

    def clean_seen(self) -> Seen | None:
        return _seen_of(self.cleaned_data["seen"])


class RejectForm(DeskForm):
    reason = _reason(
        "Reason (the author reads it)",
        limit=MAX_DECISION_REASON_CHARS,
        required="Give a reason: the author will read it.",
    )


class ReopenForm(DeskForm):
    reason = _reason(
        "Why reopen it?",
        limit=MAX_DECISION_REASON_CHARS,
        required="Say why the decision is reopened.",
        rows=2,
    )


class RevertForm(DeskForm):
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={
            key: "Choose a version to restore." for key in ("invalid", "min_value", "required")
        },
    )
    reason = _reason("Why restore it? (logged)", limit=MAX_DECISION_REASON_CHARS, rows=2)


class DuplicateForm(DeskForm):
    duplicate_of = forms.IntegerField(
        label="Duplicate of amendment #",
        min_value=1,
        # No id is larger (and SQLite cannot compare a number past 64 bits).
        max_value=2**63 - 1,
        help_text="The number of the amendment that says the same.",
        error_messages={
            "required": "Give the number of the amendment it duplicates.",
            "min_value": "There is no amendment with that number.",
            "max_value": "There is no amendment with that number.",
        },
    )
    reason = _reason("Note for its author (optional)", limit=MAX_DECISION_REASON_CHARS, rows=2)
    reason.help_text = "Without a note, the author reads “Duplicate of #…”."


class UnmarkDuplicateForm(DeskForm):
    reason = _reason(
        "Why it is not a duplicate (optional; the decision log shows it)",
        limit=MAX_DECISION_REASON_CHARS,
        rows=2,
    )


class AcceptWithChangesForm(DeskForm):
    text = DeskCharField(
        label="The editor's wording",
        what="The text",
        max_length=MAX_TEXT_CHARS,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    reason = _reason("Why the changes", limit=MAX_DECISION_REASON_CHARS)
    seen_version = _version_field(required=True)


def decision_forms() -> dict[str, forms.Form]:
    """The forms an editor sees on a pending amendment's page (its decision panel)."""
    return {"reject_form": RejectForm(prefix="reject"), "duplicate_form": DuplicateForm()}


class LimitForm(DeskForm):
    word_limit = forms.IntegerField(
        label="Word limit",
        min_value=1,
        required=False,
        help_text="Leave empty to use the words at import plus the tolerance.",
    )
    tolerance_percent = forms.IntegerField(
        label="Tolerance (%)", min_value=0, max_value=100, required=False
    )
    reason = _reason(
        "Reason", limit=MAX_DECISION_REASON_CHARS, required="Say why the limit changes.", rows=2
    )


class ManifestoLimitForm(DeskForm):
    word_limit = forms.IntegerField(
        label="Overall word limit",
        min_value=1,
        required=False,
        help_text="Leave empty for no overall limit; each chapter's own limit still holds.",
    )
    count_footnotes = forms.BooleanField(
        label="Count footnotes towards the limits",
        required=False,
        help_text="Headings and body paragraphs always count; the editorial notes never do.",
    )
    reason = _reason(
        "Reason", limit=MAX_DECISION_REASON_CHARS, required="Say why the limit changes.", rows=2
    )


class LineNumberingForm(DeskForm):
    line_width = forms.IntegerField(
        label="Characters in a numbered line",
        min_value=MIN_WIDTH,
        max_value=MAX_WIDTH,
        help_text=f"{MIN_WIDTH} to {MAX_WIDTH}; 80 is the usual length of a programme's lines.",
        widget=forms.NumberInput(attrs={"class": "input--short"}),
    )
    continuous = forms.BooleanField(
        label="Number lines on through the whole Manifesto",
        required=False,
        help_text="Otherwise each chapter's lines start at 1.",
    )
    reason = _reason("Reason (optional)", limit=MAX_DECISION_REASON_CHARS, rows=2)


class _MilestoneField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)  # unique within the chapter


class ReferenceForm(DeskForm):
    """Which milestone a chapter's ¶ and line numbers refer to."""

    milestone = _MilestoneField(
        queryset=Milestone.objects.none(),
        label="Numbers refer to",
        empty_label=None,
        error_messages={"invalid_choice": "Choose one of this chapter's milestones."},
    )
    reason = _reason("Reason (optional)", limit=MAX_DECISION_REASON_CHARS, rows=2)

    def __init__(self, *args: Any, chapter: Chapter, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["milestone"]
        assert isinstance(field, forms.ModelChoiceField)  # declared just above
        field.queryset = chapter.milestones.order_by("moment", "id")


# The queue's filters, which a batch form carries so that the editor returns to the same view.
QUEUE_FILTERS = ("chapter", "paragraph", "lines", "status", "author", "sort")
# "¶ 10a", "10A", "10": a ¶ label of the reference numbering; "123", "123-125", "123–125",
# "123 to 125": reference lines.
# ASCII digits only: int() would read "١٢" too, but nobody cites a line so.
_LABEL = re.compile(r"^¶?\s*(\d{1,9})([a-z]{0,3})$", re.ASCII)
_LINES = re.compile(r"^(\d{1,9})(?:\s*(?:-|–|—|to)\s*(\d{1,9}))?$", re.ASCII)
QUEUE_STATUSES = ("open", *Amendment.Status.values, "all")


class AmendmentFilterForm(DeskForm):
    """Filters of a list of amendments, read from its address (GET): the review queue's and
    the public list's.

    The page always answers: a value it cannot use is no filter (a status or a paragraph
    number it does not know shows every status or paragraph), an unknown sort is the default
    order, and a page that is no number is the first. A chapter or author nobody has matches
    nothing. Without a status in the address, the page shows ``default_status``.
    """

    default_status = "open"
    default_sort = "oldest"

    chapter = forms.CharField(required=False, strip=False)
    paragraph = forms.CharField(required=False, max_length=30)
    lines = forms.CharField(required=False, max_length=40)
    status = forms.ChoiceField(required=False, choices=[(s, s) for s in QUEUE_STATUSES])
    author = forms.CharField(required=False)
    sort = forms.ChoiceField(required=False, choices=list(SORT_LABELS.items()))
    page = forms.IntegerField(required=False)

    def __init__(self, query: QueryDict) -> None:
        super().__init__({"status": self.default_status, **query.dict()})

    def filters(self) -> AmendmentFilters:
        """The filters to apply; each refused value is read as its default."""
        self.is_valid()
        data = self.cleaned_data
        return AmendmentFilters(
            chapter=data.get("chapter") or "",
            paragraph=data.get("paragraph") or "",
            lines=data.get("lines") or None,
            status=data.get("status") or "all",
            author=data.get("author") or "",
            sort=data.get("sort") or self.default_sort,
            mine=bool(data.get("mine")),
            supported=bool(data.get("supported")),
        )

    def clean_paragraph(self) -> str:
        value = self.cleaned_data["paragraph"].strip().lower()
        if not value:
            return ""
        match = _LABEL.match(value)
        if match is None:
            raise forms.ValidationError(
                "“%(value)s” is not a ¶ number (like 9 or 10a); every paragraph is shown.",
                params={"value": value[:30]},
            )
        return f"{int(match.group(1))}{match.group(2)}"

    def clean_lines(self) -> tuple[int, int] | None:
        value = self.cleaned_data["lines"].strip()
        if not value:
            return None
        match = _LINES.match(value)
        if match is None:
            raise forms.ValidationError(
                "“%(value)s” is not a line or a range of lines (like 123 or 123–125); every "
                "line is shown.",
                params={"value": value[:40]},
            )
        first = int(match.group(1))
        last = int(match.group(2) or first)
        return (min(first, last), max(first, last))

    def notices(self) -> list[str]:
        """Why a filter the address gave is not applied (shown above the list)."""
        self.is_valid()
        errors = self.errors
        return [str(message) for name in ("paragraph", "lines") for message in errors.get(name, ())]

    def page_number(self) -> int | None:
        """The page asked for (None: the first); past the last page, the paginator shows the
        last."""
        self.is_valid()
        page: int | None = self.cleaned_data.get("page")
        return page


class QueueFilterForm(AmendmentFilterForm):
    """The review queue's filters: open amendments, oldest first, unless the address says;
    and the committee's recommendations ("no recommendation yet", "proposer disagreed")."""

    recommendation = forms.ChoiceField(
        required=False, choices=list(RECOMMENDATION_FILTER_LABELS.items())
    )

    def filters(self) -> AmendmentFilters:
        chosen = super().filters()
        return replace(chosen, recommendation=self.cleaned_data.get("recommendation") or "")


class AmendmentListFilterForm(AmendmentFilterForm):
    """The public list's filters: every status, in text order, unless the address says;
    "mine" and "supported by me" for a member signed in."""

    default_status = "all"
    default_sort = "text"

    mine = forms.BooleanField(required=False)
    supported = forms.BooleanField(required=False)


MAX_QUEUE_QUERY_CHARS = 1000


class _AmendmentsField(forms.ModelMultipleChoiceField):
    def _check_values(self, value: Iterable[Any]) -> QuerySet[Any]:
        # Only numbers a database id can be: "²" is a digit int() refuses, "٣" one it
        # accepts, and SQLite cannot even compare a number past 64 bits.
        for pk in value:
            pk = str(pk)
            if not (pk.isascii() and pk.isdecimal()):
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value"
                )
            if len(pk) > 18:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return super()._check_values(value)  # type: ignore[misc]  # a private hook the stubs omit


class BatchForm(DeskForm):
    """A decision on the amendments ticked in the queue (the reason is a ``RejectForm``)."""

    ids = _AmendmentsField(
        queryset=Amendment.objects.select_related("chapter", "paragraph", "author").order_by("pk"),
        widget=forms.MultipleHiddenInput,
        error_messages={
            "required": "Tick at least one amendment first.",
            "invalid_choice": ALTERED + "there is no amendment #%(value)s. Nothing was done.",
            "invalid_pk_value": ALTERED + "it named an amendment by something that is not a "
            "number. Nothing was done.",
        },
    )
    action = forms.ChoiceField(
        choices=[("accept", "Accept together"), ("reject", "Reject")],
        widget=forms.HiddenInput,
        error_messages={
            key: "Choose what to do with the ticked amendments."
            for key in ("required", "invalid_choice")
        },
    )
    confirmed = forms.ChoiceField(
        choices=[("", "not yet"), ("yes", "yes")],
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": ALTERED + "the rejection was not confirmed."},
    )
    query = DeskCharField(
        max_length=MAX_QUEUE_QUERY_CHARS,
        required=False,
        what="The queue's address",
        widget=forms.HiddenInput,
    )
    seen = _seen_field()

    def clean_seen(self) -> Seen | None:
        return _seen_of(self.cleaned_data["seen"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        confirmed = cleaned.get("confirmed") == "yes"
        if cleaned.get("action") == "accept" and confirmed and not self.data.get("seen"):
            # A confirmed acceptance always comes from its preview, which says what it showed.
            raise forms.ValidationError(SEEN_ALTERED, code="seen")
        return cleaned

    def clean_query(self) -> str:
        query = self.cleaned_data["query"]
        filters = QueryDict(query)  # as the queue reads it
        unknown = [name for name in filters if name not in QUEUE_FILTERS]
        sort = filters.get("sort")
        if unknown or (sort and sort not in SORT_LABELS):
            raise forms.ValidationError(
                ALTERED + "the queue's filters it carried are not ones the queue sets. "
                "Nothing was done."
            )
        return query


class SearchForm(DeskForm):
    """A search (GET): the words, and optionally one chapter and one kind of result."""

    q = DeskCharField(
        label="Search",
        max_length=MAX_QUERY_CHARS,
        required=False,
        what="The search",
        help_text="Words find their other forms too; “quoted words” find a phrase; -word leaves "
        "out what has it.",
    )
    chapter = forms.ChoiceField(
        label="Chapter",
        required=False,
        error_messages={"invalid_choice": "There is no such chapter: choose one from the list."},
    )
    kind = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[("", "Everything"), *SEARCH_KINDS.items()],
        error_messages={"invalid_choice": "Choose what to show from the list."},
    )

    def __init__(self, *args: Any, chapters: Iterable[Chapter] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.chapters = {chapter.slug: chapter for chapter in chapters}
        field = self.fields["chapter"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Every chapter")] + [
            (slug, chapter.title) for slug, chapter in self.chapters.items()
        ]

    def clean_q(self) -> str:
        return " ".join(str(self.cleaned_data["q"]).split())

    @property
    def chosen_chapter(self) -> Chapter | None:
        return self.chapters.get(self.cleaned_data.get("chapter") or "")


class ImportUploadForm(DeskForm):
    """An editor's upload of a chapter: a new one, or a revised draft of one (``revise``)."""

    file = forms.FileField(
        label="The chapter's file",
        help_text=(
            "Word (.docx), OpenDocument (.odt), Markdown (.md) or plain text (.txt). Its type "
            "is read from its content, not its name."
        ),
    )
    revise = forms.ModelChoiceField(
        queryset=Chapter.objects.order_by("order"),
        required=False,
        to_field_name="slug",
        empty_label="A new chapter",
        label="Import as",
    )
    slug = DeskCharField(
        label="Address of a new chapter (optional)",
        what="The address",
        max_length=80,
        required=False,
        validators=[validate_slug],
        help_text="Letters, digits and hyphens; leave empty to make it from the title.",
    )
    word_limit = forms.IntegerField(
        label="Word limit (optional)",
        min_value=1,
        max_value=10_000_000,
        required=False,
        help_text=(
            "Leave empty: a new chapter gets its words plus 5 %; a revised draft keeps the "
            "chapter's limit."
        ),
    )
    limit_reason = _reason(
        "Why the limit changes (with a limit)", limit=MAX_DECISION_REASON_CHARS, rows=2
    )

    def __init__(self, *args: Any, max_bytes: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes
        self.fields["file"].help_text += f" At most {max_bytes // (1024 * 1024)} MB."
        self.fields["revise"].label_from_instance = lambda chapter: (  # type: ignore[attr-defined]
            f"A revised draft of “{chapter.title}”"
        )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        # Judged by its size before a byte of it is read.
        if upload.size > self.max_bytes:
            raise forms.ValidationError(
                f"The file has {upload.size:,} bytes; the limit is {self.max_bytes:,} bytes "
                f"({self.max_bytes // (1024 * 1024)} MB).",
                code="file_too_large",
            )
        return upload


class ImportConfirmForm(DeskForm):
    """Confirming (or cancelling) a previewed import."""

    action = forms.ChoiceField(choices=[("confirm", "Import"), ("cancel", "Cancel")])
    # The chapter's stamp when the preview was shown (revised drafts), so a change since then
    # is not imported unseen.
    stamp = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
