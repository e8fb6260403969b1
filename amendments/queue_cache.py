"""The review queue's rows and paragraph groups, rendered once and kept in the cache (Django's
cache framework, the CACHES setting) under a key that is a stamp of everything they show.

The way of amendments/row_cache.py (the public list's rows) and common/fragments.py: a row's
stamp is made of the values the queue's page query has already read (the number, title,
status, kind, the citation in the reference numbering, the author's name and role, the word
changes, supporters, whether it was carried forward, the amendments it competes with, the
notes it would leave without a reference, the recommendation as the viewer may see it and the
stored word diff), the time zone and the templates' source; a group's stamp is its heading
(chapter, paragraph, citation, reference text, competing flag, how many are on the pages
before and after), its paragraph's text and the keys of its rows. A change to any of them is a
different key, so nothing shown can be stale and no service has to clear anything; an old key
is simply never asked for again and the cache lets it go.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import astuple, dataclass
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from accounts.models import User
from amendments.filtering import AmendmentFilters
from amendments.models import Amendment, Recommendation
from amendments.reading_cache import cached_parts, viewer_key
from amendments.recommendations import recommendation_of, visible_recommendation
from amendments.review_queue import ParagraphGroup, Queue
from amendments.row_cache import LABELS
from amendments.selectors import NoteLoss, manifesto_stamp
from common.fragments import cached_fragments, fragment_key

ROW_TEMPLATE = "amendments/_partials/queue_row.html"
GROUP_TEMPLATE = "amendments/_partials/queue_group.html"
# Every template a row is rendered from: their source is part of the key, so a changed
# template never shows an old fragment (with a shared cache such as Redis, after a deploy).
ROW_TEMPLATES = (
    ROW_TEMPLATE,
    "amendments/_partials/status.html",
    "amendments/_partials/word_change.html",
    "amendments/_partials/delta.html",
    "_partials/person.html",
    "amendments/_partials/recommendation_text.html",
)
GROUP_TEMPLATES = (GROUP_TEMPLATE,)
LEDGERS_TEMPLATE = "amendments/_partials/queue_ledgers.html"
LEDGERS_TEMPLATES = (LEDGERS_TEMPLATE, "amendments/_partials/ledger.html")
# The fields of the amendment (and its related rows) that the row shows; a test checks the
# row's templates name no other (tests/amendments/test_queue_cache.py).
STAMPED_FIELDS = frozenset(
    {
        "pk",
        "title",
        "status",
        "get_status_display",
        "kind",
        "get_kind_display",
        "word_delta",
        "accepted_word_delta",
        "support_count",
        "was_carried_forward",
        "get_absolute_url",
        "author",
        "recommendation",
        "diff_ops",
    }
)
# What the group's template shows of its group; checked the same way.
STAMPED_GROUP_FIELDS = frozenset(
    {
        "paragraph.pk",
        "paragraph.get_absolute_url",
        "paragraph.text",
        "amendments.0.chapter.title",
        "citation",
        "reference",
        "competing",
        "earlier",
        "later",
    }
)
# Part of every key, with the templates' source and the labels: raise it when Python code that
# a row is rendered with changes what it prints (a template tag or filter, ops_html, how a
# citation or a note's warning reads), so that a shared cache serves no row of the code before.
QUEUE_VERSION = 1


PAGE_TEMPLATE = "amendments/_partials/queue_page.html"
# The page's part holds the groups, rows and ledgers as they are rendered: their templates'
# source is part of its key too.
PAGE_TEMPLATES = (
    PAGE_TEMPLATE,
    "amendments/_partials/pagination.html",
    *ROW_TEMPLATES,
    *GROUP_TEMPLATES,
    *LEDGERS_TEMPLATES,
)


@dataclass(frozen=True)
class QueueShown:
    """What of the request the queue's page shows: the filters as read, the page asked for,
    the filters' fields as typed, why some were not applied, and the address's query (the
    form and the page links carry it)."""

    filters: AmendmentFilters
    page_number: int | None
    filter_values: dict[str, str]
    notices: list[str]
    query: str


def queue_page(
    request: HttpRequest, shown: QueueShown, context: Callable[[], dict[str, Any]]
) -> SafeString:
    """The queue's whole main part: from the cache under the Manifesto's stamp (one query,
    amendments/selectors.py ``manifesto_stamp``), the request's filters, page and query,
    and the editor looking; rendered with ``context()`` (the queue read, its rows and groups
    from their own caches) only when the key is new. The batch form's token is this editor's.

    Nothing the queue shows depends on the clock: an editor sees every recommendation,
    published or not, and the rows show no deadline."""
    key = (
        manifesto_stamp(),
        viewer_key(request),
        astuple(shown.filters),
        shown.page_number,
        sorted(shown.filter_values.items()),
        shown.notices,
        shown.query,
        QUEUE_VERSION,
        LABELS,
    )
    [part] = cached_parts(request, "queue-page", PAGE_TEMPLATES, (PAGE_TEMPLATE,), key, context)
    return part


class _Row:
    """One amendment of a group with what its row shows beside the amendment itself."""

    def __init__(self, group: ParagraphGroup, amendment: Amendment, queue: Queue, viewer: User):
        self.amendment = amendment
        self.citation = group.citation_of(amendment)
        self.rivals = group.competes(amendment)
        self.losses: list[NoteLoss] = queue.note_losses.get(amendment.pk, [])
        self.shown = visible_recommendation(amendment, viewer)

    def stamp(self) -> tuple[object, ...]:
        """Everything the row shows, as the page's queries read it (no query)."""
        amendment, author, citation = self.amendment, self.amendment.author, self.citation
        return (
            amendment.pk,
            amendment.title,
            amendment.status,
            amendment.kind,
            None if citation is None else (citation.first, str(citation)),
            author.public_name,
            author.role_label,
            amendment.word_delta,
            amendment.accepted_word_delta,
            getattr(amendment, "support_count", None),
            amendment.was_carried_forward,
            self.rivals,
            [loss.warning for loss in self.losses],
            recommendation_of(amendment) is not None,
            _recommendation_stamp(self.shown),
            amendment.diff_ops,
        )

    def key(self) -> str:
        return fragment_key("queue-row", ROW_TEMPLATES, self.stamp(), QUEUE_VERSION, LABELS)

    def render(self) -> str:
        context = {
            "amendment": self.amendment,
            "citation": self.citation,
            "rivals": self.rivals,
            "losses": self.losses,
            "shown": self.shown,
        }
        return render_to_string(ROW_TEMPLATE, context)


def _recommendation_stamp(shown: Recommendation | None) -> tuple[object, ...] | None:
    """What the row's recommendation line shows (recommendation_text.html)."""
    if shown is None:
        return None
    return (shown.kind, shown.target_id, shown.contested, shown.answer)


def group_stamp(group: ParagraphGroup) -> tuple[object, ...]:
    """Everything the group's own part shows (its heading and its paragraph's text)."""
    paragraph = group.paragraph
    return (
        paragraph.pk,
        paragraph.chapter.slug,
        paragraph.key,
        paragraph.text,
        group.amendments[0].chapter.title,
        str(group.citation),
        group.reference,
        bool(group.competing),
        group.earlier,
        group.later,
    )


def rendered_groups(queue: Queue, viewer: User) -> list[SafeString]:
    """The HTML of each of the page's paragraph groups: from the cache where it is; where it is
    not, its rows from the cache where they are, rendered (and kept) where they are not."""
    rows = [[_Row(group, a, queue, viewer) for a in group.amendments] for group in queue.groups]
    row_keys = [[row.key() for row in group_rows] for group_rows in rows]
    group_keys = [
        fragment_key("queue-group", GROUP_TEMPLATES, group_stamp(group), keys, QUEUE_VERSION)
        for group, keys in zip(queue.groups, row_keys, strict=True)
    ]

    def render_group(i: int) -> str:
        group_rows: Sequence[_Row] = rows[i]
        html = cached_fragments(row_keys[i], lambda j: group_rows[j].render())
        return render_to_string(GROUP_TEMPLATE, {"group": queue.groups[i], "rows": html})

    return cached_fragments(group_keys, render_group)


def rendered_ledgers(queue: Queue) -> SafeString:
    """The word budget of each chapter, above the queue: from the cache when every figure and
    heading is what it was, rendered (and kept) when one is not."""
    shown = [
        (chapter.id, chapter.title, astuple(queue.ledgers[chapter.id]))
        for chapter in queue.chapters
    ]
    key = fragment_key("queue-ledgers", LEDGERS_TEMPLATES, shown, QUEUE_VERSION)
    [html] = cached_fragments([key], lambda _: render_to_string(LEDGERS_TEMPLATE, {"queue": queue}))
    return html
