"""The projector: public, no navigation, the item under vote with its change and the running
text of its paragraph, a fragment for the script and a <noscript> refresh, in a fixed number
of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from amendments.services.voting import congress_floor_set, vote_record
from tests.amendments.conftest import body_paragraph, propose
from tests.amendments.test_congress_votes import to_congress
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _projector(slug: str) -> str:
    response = client_for(None).get(reverse("amendments:projector", args=[slug]))
    assert response.status_code == 200
    return response.content.decode()


def _fragment(slug: str) -> str:
    response = client_for(None).get(reverse("amendments:projector_now", args=[slug]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    return response.content.decode()


def test_the_projector_is_public_and_refreshes_itself_with_or_without_javascript(
    seed_chapter,
) -> None:
    page = _projector(seed_chapter.slug)
    assert "No item is under vote." in page
    assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in page
    assert "js/projector.js" in page
    assert 'data-fragment="/chapters/socialism-and-the-soviet-union/projector/now/"' in page
    # No navigation, no search, no footer: only the item.
    for chrome in ("site-nav", "site-search", "site-footer", "skip-link"):
        assert chrome not in page
    assert "No item is under vote." in _fragment(seed_chapter.slug)


def test_the_projector_shows_the_item_under_vote_its_change_and_the_running_text(
    seed_chapter, p5, member, other_member, editor
) -> None:
    first = propose(
        member,
        p5,
        p5.text.replace("a myriad of problems", "many problems"),
        title="<script>alert(1)</script> Fewer words",
    )
    second = propose(other_member, p5, p5.text.replace("backward", "poor"), title="Poor")
    to_congress(seed_chapter, editor)
    congress_floor_set(chapter=seed_chapter, editor=editor, amendment=first)

    page = _projector(seed_chapter.slug)
    fragment = _fragment(seed_chapter.slug)
    assert fragment.strip() in page  # the page is made of the same partial
    assert f'data-amendment="{first.pk}"' in fragment
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Fewer words" in fragment
    assert "<script>alert" not in fragment
    assert "¶ 5, line" in fragment  # the citation, in the reference numbering
    assert "[deleted: </span>a myriad of<" in fragment
    assert "[inserted: </span>many<" in fragment
    assert 'class="line__no"' in fragment and 'data-testid="running-text"' in fragment
    assert "a myriad of problems" in fragment  # the paragraph as it reads before the vote

    # Carried: the running text changes; the editors move on to the next item.
    vote_record(amendment=first, editor=editor, result="carried", show_of_hands=True)
    after = _fragment(seed_chapter.slug)
    assert "No item is under vote." in after  # the item was decided
    assert f"Last vote: #{first.pk}" in after and "<strong>Carried</strong>" in after
    congress_floor_set(chapter=seed_chapter, editor=editor, amendment=second)
    moved = _fragment(seed_chapter.slug)
    assert f'data-amendment="{second.pk}"' in moved
    assert "many problems" in moved and "a myriad of problems" not in moved


def test_the_projector_reads_a_fixed_number_of_queries(
    seed_chapter, p5, member, other_member, editor, django_assert_num_queries
) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            _projector(seed_chapter.slug)
        return len(captured)

    first = propose(member, p5, p5.text.replace("a myriad of problems", "many problems"))
    others = [
        propose(other_member, paragraph, paragraph.text + " More.")
        for paragraph in (body_paragraph(seed_chapter, n) for n in range(6, 14))
    ]
    to_congress(seed_chapter, editor)
    congress_floor_set(chapter=seed_chapter, editor=editor, amendment=first)
    few = queries()
    for amendment in others:
        vote_record(amendment=amendment, editor=editor, result="lost", show_of_hands=True)
    # The chapter, the item under vote, the last vote and the ¶ labels.
    with django_assert_num_queries(4):
        _projector(seed_chapter.slug)
    assert queries() == few
    with django_assert_num_queries(4):
        _fragment(seed_chapter.slug)
