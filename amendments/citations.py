"""Where an amendment points, in the reference numbering: "¶ 9, lines 123–125".

The numbers are the chapter's reference numbering (manifesto.reference); the changed
characters are those of the amendment's base text that its proposed text changes. A deletion
cites the paragraph's reference lines, an insertion the line it comes after. No queries: the
caller passes the ¶ label (manifesto.selectors.body_numbers) and the line width.
"""

from __future__ import annotations

from amendments.models import Amendment
from manifesto.reference import citation_of, paragraph_citation
from textcore.reference import Citation, changed_range


def amendment_citation(amendment: Amendment, label: str | None, width: int) -> Citation:
    """Where ``amendment`` changes the text, in the chapter's reference numbering now."""
    paragraph = amendment.paragraph
    whole = paragraph_citation(paragraph, label)
    if amendment.kind == Amendment.Kind.INSERT:
        return Citation(whole.place, whole.last, whole.last, after=True)
    if amendment.kind == Amendment.Kind.DELETE:
        return whole
    # The text it makes: the editors' wording once accepted with changes.
    start, end = changed_range(amendment.base_text, amendment.result_text)
    return citation_of(paragraph, label, width, amendment.base_text, start, end)


def cited_otherwise(amendment: Amendment, citation: Citation) -> bool:
    """Whether the citation the amendment was proposed with says something else than
    ``citation`` says now (the reference moved, or the text moved under it), so its page shows
    both."""
    return bool(amendment.cited_as) and (
        amendment.cited_reference_id != amendment.chapter.reference_milestone_id
        or amendment.cited_as != str(citation)
    )


def citation_record(amendment: Amendment, label: str | None, width: int) -> None:
    """Record on ``amendment`` where it points now, against the chapter's current reference
    (set when it is proposed or edited by its author; kept when the reference moves)."""
    citation = amendment_citation(amendment, label, width)
    amendment.cited_reference_id = amendment.chapter.reference_milestone_id
    amendment.cited_label = citation.where[:20]
    amendment.cited_first_line = citation.first
    amendment.cited_last_line = citation.last


def amendment_place(amendment: Amendment, label: str | None) -> str:
    """Where ``amendment`` points, for lists and downloads, without diffing its text: the
    citation it was proposed with when that is in the chapter's present reference (accepted
    changes do not move it), its paragraph's otherwise."""
    if (
        amendment.cited_first_line is not None
        and amendment.cited_reference_id == amendment.chapter.reference_milestone_id
    ):
        return amendment.cited_as
    return str(paragraph_citation(amendment.paragraph, label))
