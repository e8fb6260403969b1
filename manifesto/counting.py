"""Which paragraphs count against the word limits: the one rule, for Python and for queries.

Headings and body paragraphs always count; footnotes only when the Manifesto says so; the
editorial note never (it is not a paragraph). The importer, the guard's ledgers, the preview,
the history and the reports all ask here.
"""

from __future__ import annotations

from django.db.models import Q

from manifesto.models import Paragraph


def counts_against_limit(paragraph_kind: str, count_footnotes: bool) -> bool:
    """Headings and body paragraphs count; footnotes only when the Manifesto says so."""
    return paragraph_kind != Paragraph.Kind.FOOTNOTE or count_footnotes


def counted_kinds(count_footnotes: bool, prefix: str = "") -> Q:
    """``counts_against_limit`` as a query condition on the paragraph kind (``prefix`` reaches
    the paragraph from another model, e.g. "paragraph__")."""
    if count_footnotes:
        return Q()
    return ~Q(**{f"{prefix}kind": Paragraph.Kind.FOOTNOTE})


def counted_paragraphs(count_footnotes: bool, prefix: str = "") -> Q:
    """The paragraphs whose words count now: live ones of a counted kind."""
    return Q(**{f"{prefix}is_deleted": False}) & counted_kinds(count_footnotes, prefix)
