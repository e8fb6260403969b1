"""Tracked changes across several versions of a paragraph, each change kept with its author.

Given the text at an earlier moment and the versions that followed (each by an author at a
date), ``track_revisions`` produces the segments a tracked-changes document shows: text kept,
text deleted by whoever deleted it, text inserted by whoever inserted it. Text inserted and
then deleted again inside the window never existed at either end, so it disappears.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from textcore.diff import word_diff
from textcore.export.document import TrackedSegment


@dataclass(frozen=True)
class Revision:
    """One later version of the paragraph and who made it when."""

    text: str
    author: str
    date: datetime


def visible_text(segments: Sequence[TrackedSegment]) -> str:
    """The text the segments read as once every change is accepted."""
    return "".join(s.text for s in segments if s.op != -1)


def original_text(segments: Sequence[TrackedSegment]) -> str:
    """The text the segments read as once every change is rejected."""
    return "".join(s.text for s in segments if s.op != 1)


def track_revisions(base: str, revisions: Sequence[Revision]) -> list[TrackedSegment]:
    """Segments turning ``base`` into the last revision, each change attributed to its author."""
    segments: list[TrackedSegment] = [TrackedSegment(0, base)] if base else []
    for revision in revisions:
        segments = _apply(segments, word_diff(visible_text(segments), revision.text), revision)
    return _merge(segments)


def _apply(
    segments: list[TrackedSegment], ops: list[tuple[int, str]], revision: Revision
) -> list[TrackedSegment]:
    pending = deque(segments)
    result: list[TrackedSegment] = []

    def take_visible(length: int) -> list[TrackedSegment]:
        """Pop ``length`` characters of visible text, with the deleted segments among them."""
        taken: list[TrackedSegment] = []
        while length > 0:
            segment = pending.popleft()
            if segment.op == -1:
                taken.append(segment)
                continue
            if len(segment.text) > length:
                head, tail = segment.text[:length], segment.text[length:]
                pending.appendleft(TrackedSegment(segment.op, tail, segment.author, segment.date))
                segment = TrackedSegment(segment.op, head, segment.author, segment.date)
            taken.append(segment)
            length -= len(segment.text)
        return taken

    for op, text in ops:
        if op == 0:
            result.extend(take_visible(len(text)))
        elif op == -1:
            for segment in take_visible(len(text)):
                # Original text becomes a deletion by this author; text inserted earlier in
                # the window is simply gone, as it never existed at the earlier moment.
                if segment.op == 0:
                    result.append(TrackedSegment(-1, segment.text, revision.author, revision.date))
                elif segment.op == -1:
                    result.append(segment)
        else:
            result.append(TrackedSegment(1, text, revision.author, revision.date))
    result.extend(pending)
    return result


def _merge(segments: list[TrackedSegment]) -> list[TrackedSegment]:
    merged: list[TrackedSegment] = []
    for segment in segments:
        if not segment.text:
            continue
        previous = merged[-1] if merged else None
        if previous and (previous.op, previous.author, previous.date) == (
            segment.op,
            segment.author,
            segment.date,
        ):
            merged[-1] = TrackedSegment(
                segment.op, previous.text + segment.text, segment.author, segment.date
            )
        else:
            merged.append(segment)
    return merged
