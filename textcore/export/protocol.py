"""The protocol of a congress as DOCX: each vote in the order it was taken, its result and
counts, what it did to the text, what fell with it, and the paragraph before and after.

The desk fills in a ``ProtocolDocument`` (amendments/congress.py); its HTML is a template, so
the same content prints from the browser and (after the merge) turns into PDF.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from textcore.export._common import clean_text, human_date
from textcore.export._docx_common import new_document, paragraph, to_bytes


@dataclass(frozen=True)
class ProtocolEntry:
    """One vote of the congress."""

    number: int
    title: str
    kind: str
    place: str  # "¶ 9, lines 123–125"
    result: str  # "Carried" / "Lost"
    counts: str  # "120 for, 30 against, 5 abstaining" or "majority by show of hands"
    outcome: str
    refusal: str  # why a carried vote was not applied ("" otherwise)
    note: str
    recorded_at: datetime
    text_before: str
    text_after: str
    change_html: str = ""  # the change as a word diff (safe HTML), for the HTML protocol
    fallen: list[str] = field(default_factory=list)  # "#14 A title"


@dataclass(frozen=True)
class ProtocolDocument:
    title: str
    chapter_title: str
    generated_at: datetime
    entries: list[ProtocolEntry]


def render_protocol_docx(document: ProtocolDocument) -> bytes:
    """The protocol as a Word document."""
    docx = new_document(
        title=document.title, created=document.generated_at, subject=document.chapter_title
    )
    paragraph(docx, "Title", document.title)
    paragraph(docx, "Normal", f"Made on {human_date(document.generated_at)}.")
    if not document.entries:
        paragraph(docx, "Normal", "No vote has been recorded.")
    for index, entry in enumerate(document.entries, start=1):
        paragraph(docx, "Heading 1", f"Vote {index}: #{entry.number} {entry.title}")
        facts = [
            ("Where", f"{entry.place} ({entry.kind.lower()})"),
            ("Result", f"{entry.result}: {entry.counts}"),
            ("Outcome", entry.outcome),
            ("Recorded", human_date(entry.recorded_at)),
        ]
        if entry.refusal:
            facts.append(("Not applied because", entry.refusal))
        if entry.fallen:
            facts.append(("Fell with it", "; ".join(entry.fallen)))
        if entry.note:
            facts.append(("Note", entry.note))
        for label, value in facts:
            line = paragraph(docx, "Normal")
            line.add_run(f"{label}: ").bold = True
            line.add_run(clean_text(value))
        paragraph(docx, "Heading 2", "Text before")
        paragraph(docx, "Normal", entry.text_before or "(none)")
        paragraph(docx, "Heading 2", "Text after")
        paragraph(docx, "Normal", entry.text_after or "(none)")
    return to_bytes(docx)
