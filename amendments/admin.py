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
from amendments.services.paragraphs import paragraph_edit
from common.admin_mixins import AdminActionsOnListedIds
from common.fields import DeskCharField, DeskSlugField
from manifesto.admin import ReadOnlyHistoryAdmin
from manifesto.models import Chapter, Manifesto, Paragraph
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


class _ReasonForm(forms.ModelForm):
    change_reason = DeskCharField(
        label="Reason for this change",
        what="The reason",
        max_length=MAX_DECISION_REASON_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Recorded with your name in the history and the decision log.",
    )


class ParagraphAdminForm(_ReasonForm):
    """An editor's direct edit. It only validates; ``ParagraphAdmin.save_model`` makes the edit
    through the service, and a refusal of the service comes back on this form (``refusal``)."""

    text = DeskCharField(
        label="Text", what="The text", max_length=MAX_TEXT_CHARS, strip=False, widget=forms.Textarea
    )
    # Set by ParagraphAdmin when the service refused the edit: the form is validated again with
    # it, so the admin shows the page again, filled in, with the reason.
    refusal: ValidationError | None = None

    class Meta:
        model = Paragraph
        fields = ("text",)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.refusal is not None:
            if hasattr(self.refusal, "error_dict"):
                for field, errors in self.refusal.error_dict.items():
                    self.add_error(field if field in self.fields else None, errors)
            else:
                self.add_error(None, self.refusal)
        return cleaned


# The request attribute that carries a refusal of the service from save_model to the form.
_REFUSAL = "desk_paragraph_edit_refusal"


@admin.register(Paragraph)
class ParagraphAdmin(ReadOnlyHistoryAdmin):
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

    def get_form(
        self,
        request: HttpRequest,
        obj: Paragraph | None = None,
        change: bool = False,
        **kwargs: Any,
    ) -> type[forms.ModelForm[Paragraph]]:
        form = super().get_form(request, obj, change, **kwargs)
        # The admin builds the form class from ``form`` above, so it is a ParagraphAdminForm.
        assert issubclass(form, ParagraphAdminForm)
        form.refusal = getattr(request, _REFUSAL, None)
        return form

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except _Refused as refused:
            # The service refused the edit and its transaction rolled back: the same request
            # is answered again, the form bound to what was typed and showing why.
            setattr(request, _REFUSAL, refused.error)
            return super().changeform_view(request, object_id, form_url, extra_context)

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
            "status",
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
class ChapterAdmin(ReadOnlyHistoryAdmin):
    form = ChapterAdminForm
    list_display = ("title", "slug", "status", "order", "imported_words", "word_limit")
    list_filter = ("status",)
    readonly_fields = ("imported_words",)

    def save_model(
        self, request: HttpRequest, obj: Chapter, form: ChapterAdminForm, change: bool
    ) -> None:
        reason = form.cleaned_data["change_reason"]
        limit_fields = {"word_limit", "limit_tolerance_percent"}
        obj._change_reason = reason
        if change and limit_fields & set(form.changed_data):
            original = Chapter.objects.get(pk=obj.pk)
            for field in limit_fields:
                setattr(obj, field, getattr(original, field))
            super().save_model(request, obj, form, change)
            chapter_set_limit(
                chapter=obj,
                editor=signed_in(request),
                word_limit=form.cleaned_data["word_limit"],
                tolerance_percent=form.cleaned_data["limit_tolerance_percent"],
                reason=reason,
            )
            messages.info(request, "The word limit change is in the chapter's decision log.")
        else:
            super().save_model(request, obj, form, change)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # chapters are imported: manage.py import_chapter


class ManifestoAdminForm(_ReasonForm):
    class Meta:
        model = Manifesto
        fields = ("title", "word_limit", "count_footnotes")
        field_classes = {"title": DeskCharField}


@admin.register(Manifesto)
class ManifestoAdmin(ReadOnlyHistoryAdmin):
    form = ManifestoAdminForm
    list_display = ("title", "word_limit", "count_footnotes")

    def save_model(
        self, request: HttpRequest, obj: Manifesto, form: ManifestoAdminForm, change: bool
    ) -> None:
        reason = form.cleaned_data["change_reason"]
        if change:
            original = Manifesto.objects.get(pk=obj.pk)
            limit, footnotes = obj.word_limit, obj.count_footnotes
            obj.word_limit, obj.count_footnotes = original.word_limit, original.count_footnotes
            obj._change_reason = reason
            super().save_model(request, obj, form, change)
            if (limit, footnotes) != (original.word_limit, original.count_footnotes):
                manifesto_set_limit(
                    manifesto=obj,
                    editor=signed_in(request),
                    word_limit=limit,
                    count_footnotes=footnotes,
                    reason=reason,
                )
        else:
            obj._change_reason = reason
            super().save_model(request, obj, form, change)
