"""The voting list: only what needs a vote, in text order, competing amendments in one block,
the agreed recommendations together; its page and downloads, and who sees them."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from amendments.models import Amendment
from amendments.services.recommending import (
    recommendation_answer,
    recommendation_set,
    recommendations_publish,
)
from amendments.voting import voting_list
from tests.amendments.conftest import body_paragraph, propose
from tests.conftest import client_for, make_user

pytestmark = pytest.mark.django_db


def _recommend(amendment: Amendment, editor, **kwargs) -> None:  # type: ignore[no-untyped-def]
    kwargs.setdefault("kind", "reject")
    kwargs.setdefault("reason", "Out of scope.")
    recommendation_set(amendment=amendment, editor=editor, **kwargs)


@pytest.fixture
def scene(seed_chapter, member, other_member, editor):  # type: ignore[no-untyped-def]
    """Five amendments with published recommendations: on ¶ 5 two that compete (the first
    disagreed) and one agreed elsewhere in it that competes with neither; on ¶ 3 one agreed;
    on ¶ 8 one the committee marked contested; on ¶ 9 one not answered."""
    p3, p5, p8, p9 = (body_paragraph(seed_chapter, n) for n in (3, 5, 8, 9))
    rival_a = propose(member, p5, p5.text.replace("a myriad of problems", "many problems"))
    rival_b = propose(other_member, p5, p5.text.replace("myriad", "host"), title="<i>Host</i>")
    last = p5.text.split()[-1]
    quiet = propose(other_member, p5, p5.text.replace(last, "end."), title="Quiet")
    early = propose(other_member, p3, title="Early agreed")
    contested = propose(member, p8, title="Contested")
    silent = propose(member, p9, title="Silent")
    for amendment in (rival_a, rival_b, quiet, early, contested, silent):
        _recommend(amendment, editor, contested=amendment is contested)
    recommendations_publish(chapter=seed_chapter, editor=editor)
    recommendation_answer(amendment=rival_a, member=member, agree=False, comment="Vote, please.")
    recommendation_answer(amendment=rival_b, member=other_member, agree=True)
    recommendation_answer(amendment=quiet, member=other_member, agree=True)
    recommendation_answer(amendment=early, member=other_member, agree=True)
    recommendation_answer(amendment=contested, member=member, agree=True)
    return {
        "rival_a": rival_a,
        "rival_b": rival_b,
        "quiet": quiet,
        "early": early,
        "contested": contested,
        "silent": silent,
    }


def test_only_what_needs_a_vote_in_text_order_with_competitors_in_one_block(
    seed_chapter, scene
) -> None:
    listing = voting_list(seed_chapter)
    blocks = [[item.amendment.pk for item in block.items] for block in listing.blocks]
    assert blocks == [[scene["rival_a"].pk, scene["rival_b"].pk], [scene["contested"].pk]]
    assert listing.blocks[0].consequences == [
        f"If #{scene['rival_a'].pk} is carried, #{scene['rival_b'].pk} falls.",
        f"If #{scene['rival_b'].pk} is carried, #{scene['rival_a'].pk} falls.",
    ]
    assert [item.amendment.pk for item in listing.agreed] == [
        scene["early"].pk,
        scene["quiet"].pk,
    ]
    assert listing.unanswered == 1
    assert listing.blocks[0].items[0].why == "the proposer disagreed with the recommendation"


def test_an_agreed_recommendation_leaves_the_voting_list(seed_chapter, scene, member) -> None:
    listing = voting_list(seed_chapter)
    assert scene["rival_a"].pk in [i.amendment.pk for b in listing.blocks for i in b.items]
    recommendation_answer(amendment=scene["rival_a"], member=member, agree=True)
    listing = voting_list(seed_chapter)
    assert [[i.amendment.pk for i in b.items] for b in listing.blocks] == [[scene["contested"].pk]]
    assert scene["rival_a"].pk in [item.amendment.pk for item in listing.agreed]


def test_decided_amendments_leave_the_list(seed_chapter, scene, other_editor) -> None:
    from amendments.services.deciding import amendment_reject

    amendment_reject(amendment=scene["contested"], editor=other_editor, reason="Done.")
    listing = voting_list(seed_chapter)
    assert scene["contested"].pk not in [i.amendment.pk for b in listing.blocks for i in b.items]


def test_the_page_is_public_once_published_and_escapes_titles(
    seed_chapter, scene, other_member
) -> None:
    page = client_for(None).get(reverse("amendments:voting_list", args=[seed_chapter.slug]))
    text = page.content.decode()
    assert page.status_code == 200
    assert text.count('data-testid="voting-block"') == 2
    assert f"If #{scene['rival_a'].pk} is carried, #{scene['rival_b'].pk} falls." in text
    assert "&lt;i&gt;Host&lt;/i&gt;" in text and "<i>Host</i>" not in text
    assert "Vote, please." in text
    assert text.index(f"#{scene['rival_a'].pk} ") < text.index(f"#{scene['contested'].pk} ")


def test_before_publication_only_editors_see_it(seed_chapter, member, editor) -> None:
    amendment = propose(member, body_paragraph(seed_chapter, 5), title="Drafted")
    _recommend(amendment, editor, contested=True)
    url = reverse("amendments:voting_list", args=[seed_chapter.slug])
    for user in (None, member):
        text = client_for(user).get(url).content.decode()
        assert "not published yet" in text and "Drafted" not in text
        csv_url = reverse("amendments:voting_list_csv", args=[seed_chapter.slug])
        assert client_for(user).get(csv_url).status_code == 403
    text = client_for(editor).get(url).content.decode()
    assert "Drafted" in text and 'data-testid="draft-notice"' in text


def test_the_downloads(seed_chapter, scene) -> None:
    client = client_for(None)
    answer = client.get(reverse("amendments:voting_list_csv", args=[seed_chapter.slug]))
    assert answer["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(answer.content.decode())))
    assert rows[0][:2] == ["block", "amendment"]
    assert [(row[0], row[1]) for row in rows[1:]] == [
        ("1", f"#{scene['rival_a'].pk}"),
        ("1", f"#{scene['rival_b'].pk}"),
        ("2", f"#{scene['contested'].pk}"),
        ("agreed", f"#{scene['early'].pk}"),
        ("agreed", f"#{scene['quiet'].pk}"),
    ]
    html = client.get(reverse("amendments:voting_list_html", args=[seed_chapter.slug]))
    assert html["Content-Disposition"].startswith("attachment")
    assert "The committee's recommendations as agreed" in html.content.decode()


def test_a_title_that_looks_like_a_formula_is_plain_text_in_the_csv(
    seed_chapter, member, editor
) -> None:
    amendment = propose(member, body_paragraph(seed_chapter, 5), title="=HYPERLINK(1)")
    _recommend(amendment, editor, contested=True)
    recommendations_publish(chapter=seed_chapter, editor=editor)
    answer = client_for(None).get(reverse("amendments:voting_list_csv", args=[seed_chapter.slug]))
    assert "'=HYPERLINK(1)" in answer.content.decode()


@pytest.mark.parametrize("count", [4, 40])
def test_the_page_uses_a_fixed_number_of_queries(
    seed_chapter, editor, count, django_assert_num_queries
) -> None:
    authors = [make_user(f"v{i}") for i in range(4)]
    for index in range(count):
        paragraph = body_paragraph(seed_chapter, 1 + index % 20)
        amendment = propose(authors[index % 4], paragraph, paragraph.text + f" More {index}.")
        _recommend(amendment, editor, contested=index % 2 == 0)
    recommendations_publish(chapter=seed_chapter, editor=editor)
    client = client_for(None)
    url = reverse("amendments:voting_list", args=[seed_chapter.slug])
    # the chapter, its publication, its open amendments with recommendations, ¶ labels
    with django_assert_num_queries(4):
        text = client.get(url).content.decode()
    assert text.count('data-testid="voting-item"') >= count // 2
