"""The Django admin. Every change that the amendment desk guards (paragraph text, word
limits) goes through the same services as the desk's own pages, so the word-count guard
and the decision log cannot be bypassed here."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from simple_history.admin import SimpleHistoryAdmin

from amendments.services.editorial import MAX_DECISION_REASON_CHARS
from amendments.services.limits import chapter_set_limit, manifesto_set_limit
from amendments.services.paragraphs import paragraph_edit
from amendments.services.proposing import MAX_TEXT_CHARS
from manifesto.fields import DeskCharField, DeskSlugField
from manifesto.models import Chapter, Manifesto, Milestone, Paragraph
from manifesto.security import AdminActionsOnListedIds
from manifesto.services import MAX_EDITORIAL_NOTE_CHARS


class ReadOnlyHistoryAdmin(AdminActionsOnListedIds, SimpleHistoryAdmin):
    """The admin's history pages show versions; none can be saved back from there."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):  # type: ignore[no-untyped-def]
        if request.method != "GET":
            raise PermissionDenied(
                "The history is read-only. Editors restore a version on the paragraph's "
                "history page, where the word limit is checked."
            )
        return super().history_form_view(request, object_id, version_id, extra_context)


class _ReasonForm(forms.ModelForm):
    change_reason = DeskCharField(
        label="Reason for this change",
        what="The reason",
        max_length=MAX_DECISION_REASON_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Recorded with your name in the history and the decision log.",
    )


class ParagraphAdminForm(_ReasonForm):
    text = DeskCharField(
        label="Text", what="The text", max_length=MAX_TEXT_CHARS, strip=False, widget=forms.Textarea
    )

    class Meta:
        model = Paragraph
        fields = ("text",)

    def clean(self):  # type: ignore[no-untyped-def]
        cleaned = super().clean()
        if "text" in cleaned and "change_reason" in cleaned and self.instance.pk:
            self._apply(cleaned)
        return cleaned

    def _apply(self, cleaned) -> None:  # type: ignore[no-untyped-def]
        # The service locks, checks the word limit and writes in one transaction; doing it
        # here lets a refusal show on the form like any other validation error.
        request = self.request  # type: ignore[attr-defined]
        try:
            paragraph_edit(
                paragraph=self.instance,
                editor=request.user,
                text=cleaned["text"],
                reason=cleaned["change_reason"],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    self.add_error(field if field in self.fields else None, errors)
            else:
                self.add_error(None, error)


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

    def get_form(self, request, obj=None, **kwargs):  # type: ignore[no-untyped-def]
        form = super().get_form(request, obj, **kwargs)
        form.request = request  # type: ignore[attr-defined]
        return form

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        # paragraph_edit already saved the new version (with history) during validation.
        obj.refresh_from_db()

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False  # paragraphs come from imports and accepted amendments

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False  # deleting would lose history; an accepted deletion amendment flags it


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

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
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
                editor=request.user,
                word_limit=form.cleaned_data["word_limit"],
                tolerance_percent=form.cleaned_data["limit_tolerance_percent"],
                reason=reason,
            )
            messages.info(request, "The word limit change is in the chapter's decision log.")
        else:
            super().save_model(request, obj, form, change)

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
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

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
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
                    editor=request.user,
                    word_limit=limit,
                    count_footnotes=footnotes,
                    reason=reason,
                )
        else:
            obj._change_reason = reason
            super().save_model(request, obj, form, change)


class MilestoneAdminForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ("chapter", "name", "moment", "created_by")
        field_classes = {"name": DeskCharField}


@admin.register(Milestone)
class MilestoneAdmin(AdminActionsOnListedIds, admin.ModelAdmin):
    form = MilestoneAdminForm
    list_display = ("chapter", "name", "moment", "created_by")
