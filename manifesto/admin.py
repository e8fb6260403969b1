from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from manifesto.models import Chapter, Manifesto, Milestone, Paragraph


@admin.register(Manifesto)
class ManifestoAdmin(SimpleHistoryAdmin):
    list_display = ("title", "word_limit", "count_footnotes")


@admin.register(Chapter)
class ChapterAdmin(SimpleHistoryAdmin):
    list_display = ("title", "slug", "status", "order", "imported_words", "word_limit")
    list_filter = ("status",)
    prepopulated_fields = {"slug": ("title",)}


@admin.register(Paragraph)
class ParagraphAdmin(SimpleHistoryAdmin):
    list_display = ("chapter", "key", "kind", "footnote_number", "word_count", "is_deleted")
    list_filter = ("chapter", "kind", "is_deleted")
    search_fields = ("text",)
    readonly_fields = ("word_count",)
    list_select_related = ("chapter",)


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ("chapter", "name", "moment", "created_by")
