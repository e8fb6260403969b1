"""The desk's admin pages. Its own records (amendments, comments, decisions, supports) are
read-only: decisions are taken on the desk's own pages, where the services enforce the rules
and keep the log. The Manifesto, chapters and paragraphs are registered here, not in the text
store's admin, because every change the desk guards (paragraph text, word limits) goes through
the same services as the desk's own pages, so the word-count guard and the decision log cannot
be bypassed here."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpRequest, HttpResponse

from accounts.auth import signed_in
from amendments.models import Amendment, Comment, Decision, Support
from amendments.rules import MAX_DECISION_REASON_CHARS, MAX_TEXT_CHARS
from amendments.services.limits import chapter_set_limit, manifesto_set_limit
from amendments.services.milestones import milestone_mark
from amendments.services.paragraphs import paragraph_edit
from amendments.services.texts import CHAPTER_FIELDS, chapter_update, manifesto_update
from common.admin_mixins import AdminActionsOnListedIds
from common.fields import DeskCharField, DeskSlugField
from manifesto.admin import ReadOnlyHistoryAdmin
from manifesto.models import Chapter, Manifesto, Milestone, Paragraph
from manifesto.services import MAX_EDITORIAL_NOTE_CHARS


class _ReadOnly(AdminActionsOnListedIds, admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Amendment)
class AmendmentAdmin(_ReadOnly):
    list_display = (
        "id",
        "title",
        "chapter",
        "status",
        "kind",
        "author",
        "word_delta",
        "accepted_word_delta",
        "created_at",
    )
    list_filter = ("status", "kind", "chapter")
    search_fields = ("title", "proposed_text", "reason")
    list_select_related = ("chapter", "author")


@admin.register(Comment)
class CommentAdmin(_ReadOnly):
    list_display = ("id", "author", "amendment", "paragraph", "created_at", "is_deleted")
    list_select_related = ("author",)


@admin.register(Decision)
class DecisionAdmin(_ReadOnly):
    list_display = ("created_at", "chapter", "action", "actor", "amendment", "reason")
    list_filter = ("action", "chapter")
    list_select_related = ("chapter", "actor", "amendment")


@admin.register(Support)
class SupportAdmin(_ReadOnly):
    list_display = ("amendment", "user", "created_at")


class _RefusableForm(forms.ModelForm):
    """An admin form whose change is made by a desk service in ``save_model``: it only
    validates, and a refusal of the service comes back on it (``refusal``), filled in."""

    # Set by the admin when the service refused the change: the form is validated again with
    # it, so the admin shows the page again, filled in, with the reason.
    refusal: ValidationError | None = None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.refusal is not None:
            if hasattr(self.refusal, "error_dict"):
                for field, errors in self.refusal.error_dict.items():
                    self.add_error(field if field in self.fields else None, errors)
            else:
                self.add_error(None, self.refusal)
        return cleaned


class _ReasonForm(_RefusableForm):
    change_reason = DeskCharField(
        label="Reason for this change",
        what="The reason",
        max_length=MAX_DECISION_REASON_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Recorded with your name in the history and the decision log.",
    )


class ParagraphAdminForm(_ReasonForm):
    """An editor's direct edit, made by ``paragraph_edit`` (the guard judges it)."""

    text = DeskCharField(
        label="Text", what="The text", max_length=MAX_TEXT_CHARS, strip=False, widget=forms.Textarea
    )

    class Meta:
        model = Paragraph
        fields = ("text",)


# The request attribute that carries a refusal of a service from save_model to the form.
_REFUSAL = "desk_admin_refusal"


class _Refusals:
    """For a ModelAdmin whose changes go through a desk service in ``save_model``: a refusal
    (``_Refused``) answers the same request again with the form filled in and the reason."""

    def get_form(
        self,
        request: HttpRequest,
        obj: Any = None,
        change: bool = False,
        **kwargs: Any,
    ) -> type[forms.ModelForm[Any]]:
        form = super().get_form(request, obj, change, **kwargs)  # type: ignore[misc]  # a mixin
        # The admin builds the form class from ``form``, a _RefusableForm on every subclass.
        assert issubclass(form, _RefusableForm)
        form.refusal = getattr(request, _REFUSAL, None)
        return form

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        view = super().changeform_view  # type: ignore[misc]  # a ModelAdmin mixin
        try:
            return view(request, object_id, form_url, extra_context)
        except _Refused as refused:
            # The service refused and its transaction rolled back: the same request is
            # answered again, the form bound to what was typed and showing why.
            setattr(request, _REFUSAL, refused.error)
            return view(request, object_id, form_url, extra_context)


class _ServiceAdmin(_Refusals, ReadOnlyHistoryAdmin):
    """A tracked model's admin whose changes go through desk services."""


@admin.register(Paragraph)
class ParagraphAdmin(_ServiceAdmin):
    form = ParagraphAdminForm
    list_display = ("chapter", "key", "kind", "footnote_number", "word_count", "is_deleted")
    list_filter = ("chapter", "kind", "is_deleted")
    search_fields = ("text",)
    readonly_fields = ("chapter", "key", "kind", "footnote_number", "word_count", "is_deleted")
    fields = (
        "chapter",
        "key",
        "kind",
        "footnote_number",
        "is_deleted",
        "word_count",
        "text",
        "change_reason",
    )
    list_select_related = ("chapter",)

    def save_model(
        self, request: HttpRequest, obj: Paragraph, form: ParagraphAdminForm, change: bool
    ) -> None:
        # The service locks, checks the word limit, writes the new version with its history and
        # logs the decision, in one transaction.
        try:
            paragraph_edit(
                paragraph=obj,
                editor=signed_in(request),
                text=form.cleaned_data["text"],
                reason=form.cleaned_data["change_reason"],
            )
        except ValidationError as error:
            raise _Refused(error) from error
        obj.refresh_from_db()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # paragraphs come from imports and accepted amendments

    def has_delete_permission(self, request: HttpRequest, obj: Paragraph | None = None) -> bool:
        return False  # deleting would lose history; an accepted deletion amendment flags it


class _Refused(Exception):
    """The service refused an edit made in the admin (carries its ValidationError)."""

    def __init__(self, error: ValidationError) -> None:
        super().__init__(error)
        self.error = error


class ChapterAdminForm(_ReasonForm):
    editorial_note = DeskCharField(
        label="Editorial note",
        what="The editorial note",
        max_length=MAX_EDITORIAL_NOTE_CHARS,
        required=False,
        widget=forms.Textarea,
        help_text=Chapter._meta.get_field("editorial_note").help_text,
    )

    class Meta:
        model = Chapter
        fields = (
            "title",
            "slug",
            "subtitle",
            "publication_line",
            "editorial_note",
            "order",
            "word_limit",
            "limit_tolerance_percent",
        )
        field_classes = {
            "title": DeskCharField,
            "slug": DeskSlugField,
            "subtitle": DeskCharField,
            "publication_line": DeskCharField,
        }


@admin.register(Chapter)
class ChapterAdmin(_ServiceAdmin):
    form = ChapterAdminForm
    # The phase and deadline are set on the desk's round page (review/round/).
    list_display = ("title", "slug", "phase", "closes_at", "order", "imported_words", "word_limit")
    list_filter = ("phase",)
    readonly_fields = ("imported_words",)

    def save_model(
        self, request: HttpRequest, obj: Chapter, form: ChapterAdminForm, change: bool
    ) -> None:
        # The chapter's own fields and its limit each go through their service, which saves
        # them with history and logs the decision; a refusal rolls both back.
        data, changed, reason = (
            form.cleaned_data,
            set(form.changed_data),
            form.cleaned_data["change_reason"],
        )
        chapter, editor = Chapter.objects.get(pk=obj.pk), signed_in(request)
        try:
            fields = {name: data[name] for name in CHAPTER_FIELDS if name in changed}
            chapter = chapter_update(chapter=chapter, editor=editor, changes=fields, reason=reason)
            if {"word_limit", "limit_tolerance_percent"} & changed:
                chapter_set_limit(
                    chapter=chapter,
                    editor=editor,
                    word_limit=data["word_limit"],
                    tolerance_percent=data["limit_tolerance_percent"],
                    reason=reason,
                )
        except ValidationError as error:
            raise _Refused(error) from error
        obj.refresh_from_db()
        messages.info(request, "The change is in the chapter's decision log.")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # chapters are imported: manage.py import_chapter


class ManifestoAdminForm(_ReasonForm):
    class Meta:
        model = Manifesto
        fields = ("title", "word_limit", "count_footnotes")
        field_classes = {"title": DeskCharField}


@admin.register(Manifesto)
class ManifestoAdmin(_ServiceAdmin):
    form = ManifestoAdminForm
    list_display = ("title", "word_limit", "count_footnotes")

    def save_model(
        self, request: HttpRequest, obj: Manifesto, form: ManifestoAdminForm, change: bool
    ) -> None:
        data, reason = form.cleaned_data, form.cleaned_data["change_reason"]
        manifesto, editor = Manifesto.objects.get(pk=obj.pk), signed_in(request)
        try:
            manifesto = manifesto_update(
                manifesto=manifesto, editor=editor, title=data["title"], reason=reason
            )
            if {"word_limit", "count_footnotes"} & set(form.changed_data):
                manifesto_set_limit(
                    manifesto=manifesto,
                    editor=editor,
                    word_limit=data["word_limit"],
                    count_footnotes=data["count_footnotes"],
                    reason=reason,
                )
        except ValidationError as error:
            raise _Refused(error) from error
        obj.refresh_from_db()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the Manifesto is made by the first import


class MilestoneAdminForm(_RefusableForm):
    class Meta:
        model = Milestone
        fields = ("chapter", "name")
        field_classes = {"name": DeskCharField}


@admin.register(Milestone)
class MilestoneAdmin(_Refusals, AdminActionsOnListedIds, admin.ModelAdmin):
    """Milestones are marked (through the service that logs them) and then kept as they are:
    exports and comparisons name them."""

    form = MilestoneAdminForm
    list_display = ("chapter", "name", "moment", "created_by")

    def save_model(
        self, request: HttpRequest, obj: Milestone, form: MilestoneAdminForm, change: bool
    ) -> None:
        try:
            marked = milestone_mark(
                chapter=form.cleaned_data["chapter"],
                editor=signed_in(request),
                name=form.cleaned_data["name"],
            )
        except ValidationError as error:
            raise _Refused(error) from error
        obj.pk, obj.moment, obj.created_by = marked.pk, marked.moment, marked.created_by

    def has_change_permission(self, request: HttpRequest, obj: Milestone | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Milestone | None = None) -> bool:
        return False
