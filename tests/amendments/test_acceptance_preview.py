"""Accepting shows what will happen first: the new texts, the words against the limit, and what
becomes of the other amendments, worked out by a dry run that writes nothing and agrees with
what the acceptance then does; a confirmation of an outdated preview is refused."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from amendments.acceptance_preview import (
    CARRIED,
    CONFLICT,
    OBSOLETE,
    Seen,
    acceptance_preview,
    wording_digest,
)
from amendments.models import Amendment, Decision
from amendments.services.deciding import AcceptItem, amendment_accept, amendments_accept
from amendments.services.limits import chapter_set_limit
from amendments.services.paragraphs import paragraph_edit
from amendments.services.proposing import amendment_edit
from manifesto.models import Paragraph
from tests.amendments.conftest import body_paragraph, propose
from tests.conftest import client_for, make_user

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    return {
        "amendments": Amendment.objects.count(),
        "amendment history": Amendment.history.count(),
        "paragraphs": Paragraph.objects.count(),
        "paragraph history": Paragraph.history.count(),
        "decisions": Decision.objects.count(),
    }


def _rows() -> list[Any]:
    return list(
        Amendment.objects.order_by("pk").values_list(
            "pk", "status", "base_version_id", "base_text", "proposed_text", "diff_ops"
        )
    )


@pytest.fixture
def scene(member, other_member, editor, p5):  # type: ignore[no-untyped-def]
    """Two amendments to accept together on ¶ 5, and three others on it: one that will be
    carried forward, one in conflict, and a deletion (in conflict after any change)."""
    third = make_user("carol")
    return {
        "accepted": [
            propose(member, p5, p5.text.replace("myriad", "multitude"), title="Word"),
            propose(other_member, p5, "In 1917, " + p5.text, title="Opening"),
        ],
        "carried": propose(third, p5, p5.text.rstrip() + " A closing remark.", title="Close"),
        "conflict": propose(third, p5, p5.text.replace("myriad", "host"), title="Clash"),
        "dropped": propose(third, p5, "", kind="delete", title="Drop"),
    }


def test_the_preview_writes_nothing(scene, editor) -> None:  # type: ignore[no-untyped-def]
    before, rows = _counts(), _rows()
    with CaptureQueriesContext(connection) as queries:
        preview = acceptance_preview(scene["accepted"], editor=editor)
    assert preview.possible and len(preview.changes) == 1, (
        preview.refusals,
        preview.guard_refuses,
        preview.others,
    )
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().split()[0].upper() in ("INSERT", "UPDATE", "DELETE")
    ]
    assert writes == []
    assert "FOR UPDATE" not in " ".join(q["sql"] for q in queries.captured_queries)
    assert (_counts(), _rows()) == (before, rows)


def test_the_preview_agrees_with_what_the_acceptance_does(scene, editor, p5) -> None:  # type: ignore[no-untyped-def]
    preview = acceptance_preview(scene["accepted"], editor=editor)
    fates = {other.amendment.pk: other.fate for other in preview.others}
    assert fates == {
        scene["carried"].pk: CARRIED,
        scene["conflict"].pk: CONFLICT,
        scene["dropped"].pk: CONFLICT,  # a deletion after a change: its author must look again
    }
    change = preview.changes[0]
    assert (
        "[inserted: </span>multitude" in change.diff and "[inserted: </span>In 1917" in change.diff
    )
    assert preview.word_change == 2  # "In 1917," adds two; "multitude" replaces "myriad"

    words_before = preview.words_now
    amendments_accept([AcceptItem(a) for a in scene["accepted"]], editor=editor, seen=preview.seen)
    p5.refresh_from_db()
    assert p5.text.startswith("In 1917, ") and "multitude" in p5.text
    status = {CARRIED: "pending", CONFLICT: "conflict", OBSOLETE: "obsolete"}
    for pk, fate in fates.items():
        assert Amendment.objects.get(pk=pk).status == status[fate]
    carried = Amendment.objects.get(pk=scene["carried"].pk)
    shown = next(o for o in preview.others if o.fate == CARRIED)
    assert carried.proposed_text.endswith("A closing remark.") and "In 1917" in carried.base_text
    assert "[inserted: </span> A closing remark." in shown.diff
    assert acceptance_preview([carried], editor=editor).words_now == words_before + 2


def test_obsolete_is_foreseen(member, other_member, editor, p5) -> None:
    accepted = propose(member, p5, p5.text.replace("myriad", "multitude"))
    same = propose(other_member, p5, p5.text.replace("myriad", "multitude") + " ")
    preview = acceptance_preview([accepted], editor=editor)
    assert [(o.amendment.pk, o.fate) for o in preview.others] == [(same.pk, OBSOLETE)]
    amendment_accept(amendment=accepted, editor=editor, seen=preview.seen)
    assert Amendment.objects.get(pk=same.pk).status == "obsolete"


def test_the_preview_says_the_guard_would_refuse(member, editor, p5, seed_chapter) -> None:
    long = propose(member, p5, p5.text.rstrip() + " One two three four five six seven.")
    words = acceptance_preview([long], editor=editor).words_now
    chapter_set_limit(chapter=seed_chapter, editor=editor, word_limit=words + 3, reason="Tight.")
    preview = acceptance_preview([long], editor=editor)
    assert preview.word_change == 7 and preview.over_by == 4
    assert preview.guard_refuses and not preview.possible
    with pytest.raises(ValidationError, match="Refused by the word limit"):
        amendment_accept(amendment=long, editor=editor, seen=preview.seen)


def test_a_stale_preview_is_refused_when_the_paragraph_changed(
    member, other_member, editor, p5
) -> None:
    amendment = propose(member, p5, "In 1917, " + p5.text)
    preview = acceptance_preview([amendment], editor=editor)
    paragraph_edit(
        paragraph=p5, editor=editor, text=p5.text.replace("myriad", "multitude"), reason="Typo."
    )
    before, rows = _counts(), _rows()
    with pytest.raises(ValidationError, match="changed after you saw the preview") as refused:
        amendment_accept(amendment=amendment, editor=editor, seen=preview.seen)
    assert refused.value.code == "stale_preview"
    assert (_counts(), _rows()) == (before, rows)


def test_a_stale_preview_is_refused_when_the_wording_changed(member, editor, p5) -> None:
    amendment = propose(member, p5, "In 1917, " + p5.text)
    preview = acceptance_preview([amendment], editor=editor)
    amendment_edit(
        amendment=amendment, user=member, title="T", text="In 1918, " + p5.text, reason="r"
    )
    with pytest.raises(ValidationError, match="the wording of #"):
        amendment_accept(amendment=amendment, editor=editor, seen=preview.seen)
    assert Amendment.objects.get(pk=amendment.pk).status == "pending"


def test_seen_round_trips_and_refuses_anything_else() -> None:
    seen = Seen({12: 345}, {7: wording_digest("text")})
    assert Seen.decode(seen.encode()) == seen
    for altered in ("p12:x", "q1:2", "a7:short", "p:1", "p12:345 a7:" + "g" * 20, "p1²:2"):
        assert Seen.decode(altered) is None, altered


def test_the_preview_names_what_cannot_be_accepted(member, editor, p5) -> None:
    own = propose(editor, p5, "In 1917, " + p5.text)
    first = propose(member, p5, p5.text.replace("myriad", "multitude"))
    clash = propose(make_user("carol"), p5, p5.text.replace("myriad", "host"))
    preview = acceptance_preview([own, first, clash], editor=editor)
    assert not preview.possible
    assert any("your own" in refusal for refusal in preview.refusals)
    # The second goes into conflict with the first, so a batch of both would be refused.
    assert any(f"#{clash.pk} would be put in conflict" in r for r in preview.refusals)


# --- the pages -----------------------------------------------------------------------------


def test_accept_together_previews_then_confirms(scene, editor, p5) -> None:  # type: ignore[no-untyped-def]
    client = client_for(editor)
    ids = [a.pk for a in scene["accepted"]]
    before = _counts()
    page = client.post(reverse("amendments:batch"), {"ids": ids, "action": "accept"})
    body = page.content.decode()
    assert page.status_code == 200 and "Accept 2 amendments together?" in body
    assert "[inserted: </span>In 1917" in body and "+2 words" in body
    assert "carried forward" in body and "goes into conflict" in body
    assert _counts() == before
    seen = acceptance_preview(list(scene["accepted"]), editor=editor).seen.encode()
    assert f'name="seen" value="{seen}"' in body
    done = client.post(
        reverse("amendments:batch"),
        {"ids": ids, "action": "accept", "confirmed": "yes", "seen": seen},
        follow=True,
    )
    assert "Accepted together" in done.content.decode()
    assert set(Amendment.objects.filter(pk__in=ids).values_list("status", flat=True)) == {
        "accepted"
    }


def test_a_stale_confirmation_shows_the_new_preview(member, editor, p5) -> None:
    amendment = propose(member, p5, "In 1917, " + p5.text)
    seen = acceptance_preview([amendment], editor=editor).seen.encode()
    paragraph_edit(
        paragraph=p5, editor=editor, text=p5.text.replace("myriad", "multitude"), reason="Typo."
    )
    client = client_for(editor)
    page = client.post(
        reverse("amendments:batch"),
        {"ids": [amendment.pk], "action": "accept", "confirmed": "yes", "seen": seen},
    )
    body = page.content.decode()
    assert page.status_code == 200 and "changed after you saw the preview" in body
    assert "Accept 1 amendment together?" in body  # the new preview, to confirm again
    assert Amendment.objects.get(pk=amendment.pk).status == "pending"


def test_a_confirmation_without_what_it_saw_is_refused(member, editor, p5) -> None:
    amendment = propose(member, p5, "In 1917, " + p5.text)
    client = client_for(editor)
    page = client.post(
        reverse("amendments:batch"),
        {"ids": [amendment.pk], "action": "accept", "confirmed": "yes"},
        follow=True,
    )
    assert "The form was altered" in page.content.decode()
    assert Amendment.objects.get(pk=amendment.pk).status == "pending"


def test_the_single_acceptance_preview_and_its_confirmation(scene, editor, p5) -> None:  # type: ignore[no-untyped-def]
    amendment = scene["accepted"][0]
    client = client_for(editor)
    detail = client.get(amendment.get_absolute_url()).content.decode()
    assert reverse("amendments:accept_preview", args=[amendment.pk]) in detail
    page = client.get(reverse("amendments:accept_preview", args=[amendment.pk]))
    body = page.content.decode()
    assert f"Accept #{amendment.pk}" in body and "goes into conflict" in body
    seen = acceptance_preview([amendment], editor=editor).seen.encode()
    stale = Seen.decode(seen)
    assert stale is not None
    stale_value = Seen({p5.pk: 1}, stale.wordings).encode()
    refused = client.post(
        reverse("amendments:accept", args=[amendment.pk]),
        {"seen": stale_value, "reason": ""},
        follow=True,
    )
    assert "changed after you saw the preview" in refused.content.decode()
    assert Amendment.objects.get(pk=amendment.pk).status == "pending"
    client.post(reverse("amendments:accept", args=[amendment.pk]), {"seen": seen, "reason": "Ok"})
    assert Amendment.objects.get(pk=amendment.pk).status == "accepted"


@pytest.mark.parametrize("others", [2, 12])
def test_the_preview_page_costs_the_same_with_more_amendments(
    member, editor, seed_chapter, others, django_assert_num_queries
) -> None:
    paragraph = body_paragraph(seed_chapter, 5)
    amendment = propose(member, paragraph, "In 1917, " + paragraph.text)
    authors = [make_user(f"o{i}") for i in range(3)]
    for i in range(others):
        propose(authors[i % 3], paragraph, paragraph.text.rstrip() + f" Remark {i}.", title=f"{i}")
    client = client_for(editor)
    # session, user, the amendment, its chapter, paragraphs, versions, the others, chapter
    # words, and the header's unread notices
    with django_assert_num_queries(9):
        page = client.get(reverse("amendments:accept_preview", args=[amendment.pk]))
    assert page.content.decode().count('data-testid="preview-other"') == others
