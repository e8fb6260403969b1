"""A recommendation's modified text and an acceptance on the same paragraph at once, on
PostgreSQL: whichever takes the paragraph's lock first, the other waits, and the modified
text ends up written against the paragraph's final text, with both changes in it."""

from __future__ import annotations

import re

import pytest

from amendments.models import Recommendation
from amendments.services.deciding import amendment_accept
from amendments.services.recommending import recommendation_set
from manifesto.selectors import latest_version
from tests.amendments.conftest import body_paragraph, propose
from tests.amendments.test_faults_concurrency import second_arrives_while_first_holds
from tests.conftest import postgres_only

pytestmark = postgres_only("row locks need PostgreSQL (CI runs it there)")

_LOCKS_A_PARAGRAPH = re.compile(r'FROM "manifesto_paragraph".* FOR (NO KEY )?UPDATE', re.S)


@pytest.mark.parametrize(
    "recommendation_first", [True, False], ids=["recommend-first", "accept-first"]
)
def test_a_modified_text_and_an_acceptance_at_once(
    seed_chapter, member, other_member, editor, other_editor, recommendation_first
) -> None:
    p5 = body_paragraph(seed_chapter, 5)
    original = p5.text
    last_word = original.split()[-1]
    recommended = propose(member, p5, original.replace("a myriad of problems", "many problems"))
    accepted = propose(other_member, p5, original.replace(last_word, "end."), title="End")
    shown = latest_version(p5).history_id

    def recommend() -> object:
        return recommendation_set(
            amendment=recommended,
            editor=editor,
            kind="modified",
            text=original.replace("a myriad of problems", "several problems"),
            seen_version_id=shown,
        )

    def accept() -> object:
        return amendment_accept(amendment=accepted, editor=other_editor)

    first, second = (recommend, accept) if recommendation_first else (accept, recommend)
    results = second_arrives_while_first_holds(_LOCKS_A_PARAGRAPH, first, second, pause=0.5)
    assert not any(isinstance(result, Exception) for result in results), results
    p5.refresh_from_db()
    assert p5.text == original.replace(last_word, "end.")
    recommendation = Recommendation.objects.get(amendment=recommended)
    assert recommendation.conflict_reason == ""
    assert recommendation.modified_base_text == p5.text
    assert recommendation.modified_text == p5.text.replace(
        "a myriad of problems", "several problems"
    )
