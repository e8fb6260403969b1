"""The congress pack: for a chapter or the whole Manifesto, at a milestone, the booklet for
delegates (PDF and DOCX) and the amendment list (XLSX).

One context function, ``booklet_of``, gathers what the booklet prints: the text at the moment
(manifesto.exports, numbered by the reference as the chapter page is) and the open amendments
in the desk's text order (amendments.filtering.TEXT_ORDER), each cited as the amendment page
cites it (amendments.citations), with the committee's recommendation and the proposer's
answer (``_recommendation_of``) and the voting list (``_voting_list_of``, amendments.voting)
once the chapter's recommendations are published: before that the booklet prints neither.

Which amendments: the open ones the editors still have to decide, pending and in conflict.
Those still collecting support are not before the congress; decided, withdrawn and fallen
ones are settled.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.db.models import QuerySet

from amendments.citations import amendment_citation
from amendments.export_service import ExportResult
from amendments.filtering import TEXT_ORDER
from amendments.list_export import xlsx_file
from amendments.listing import ListedAmendment
from amendments.models import Amendment, Recommendation, Support
from amendments.recommendations import (
    RECOMMENDATION_RELATED,
    recommendations_published,
    visible_recommendation,
)
from amendments.selectors import support_count
from amendments.voting import VotingItem, voting_list
from manifesto.exports import (
    NOW,
    TEXT_FORMATS,
    Format,
    Moment,
    export_document,
    filename,
    milestone_names,
)
from manifesto.models import AS_PUBLISHED, Chapter, Manifesto
from manifesto.selectors import body_numbers
from textcore.export.booklet import (
    Booklet,
    BookletAmendment,
    BookletRecommendation,
    VotingBlock,
    render_booklet_docx,
)
from textcore.export.booklet_pdf import render_booklet_pdf

PACK_FORMATS = {
    "booklet-pdf": Format("booklet-pdf", "Booklet (PDF)", "pdf", "application/pdf"),
    "booklet-docx": Format(
        "booklet-docx", "Booklet (Word)", "docx", TEXT_FORMATS["docx"].content_type
    ),
    "list-xlsx": Format(
        "list-xlsx",
        "Amendment list (Excel)",
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
}
PACK_STATUSES = Amendment.REVIEWABLE_STATUSES
SELECTION = (
    "The amendments in this pack are the open ones, pending or in conflict, in text order "
    "(chapter, paragraph, number). Amendments still collecting support, and those decided, "
    "withdrawn or fallen, are not in it."
)
# "Now" in the milestone choice: the text as it stands.
NOW_CHOICE = ""


def pack_milestones(chapters: Iterable[Chapter]) -> list[str]:
    """The milestones a pack can be made at, besides now: "As published", then the editors'
    milestones, oldest first (one query)."""
    return [AS_PUBLISHED, *milestone_names(chapters)]


def pack_moment(name: str, chapters: Sequence[Chapter]) -> Moment:
    """The moment of the milestone ``name`` ("" or "now": the text as it stands). Raises
    ValueError, naming the milestones there are, for a name none of ``chapters`` has."""
    wanted = name.strip()
    if wanted.lower() in (NOW_CHOICE, "now"):
        return NOW
    known = pack_milestones(chapters)
    for milestone in known:
        if milestone.casefold() == wanted.casefold():
            return Moment("milestone", name=milestone)
    shown = wanted if len(wanted) <= 60 else f"{wanted[:60]}…"
    raise ValueError(
        f"There is no milestone called “{shown}”. Choose now or one of: {', '.join(known)}."
    )


def open_amendments(chapters: Sequence[Chapter]) -> QuerySet[Amendment]:
    """The pack's amendments of ``chapters`` in text order, with their supporters counted,
    their author, chapter, paragraph and decider (one query)."""
    return (
        Amendment.objects.filter(chapter__in=list(chapters), status__in=PACK_STATUSES)
        .annotate(support_count=support_count())
        .select_related("author", "chapter", "paragraph", "decided_by")
        .select_related(*RECOMMENDATION_RELATED)
        .order_by(*TEXT_ORDER)
    )


def _supporter_names(chapters: Sequence[Chapter]) -> dict[int, list[str]]:
    """The names of each open amendment's supporters, in the order they came (one query)."""
    rows = (
        Support.objects.filter(
            amendment__chapter__in=list(chapters), amendment__status__in=PACK_STATUSES
        )
        .order_by("created_at", "id")
        .values_list("amendment_id", "user__display_name", "user__username")
    )
    names: dict[int, list[str]] = defaultdict(list)
    for amendment_id, display_name, username in rows:
        names[amendment_id].append(display_name or username)
    return names


def _shown_name(user: object) -> str:
    name, role = getattr(user, "public_name", ""), getattr(user, "role_label", "")
    return f"{name} ({role})" if role else str(name)


def _recommendation_of(amendment: Amendment) -> BookletRecommendation | None:
    """The committee's recommendation and the proposer's answer, once the chapter's
    recommendations are published (a draft is never printed: the booklet goes to delegates)."""
    shown = visible_recommendation(amendment, None)
    if shown is None:
        return None
    verdict = shown.get_kind_display()
    if shown.kind in Recommendation.TARGETED_KINDS and shown.target_id:
        verdict = f"{verdict}: #{shown.target_id}"
    elif shown.kind == Recommendation.Kind.REFER and shown.refer_to:
        verdict = f"{verdict} to {shown.refer_to}"
    if shown.contested:
        verdict += " (contested: the congress votes on it)"
    text = shown.modified_text if shown.kind == Recommendation.Kind.ACCEPT_MODIFIED else ""
    text = "\n".join(part for part in (text, shown.reason) if part)
    answer = ""
    if shown.answer == Recommendation.Answer.AGREED:
        answer = "The proposer agrees."
    elif shown.answer == Recommendation.Answer.DISAGREED:
        comment = shown.answer_comment
        answer = f"The proposer disagrees: {comment}" if comment else "The proposer disagrees."
    return BookletRecommendation(verdict, text, answer)


def _voting_list_of(chapters: Sequence[Chapter]) -> tuple[VotingBlock, ...] | None:
    """The voting lists of those of ``chapters`` whose recommendations are published, in text
    order (three queries a chapter); None when none is, and the booklet prints no list."""
    published = [chapter for chapter in chapters if recommendations_published(chapter)]
    if not published:
        return None
    blocks: list[VotingBlock] = []
    for chapter in published:
        listed = voting_list(chapter)
        prefix = f"{chapter.title}: " if len(chapters) > 1 else ""
        for block in listed.blocks:
            blocks.append(
                VotingBlock(
                    heading=f"{prefix}Block {len(blocks) + 1}, {block.items[0].place}",
                    items=tuple(_voting_line(item) for item in block.items),
                    consequence=" ".join(block.consequences),
                )
            )
        if listed.agreed:
            blocks.append(
                VotingBlock(
                    heading=f"{prefix}The committee's recommendations as agreed, in one vote",
                    items=tuple(_voting_line(item) for item in listed.agreed),
                )
            )
    return tuple(blocks)


def _voting_line(item: VotingItem) -> str:
    """One item of a voting block as printed: "#12 Nationalise the banks, ¶ 9, lines 123–125
    (the proposer disagreed …)"."""
    amendment = item.amendment
    return f"#{amendment.pk} {amendment.title}, {item.place} ({item.why})"


def _booklet_amendment(
    amendment: Amendment, label: str | None, width: int, supporters: list[str]
) -> BookletAmendment:
    in_conflict = amendment.status == Amendment.Status.CONFLICT
    # An amendment in conflict no longer fits today's text: the change as its author wrote it.
    old = amendment.written_base_text if in_conflict else amendment.base_text
    new = amendment.written_text if in_conflict else amendment.proposed_text
    if amendment.kind == Amendment.Kind.DELETE:
        new = ""
    note = ""
    if in_conflict:
        note = "In conflict: the text changed under this amendment since it was written. "
        note += amendment.conflict_reason
    return BookletAmendment(
        number=amendment.number,
        chapter_title=amendment.chapter.title,
        place=str(amendment_citation(amendment, label, width)),
        title=amendment.title,
        kind=amendment.get_kind_display(),
        status=amendment.get_status_display(),
        proposer=_shown_name(amendment.author),
        supporters=tuple(supporters),
        reason=amendment.reason,
        old_text=old,
        new_text=new,
        note=note.strip(),
        recommendation=_recommendation_of(amendment),
    )


def booklet_of(
    *,
    manifesto: Manifesto,
    chapters: Sequence[Chapter],
    moment: Moment,
    voting_list: tuple[VotingBlock, ...] | None = None,
) -> Booklet:
    """What the booklet of ``chapters`` at ``moment`` prints (the module docstring says
    which amendments); ``voting_list`` when given, else the desk's."""
    document = export_document(manifesto, chapters, moment, lines=True)
    labels = body_numbers(chapters)
    supporters = _supporter_names(chapters)
    width = manifesto.line_width
    amendments = tuple(
        _booklet_amendment(a, labels.get(a.paragraph_id), width, supporters.get(a.pk, []))
        for a in open_amendments(chapters)
    )
    if voting_list is None:
        voting_list = _voting_list_of(chapters)
    return Booklet(document, amendments, SELECTION, voting_list)


def pack_run(
    *,
    manifesto: Manifesto | None,
    chapters: Sequence[Chapter],
    fmt: str,
    moment: Moment,
) -> ExportResult:
    """The pack's file ``fmt`` (booklet-pdf, booklet-docx, list-xlsx) of ``chapters`` at
    ``moment``. Raises ValueError with a message for an unknown format or milestone."""
    if fmt not in PACK_FORMATS:
        raise ValueError(f"Unknown format “{fmt[:40]}”; choose one of {', '.join(PACK_FORMATS)}.")
    if manifesto is None or not chapters:
        raise ValueError("There is no chapter to make a pack of.")
    format_ = PACK_FORMATS[fmt]
    base = chapters[0].slug if len(chapters) == 1 else "manifesto"
    name = filename(base, moment, format_.extension, "-pack" if fmt != "list-xlsx" else "-list")
    if fmt == "list-xlsx":
        labels = body_numbers(chapters)
        width = manifesto.line_width
        rows = (
            ListedAmendment(a, str(amendment_citation(a, labels.get(a.paragraph_id), width)))
            for a in open_amendments(chapters)
        )
        return ExportResult(xlsx_file(rows).read(), name, format_.content_type)
    booklet = booklet_of(manifesto=manifesto, chapters=chapters, moment=moment)
    if fmt == "booklet-docx":
        return ExportResult(render_booklet_docx(booklet), name, format_.content_type)
    return ExportResult(render_booklet_pdf(booklet), name, format_.content_type)
