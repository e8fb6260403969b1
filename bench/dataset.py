"""A deterministic, Manifesto-scale data set for the benchmarks and the load test.

Twelve chapters imported from the seed chapter (about 5,100 counted words each), 2,000 members,
10,000 amendments (8,000 pending, piled unevenly: a few paragraphs carry 150 each), 50,000
comments and 30,000 supports. Rows are written with ``bulk_create`` (history through
simple_history's bulk helpers), but each one holds what the services would have written:
``base_version`` is the paragraph version the change applies to, ``base_text`` its text,
``word_delta`` comes from the service's own function, accepted amendments wrote the paragraph's
next version, carried-forward ones were rebased with the real rebase, and conflicts carry the
rebase's collisions. The same seed always gives the same text, authors and numbers; only the
timestamps move with the day the data set is built.
"""

from __future__ import annotations

import bisect
import random
import re
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SEED_TEXT = ROOT / "fixtures" / "socialism-and-the-soviet-union.txt"
SEED = 1917
BENCH_PASSWORD = "bench-password-not-secret"
MEMBER_PREFIX = "member"
EDITOR_PREFIX = "editor"


@dataclass(frozen=True)
class Scale:
    """How much of everything one step of the build adds."""

    amendments: int
    pending: int
    comments: int
    supports: int
    busy_paragraphs: int = 0
    busy_pending: int = 150


CHAPTERS = 12
MEMBERS = 2_000
EDITORS = 8
# The first step is the small data set the query counts are compared against; the second
# brings the totals to 10,000 amendments (8,000 pending), 50,000 comments, 30,000 supports.
SMALL = Scale(amendments=10, pending=8, comments=50, supports=30)
FULL_TOTAL = Scale(amendments=10_000, pending=8_000, comments=50_000, supports=30_000)


def remainder(total: Scale, done: Scale, *, busy_paragraphs: int = 4) -> Scale:
    """The step that takes a data set built with ``done`` up to ``total``."""
    return Scale(
        amendments=total.amendments - done.amendments,
        pending=total.pending - done.pending,
        comments=total.comments - done.comments,
        supports=total.supports - done.supports,
        busy_paragraphs=busy_paragraphs,
        busy_pending=total.busy_pending,
    )


# Share of each status among the amendments that are not pending.
DECIDED_MIX = (
    ("accepted", 25),
    ("accepted_changed", 5),
    ("rejected", 35),
    ("withdrawn", 15),
    ("duplicate", 5),
    ("obsolete", 5),
    ("conflict", 10),
)
REWRITE_SHARE = 0.05  # replacements that rewrite the whole paragraph
MAX_PILE = 120  # pending amendments on any paragraph other than the busy ones


@dataclass
class _Version:
    history_id: int
    date: datetime
    text: str
    by: int | None = None  # the accepted amendment that wrote it


@dataclass
class World:
    """What the build has written so far, and what the benchmarks look up afterwards."""

    rng: random.Random
    now: datetime
    start: datetime
    editor_ids: list[int] = field(default_factory=list)
    editors: dict[int, Any] = field(default_factory=dict)
    member_ids: list[int] = field(default_factory=list)
    versions: dict[int, list[_Version]] = field(default_factory=dict)
    paragraph_kind: dict[int, str] = field(default_factory=dict)
    paragraph_chapter: dict[int, int] = field(default_factory=dict)
    manifesto_id: int = 0
    paragraph_weight: dict[int, float] = field(default_factory=dict)
    amended: set[int] = field(default_factory=set)
    busy: list[int] = field(default_factory=list)
    author_weights: list[float] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))


# --- text ----------------------------------------------------------------------------------


class _Prose:
    """Sentences and words of the seed chapter, for edits that read like the Manifesto."""

    def __init__(self, paragraphs: list[str]) -> None:
        self.sentences = sorted(
            {
                s.strip()
                for p in paragraphs
                for s in re.split(r"(?<=[.!?])\s+", p)
                if 4 <= len(s.split()) <= 40
            }
        )
        self.words = sorted(
            {w for p in paragraphs for w in p.split() if w.isalpha() and len(w) > 3}
        )

    def sentence(self, rng: random.Random) -> str:
        return rng.choice(self.sentences)

    def passage(self, rng: random.Random, words: int) -> str:
        out: list[str] = []
        while sum(len(s.split()) for s in out) < words:
            out.append(self.sentence(rng))
        return " ".join(out)


def _small_edit(text: str, prose: _Prose, rng: random.Random) -> str:
    words = text.split()
    if not words:
        return prose.sentence(rng)
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        action = rng.random()
        if action < 0.45 or len(words) < 6:
            candidates = [i for i, w in enumerate(words) if w.isalpha() and len(w) > 3]
            index = rng.choice(candidates) if candidates else rng.randrange(len(words))
            words[index] = rng.choice(prose.words)
        elif action < 0.75:
            ends = [i + 1 for i, w in enumerate(words) if w.endswith(".")] or [len(words)]
            at = rng.choice(ends)
            words[at:at] = prose.sentence(rng).split()
        else:
            size = rng.randint(2, min(8, len(words) - 3))
            at = rng.randrange(0, len(words) - size)
            del words[at : at + size]
    return " ".join(words)


def _rewrite(text: str, prose: _Prose, rng: random.Random) -> str:
    return prose.passage(rng, max(8, len(text.split())))


def _edit(text: str, prose: _Prose, rng: random.Random, *, rewrite: bool = False) -> str:
    from amendments.rules import normalise_text

    for _ in range(20):
        new = _rewrite(text, prose, rng) if rewrite else _small_edit(text, prose, rng)
        if normalise_text(new) and normalise_text(new) != normalise_text(text):
            return new
    return text + " " + prose.sentence(rng)


# --- building ------------------------------------------------------------------------------


def build_base(*, chapters: int = CHAPTERS, members: int = MEMBERS, seed: int = SEED) -> World:
    """Import the chapters and create the members and editors; returns the build's state."""
    import time_machine
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from accounts.models import User
    from manifesto.models import Chapter
    from manifesto.services import chapter_import

    rng = random.Random(seed)
    now = timezone.now()
    world = World(rng=rng, now=now, start=now - timedelta(days=120))
    seed_text = SEED_TEXT.read_text(encoding="utf-8")
    title = seed_text.split("\n", 1)[0]
    with time_machine.travel(world.start, tick=False):
        for number in range(1, chapters + 1):
            text = seed_text.replace(title, f"{title} ({number})", 1)
            chapter_import(data=text.encode(), slug=f"chapter-{number:02d}")
    for chapter in Chapter.objects.all():
        world.manifesto_id = chapter.manifesto_id
        # Room for the accepted amendments the data set adds, so the guard refuses none.
        chapter.limit_tolerance_percent = 25
        chapter._change_reason = "bench: limit with room"
        chapter.save()

    password = make_password(BENCH_PASSWORD)
    users = [
        User(
            username=f"{EDITOR_PREFIX}{index:02d}",
            display_name=f"Editor {index}",
            email=f"{EDITOR_PREFIX}{index:02d}@example.org",
            role=User.Role.EDITOR,
            password=password,
            date_joined=world.start,
        )
        for index in range(1, EDITORS + 1)
    ] + [
        User(
            username=f"{MEMBER_PREFIX}{index:04d}",
            display_name=f"Member {index}",
            email=f"{MEMBER_PREFIX}{index:04d}@example.org",
            password=password,
            date_joined=world.start,
        )
        for index in range(1, members + 1)
    ]
    created = User.objects.bulk_create(users, batch_size=1000)
    world.editors = {u.pk: u for u in created if u.role == User.Role.EDITOR}
    world.editor_ids = sorted(world.editors)
    world.member_ids = [u.pk for u in created if u.role == User.Role.MEMBER]
    _load_paragraphs(world)
    return world


def _load_paragraphs(world: World) -> None:
    from manifesto.models import Paragraph

    rows = Paragraph.objects.order_by("chapter_id", "position").values_list(
        "id", "chapter_id", "kind", "text"
    )
    ranked = list(rows)
    order = list(range(len(ranked)))
    world.rng.shuffle(order)
    for rank, index in enumerate(order):
        pk, chapter_id, kind, _ = ranked[index]
        factor = {"body": 1.0, "heading": 0.25, "footnote": 0.1}[kind]
        world.paragraph_weight[pk] = factor / (rank + 1) ** 0.8
        world.paragraph_kind[pk] = kind
        world.paragraph_chapter[pk] = chapter_id
    for history_id, pk, date, text in Paragraph.history.order_by(
        "history_date", "history_id"
    ).values_list("history_id", "id", "history_date", "text"):
        world.versions.setdefault(pk, []).append(_Version(history_id, date, text))


def _version_at(world: World, paragraph_id: int, moment: datetime) -> _Version:
    versions = world.versions[paragraph_id]
    dates = [v.date for v in versions]
    return versions[max(0, bisect.bisect_right(dates, moment) - 1)]


def _between(world: World, low: datetime, high: datetime) -> datetime:
    span = max(1.0, (high - low).total_seconds())
    return low + timedelta(seconds=world.rng.uniform(0, span))


def _author(world: World) -> int:
    # A few members write many amendments, most write one or two, as on any real desk.
    if not world.author_weights:
        world.author_weights = [1 / (rank + 1) ** 0.7 for rank in range(len(world.member_ids))]
    return world.rng.choices(world.member_ids, world.author_weights)[0]


def _title(world: World, kind: str, number: int) -> str:
    verbs = {"replace": "Reword", "delete": "Delete", "insert": "Add"}
    topics = ("the opening", "the claim", "the example", "the dates", "the argument", "a phrase")
    return f"{verbs[kind]} {world.rng.choice(topics)} (#{number})"


def add_amendments(world: World, scale: Scale) -> dict[str, int]:
    """Add one step of amendments, supports and comments to the data set."""
    from django.db import transaction

    prose = _Prose([v[0].text for v in world.versions.values() if v])
    with transaction.atomic():
        accepted = _add_accepted(world, scale, prose)
        decided = _add_decided(world, scale, prose, accepted)
        pending = _add_pending(world, scale, prose)
        amendments = accepted + decided + pending
        _add_supports(world, scale, amendments)
        _add_comments(world, scale, amendments, prose)
    return dict(world.counts)


def _decided_counts(scale: Scale) -> dict[str, int]:
    decided = scale.amendments - scale.pending
    weights = dict(DECIDED_MIX)
    total = sum(weights.values())
    counts = {status: decided * share // total for status, share in weights.items()}
    counts["rejected"] += decided - sum(counts.values())
    return counts


def _new_amendment(world: World, **fields: Any) -> Any:
    from amendments.models import Amendment

    amendment = Amendment(**fields)
    amendment._change_reason = "proposed"
    amendment._history_date = fields["created_at"]
    amendment._history_user = None
    return amendment


def _fields(
    world: World,
    paragraph_id: int,
    version: _Version,
    kind: str,
    proposed: str,
    created: datetime,
    number: int,
) -> dict[str, Any]:
    from amendments.rules import (
        change_spans_of,
        diff_ops_of,
        proposed_paragraph_text,
        word_delta_of,
    )

    base = "" if kind == "insert" else version.text
    text = proposed_paragraph_text(kind=kind, base_text=version.text, text=proposed)
    return {
        "chapter_id": world.paragraph_chapter[paragraph_id],
        "paragraph_id": paragraph_id,
        "kind": kind,
        "insert_kind": ("heading" if world.rng.random() < 0.1 else "body")
        if kind == "insert"
        else "",
        "title": _title(world, kind, number),
        "proposed_text": text,
        "reason": "Clearer for readers who meet the argument for the first time.",
        "author_id": _author(world),
        "base_version_id": version.history_id,
        "base_text": base,
        "written_base_text": base,
        "written_text": text,
        "word_delta": word_delta_of(kind=kind, base_text=base, proposed_text=text),
        "change_spans": change_spans_of(kind=kind, base_text=base, proposed_text=text),
        "diff_ops": diff_ops_of(base_text=base, proposed_text=text),
        "created_at": created,
        "updated_at": created,
    }


def _accept_targets(world: World, count: int) -> list[int]:
    candidates = [
        pk
        for pk, kind in world.paragraph_kind.items()
        if kind == "body" and pk not in world.busy and pk not in world.amended
    ]
    candidates.sort()
    # Some paragraphs were changed two or three times.
    picks = world.rng.sample(candidates, min(len(candidates), count))
    while len(picks) < count:
        picks.append(world.rng.choice(picks))
    return picks


def _add_accepted(world: World, scale: Scale, prose: _Prose) -> list[Any]:
    """Accepted amendments, each writing its paragraph's next version, in date order."""
    from simple_history.utils import bulk_create_with_history, bulk_update_with_history

    from amendments.models import Amendment, Decision
    from manifesto.models import Paragraph

    counts = _decided_counts(scale)
    total = counts["accepted"] + counts["accepted_changed"]
    with_changes = set(world.rng.sample(range(total), counts["accepted_changed"]))
    targets = _accept_targets(world, total)
    rounds: list[list[tuple[int, int]]] = []
    seen: dict[int, int] = defaultdict(int)
    for index, pk in enumerate(targets):
        level = seen[pk]
        seen[pk] += 1
        while len(rounds) <= level:
            rounds.append([])
        rounds[level].append((index, pk))
    made: list[Any] = []
    span_end = world.now - timedelta(days=14)
    for level, items in enumerate(rounds):
        # Round n's acceptances all come after round n-1's.
        low = world.start + (span_end - world.start) * level / len(rounds)
        high = world.start + (span_end - world.start) * (level + 1) / len(rounds)
        batch: list[Any] = []
        for index, pk in items:
            version = world.versions[pk][-1]
            moment = _between(world, max(low, version.date + timedelta(hours=1)), high)
            created = _between(world, version.date, moment)
            number = world.counts["amendments"] + len(made) + len(batch) + 1
            proposed = _edit(version.text, prose, world.rng)
            row = _fields(world, pk, version, "replace", proposed, created, number)
            editor = world.rng.choice(world.editor_ids)
            row.update(decided_by_id=editor, decided_at=moment, updated_at=moment)
            if index in with_changes:
                row["status"] = Amendment.Status.ACCEPTED_WITH_CHANGES
                row["editor_text"] = _edit(row["proposed_text"], prose, world.rng)
            else:
                row["status"] = Amendment.Status.ACCEPTED
            batch.append(_new_amendment(world, **row))
        created_rows = bulk_create_with_history(batch, Amendment, batch_size=500)
        _history_of_decision(created_rows, "accepted")
        paragraphs = Paragraph.objects.in_bulk([a.paragraph_id for a in created_rows])
        changed = []
        decisions = []
        for amendment in created_rows:
            paragraph = paragraphs[amendment.paragraph_id]
            words_before = paragraph.word_count
            paragraph.text = amendment.result_text
            _count(paragraph)
            label = f"amendment #{amendment.pk} accepted" + (
                " with changes" if amendment.editor_text else ""
            )
            paragraph._change_reason = label
            paragraph._history_date = amendment.decided_at
            paragraph._history_user = world.editors[amendment.decided_by_id]
            changed.append(paragraph)
            decisions.append(
                Decision(
                    manifesto_id=world.manifesto_id,
                    chapter_id=amendment.chapter_id,
                    amendment=amendment,
                    paragraph_id=amendment.paragraph_id,
                    actor_id=amendment.decided_by_id,
                    action=(
                        Decision.Action.ACCEPTED_WITH_CHANGES
                        if amendment.editor_text
                        else Decision.Action.ACCEPTED
                    ),
                    words_before=words_before,
                    words_after=paragraph.word_count,
                    created_at=amendment.decided_at,
                )
            )
        bulk_update_with_history(changed, Paragraph, ["text", "word_count"], batch_size=500)
        history = Paragraph.history.filter(id__in=[p.pk for p in changed]).order_by(
            "id", "-history_date", "-history_id"
        )
        latest: dict[int, Any] = {}
        for row in history:
            latest.setdefault(row.id, row)
        for decision, amendment in zip(decisions, created_rows, strict=True):
            # Each round changes a paragraph once: the decision made its newest version.
            decision.paragraph_version_id = latest[amendment.paragraph_id].history_id
        Decision.objects.bulk_create(decisions, batch_size=1000)
        by_paragraph = {a.paragraph_id: a for a in created_rows}
        for pk, row in latest.items():
            world.versions[pk].append(
                _Version(row.history_id, row.history_date, row.text, by_paragraph[pk].pk)
            )
        made.extend(created_rows)
        world.amended.update(by_paragraph)
    world.counts["amendments"] += len(made)
    world.counts["accepted"] += len(made)
    return made


def _count(paragraph: Any) -> None:
    from textcore.words import count_words

    paragraph.word_count = count_words(paragraph.text)


def _history_of_decision(amendments: list[Any], reason: str) -> None:
    """The second history row of a decided amendment, dated when it was decided."""
    from amendments.models import Amendment

    for amendment in amendments:
        amendment._change_reason = reason
        amendment._history_date = amendment.decided_at or amendment.updated_at
        amendment._history_user = None
    Amendment.history.bulk_history_create(amendments, update=True, batch_size=500)


def _add_decided(world: World, scale: Scale, prose: _Prose, accepted: list[Any]) -> list[Any]:
    """Rejected, withdrawn, duplicate, obsolete and in-conflict amendments."""
    from simple_history.utils import bulk_create_with_history

    from amendments.models import Amendment, Decision
    from textcore.rebase import rebase

    counts = _decided_counts(scale)
    paragraphs = sorted(world.paragraph_weight)
    weights = [world.paragraph_weight[pk] for pk in paragraphs]
    changed_later = sorted(pk for pk, v in world.versions.items() if len(v) > 1)
    rows: list[Any] = []
    for status in ("rejected", "withdrawn", "obsolete", "conflict"):
        for _ in range(counts[status]):
            number = world.counts["amendments"] + len(rows) + 1
            if status == "conflict" and changed_later:
                row = _conflicting(world, prose, world.rng.choice(changed_later), number, rebase)
                if row is not None:
                    rows.append(row)
                    continue
            pk = world.rng.choices(paragraphs, weights)[0]
            if pk in world.busy:
                pk = world.rng.choice(paragraphs)
            version = world.versions[pk][-1]
            created = _between(world, version.date, world.now - timedelta(days=2))
            kind = "replace" if world.paragraph_kind[pk] == "footnote" else _kind(world)
            row = _fields(
                world, pk, version, kind, _text_for(kind, version, prose, world), created, number
            )
            decided = _between(world, created, world.now - timedelta(hours=6))
            if status == "rejected":
                row.update(
                    status=Amendment.Status.REJECTED,
                    decided_by_id=world.rng.choice(world.editor_ids),
                    decided_at=decided,
                    decision_reason="It weakens the argument of the section.",
                    updated_at=decided,
                )
            elif status == "withdrawn":
                row.update(status=Amendment.Status.WITHDRAWN, updated_at=decided)
            elif status == "obsolete":
                row.update(
                    status=Amendment.Status.OBSOLETE,
                    conflict_reason="Its change is already in the text.",
                    updated_at=decided,
                )
            else:
                # No paragraph has changed yet (the small data set): it was rejected instead.
                row.update(
                    status=Amendment.Status.REJECTED,
                    decided_by_id=world.rng.choice(world.editor_ids),
                    decided_at=decided,
                    decision_reason="Superseded by the editors' own wording.",
                    updated_at=decided,
                )
            rows.append(_new_amendment(world, **row))
    created_rows = bulk_create_with_history(rows, Amendment, batch_size=500)
    _history_of_decision(
        [a for a in created_rows if a.status != Amendment.Status.PENDING], "decided"
    )
    # Duplicates point at an amendment of the same chapter made before them.
    by_chapter: dict[int, list[Any]] = defaultdict(list)
    for amendment in accepted + created_rows:
        by_chapter[amendment.chapter_id].append(amendment)
    duplicates: list[Any] = []
    for _ in range(counts["duplicate"]):
        original = world.rng.choice(accepted + created_rows)
        version = _version_at(world, original.paragraph_id, original.created_at)
        created = _between(world, original.created_at, world.now - timedelta(days=1))
        number = world.counts["amendments"] + len(created_rows) + len(duplicates) + 1
        row = _fields(
            world,
            original.paragraph_id,
            version,
            original.kind,
            original.written_text,
            created,
            number,
        )
        decided = _between(world, created, world.now)
        row.update(
            status=Amendment.Status.DUPLICATE,
            duplicate_of_id=original.pk,
            decided_by_id=world.rng.choice(world.editor_ids),
            decided_at=decided,
            decision_reason=f"Duplicate of #{original.pk}.",
            updated_at=decided,
        )
        duplicates.append(_new_amendment(world, **row))
    duplicates = bulk_create_with_history(duplicates, Amendment, batch_size=500)
    _history_of_decision(duplicates, "duplicate")
    made = created_rows + duplicates
    actions = {
        Amendment.Status.REJECTED: Decision.Action.REJECTED,
        Amendment.Status.DUPLICATE: Decision.Action.DUPLICATE,
        Amendment.Status.OBSOLETE: Decision.Action.OBSOLETE,
        Amendment.Status.CONFLICT: Decision.Action.CONFLICT,
    }
    Decision.objects.bulk_create(
        [
            Decision(
                manifesto_id=world.manifesto_id,
                chapter_id=a.chapter_id,
                amendment=a,
                paragraph_id=a.paragraph_id,
                actor_id=a.decided_by_id,
                action=actions[a.status],
                reason=a.decision_reason or a.conflict_reason,
                created_at=a.updated_at,
            )
            for a in made
            if a.status in actions
        ],
        batch_size=1000,
    )
    world.counts["amendments"] += len(made)
    for amendment in made:
        world.counts[str(amendment.status)] += 1
    return made


def _kind(world: World) -> str:
    roll = world.rng.random()
    return "delete" if roll < 0.04 else "insert" if roll < 0.15 else "replace"


def _text_for(kind: str, version: _Version, prose: _Prose, world: World) -> str:
    if kind == "delete":
        return ""
    if kind == "insert":
        return prose.passage(world.rng, world.rng.randint(10, 60))
    return _edit(version.text, prose, world.rng, rewrite=world.rng.random() < REWRITE_SHARE)


def _conflicting(world: World, prose: _Prose, pk: int, number: int, rebase: Any) -> Any:
    """An amendment written before the paragraph's last change, which no longer applies."""
    from amendments.models import Amendment

    versions = world.versions[pk]
    old, new = versions[-2], versions[-1]
    for _ in range(10):
        written = _edit(old.text, prose, world.rng, rewrite=world.rng.random() < 0.3)
        row = _fields(
            world, pk, old, "replace", written, _between(world, old.date, new.date), number
        )
        outcome = rebase(row["base_text"], row["proposed_text"], new.text)
        if not outcome.clean:
            row.update(
                status=Amendment.Status.CONFLICT,
                base_version_id=old.history_id,
                conflict_reason=(
                    f"The paragraph was changed by amendment #{new.by} in the same place this "
                    "amendment changes, so it can no longer be applied as written."
                ),
                conflict_collisions=[asdict(c) for c in outcome.collisions],
                conflict_with_id=new.by,
                updated_at=new.date,
            )
            return _new_amendment(world, **row)
    return None


def _pile_sizes(world: World, count: int) -> dict[int, int]:
    """How many pending amendments each paragraph gets: a long tail, capped below the busy."""
    paragraphs = sorted(pk for pk in world.paragraph_weight if pk not in world.busy)
    weights = [world.paragraph_weight[pk] for pk in paragraphs]
    sizes: dict[int, int] = defaultdict(int)
    for pk in world.rng.choices(paragraphs, weights, k=count):
        while sizes[pk] >= MAX_PILE:
            pk = world.rng.choice(paragraphs)
        sizes[pk] += 1
    return sizes


def _add_pending(world: World, scale: Scale, prose: _Prose) -> list[Any]:
    """Pending amendments, against each paragraph's newest version (some carried onto it)."""
    from simple_history.utils import bulk_create_with_history

    from amendments.models import Amendment, Decision
    from textcore.rebase import rebase

    body = sorted(
        (pk for pk, kind in world.paragraph_kind.items() if kind == "body"),
        key=lambda pk: (-len(world.versions[pk][-1].text), pk),
    )
    fresh_busy = [pk for pk in body if pk not in world.amended and pk not in world.busy]
    chapters_taken = {world.paragraph_chapter[pk] for pk in world.busy}
    for pk in fresh_busy:
        if len(world.busy) >= scale.busy_paragraphs:
            break
        if world.paragraph_chapter[pk] not in chapters_taken:
            world.busy.append(pk)
            chapters_taken.add(world.paragraph_chapter[pk])
    busy_now = world.busy[-scale.busy_paragraphs :] if scale.busy_paragraphs else []
    sizes = {pk: scale.busy_pending for pk in busy_now}
    sizes.update(_pile_sizes(world, scale.pending - sum(sizes.values())))
    rows: list[Any] = []
    carried: list[Any] = []
    for pk in sorted(sizes):
        versions = world.versions[pk]
        for _ in range(sizes[pk]):
            number = world.counts["amendments"] + len(rows) + 1
            version = versions[-1]
            only_replace = pk in busy_now or world.paragraph_kind[pk] == "footnote"
            kind = "replace" if only_replace else _kind(world)
            created = _between(world, version.date, world.now - timedelta(minutes=5))
            if kind == "replace" and len(versions) > 1 and world.rng.random() < 0.3:
                row = _carried(world, prose, pk, number, rebase)
                if row is not None:
                    rows.append(row)
                    carried.append(row)
                    continue
            text = _text_for(kind, version, prose, world)
            row = _fields(world, pk, version, kind, text, created, number)
            rows.append(_new_amendment(world, **row))
            world.amended.add(pk)
    made = bulk_create_with_history(rows, Amendment, batch_size=500)
    carried_rows = [a for a in made if a.carried_forward_at is not None]
    _history_of_carry(carried_rows)
    Decision.objects.bulk_create(
        [
            Decision(
                manifesto_id=world.manifesto_id,
                chapter_id=a.chapter_id,
                amendment=a,
                paragraph_id=a.paragraph_id,
                action=Decision.Action.CARRIED_FORWARD,
                reason=(
                    f"Rebased onto the text produced by amendment #{a.carried_forward_by_id}; "
                    "the author's change applies unchanged."
                ),
                created_at=a.carried_forward_at,
            )
            for a in carried_rows
        ],
        batch_size=1000,
    )
    world.counts["amendments"] += len(made)
    world.counts["pending"] += len(made)
    world.counts["carried_forward"] += len(carried_rows)
    return made


def _carried(world: World, prose: _Prose, pk: int, number: int, rebase: Any) -> Any:
    """A replacement written before the paragraph's last change and carried onto it."""
    versions = world.versions[pk]
    old, new = versions[-2], versions[-1]
    written = _edit(old.text, prose, world.rng)
    row = _fields(world, pk, old, "replace", written, _between(world, old.date, new.date), number)
    outcome = rebase(row["base_text"], row["proposed_text"], new.text)
    if not outcome.clean or outcome.text in (None, new.text):
        return None
    from amendments.rules import change_spans_of, diff_ops_of, word_delta_of

    row.update(
        base_version_id=new.history_id,
        base_text=new.text,
        proposed_text=outcome.text,
        word_delta=word_delta_of(kind="replace", base_text=new.text, proposed_text=outcome.text),
        change_spans=change_spans_of(
            kind="replace", base_text=new.text, proposed_text=outcome.text
        ),
        diff_ops=diff_ops_of(base_text=new.text, proposed_text=outcome.text),
        carried_forward_at=new.date,
        carried_forward_by_id=new.by,
    )
    world.amended.add(pk)
    return _new_amendment(world, **row)


def _history_of_carry(amendments: list[Any]) -> None:
    from amendments.models import Amendment

    for amendment in amendments:
        amendment._change_reason = (
            f"carried forward after amendment #{amendment.carried_forward_by_id}"
        )
        amendment._history_date = amendment.carried_forward_at
        amendment._history_user = None
    Amendment.history.bulk_history_create(amendments, update=True, batch_size=500)


def _popular(world: World, items: list[Any], count: int, skew: float = 0.6) -> list[Any]:
    """``count`` picks among ``items``: a few popular ones, a long tail of the rest."""
    ranked = sorted(items, key=lambda a: a.pk)
    order = list(range(len(ranked)))
    world.rng.shuffle(order)
    weights = [0.0] * len(ranked)
    for rank, index in enumerate(order):
        weights[index] = 1 / (rank + 1) ** skew
    return world.rng.choices(ranked, weights, k=count)


def _add_supports(world: World, scale: Scale, amendments: list[Any]) -> None:
    from amendments.models import Support

    taken: set[tuple[int, int]] = set()
    supports: list[Any] = []
    for amendment in _popular(world, amendments, scale.supports * 3):
        if len(supports) == scale.supports:
            break
        user = world.rng.choice(world.member_ids)
        if user == amendment.author_id or (amendment.pk, user) in taken:
            continue
        taken.add((amendment.pk, user))
        open_until = world.now if amendment.is_open else amendment.updated_at
        supports.append(
            Support(
                amendment_id=amendment.pk,
                user_id=user,
                created_at=_between(world, amendment.created_at, open_until),
            )
        )
    Support.objects.bulk_create(supports, batch_size=2000)
    world.counts["supports"] += len(supports)


def _add_comments(world: World, scale: Scale, amendments: list[Any], prose: _Prose) -> None:
    """Comments: most on amendments, some on paragraphs; roots, replies, replies to replies."""
    from simple_history.utils import bulk_create_with_history

    from amendments.models import Comment

    paragraphs = sorted(world.paragraph_weight)
    # Discussion spreads more evenly than amendments do.
    weights = [world.paragraph_weight[pk] ** 0.6 for pk in paragraphs]
    on_amendments = _popular(world, amendments, scale.comments) if amendments else []
    roots_wanted = scale.comments * 65 // 100
    replies_wanted = scale.comments * 25 // 100
    deeper_wanted = scale.comments - roots_wanted - replies_wanted

    def comment(target: dict[str, Any], after: datetime, parent: Any = None) -> Any:
        created = _between(world, after, world.now)
        roll = world.rng.random()
        item = Comment(
            author_id=world.rng.choice(world.member_ids),
            body=" ".join(prose.sentence(world.rng) for _ in range(world.rng.randint(1, 3))),
            created_at=created,
            parent=parent,
            is_deleted=roll < 0.01,
            hidden_by_id=world.rng.choice(world.editor_ids) if 0.01 <= roll < 0.015 else None,
            hidden_reason="Personal remarks." if 0.01 <= roll < 0.015 else "",
            **target,
        )
        item._change_reason = "posted"
        item._history_date = created
        return item

    roots = []
    for index in range(roots_wanted):
        if index % 10 < 7 and on_amendments:
            amendment = on_amendments[index]
            roots.append(comment({"amendment_id": amendment.pk}, amendment.created_at))
        else:
            pk = world.rng.choices(paragraphs, weights)[0]
            roots.append(comment({"paragraph_id": pk}, world.start))
    roots = bulk_create_with_history(roots, Comment, batch_size=1000)
    replies = []
    for parent in _popular(world, roots, replies_wanted) if roots else []:
        target = {"amendment_id": parent.amendment_id, "paragraph_id": parent.paragraph_id}
        replies.append(comment(target, parent.created_at, parent))
    replies = bulk_create_with_history(replies, Comment, batch_size=1000)
    deeper = []
    for parent in _popular(world, replies, deeper_wanted) if replies else []:
        target = {"amendment_id": parent.amendment_id, "paragraph_id": parent.paragraph_id}
        deeper.append(comment(target, parent.created_at, parent))
    deeper = bulk_create_with_history(deeper, Comment, batch_size=1000)
    world.counts["comments"] += len(roots) + len(replies) + len(deeper)
