"""The public list of amendments: filters in the address, sorts, pages, who may use "mine" and
"supported by me", bad input, escaping, and a query count that does not grow with the list."""

from __future__ import annotations

import re

import pytest
from django.http import QueryDict
from django.urls import reverse

from amendments.filtering import AmendmentFilters
from amendments.forms import AmendmentListFilterForm
from amendments.listing import LIST_PAGE_SIZE, listed_amendments
from amendments.models import Amendment
from amendments.services.deciding import amendments_reject
from amendments.services.proposing import support_add
from manifesto.models import Chapter, Paragraph
from manifesto.selectors import latest_version
from tests.amendments.conftest import body_paragraph, propose
from tests.conftest import client_for, make_user

pytestmark = pytest.mark.django_db
URL = reverse("amendments:list")


def _page(client, query: str = "") -> str:  # type: ignore[no-untyped-def]
    response = client.get(URL + query)
    assert response.status_code == 200
    return response.content.decode()


def _shown(page: str, *amendments: Amendment) -> list[bool]:
    return [f'id="amendment-{a.pk}"' in page for a in amendments]


@pytest.fixture
def three(seed_chapter, member, other_member, editor):  # type: ignore[no-untyped-def]
    """Amendments on ¶ 3 (Alice's, proposed first), ¶ 1 (Bob's) and ¶ 2 (Alice's, rejected)."""
    p1, p2, p3 = (body_paragraph(seed_chapter, n) for n in (1, 2, 3))
    on_3 = propose(member, p3, p3.text + " " + "word " * 12, title="On three")
    on_1 = propose(other_member, p1, p1.text + " Short.", title="On one")
    on_2 = propose(member, p2, p2.text + " More.", title="On two")
    amendments_reject([on_2], editor=editor, reason="No.")
    support_add(amendment=on_1, user=member)
    return on_1, on_2, on_3


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", AmendmentFilters(status="all", sort="text")),
        ("status=open", AmendmentFilters(status="open", sort="text")),
        ("status=nonsense&sort=nonsense", AmendmentFilters(status="all", sort="text")),
        ("sort=support", AmendmentFilters(status="all", sort="support")),
        ("paragraph=10A&lines=5-3", AmendmentFilters("", "10a", (3, 5), "all", "", "text")),
        (
            "author=+Alice+Member+",
            AmendmentFilters(status="all", sort="text", author="Alice Member"),
        ),
        (
            "mine=1&supported=on",
            AmendmentFilters(status="all", sort="text", mine=True, supported=True),
        ),
    ],
)
def test_the_list_reads_its_filters_from_the_address(query, expected) -> None:
    assert AmendmentListFilterForm(QueryDict(query)).filters() == expected


def test_visitors_see_every_amendment_in_text_order(client, three) -> None:
    page = _page(client)
    assert "3 amendments" in page
    assert page.index("On one") < page.index("On two") < page.index("On three")
    assert "Rejected" in page and "by <bdi" in page and "Bob Member" in page
    assert "¶ 1" in page and "¶ 3" in page


def test_sorts(client, three) -> None:
    newest = _page(client, "?sort=newest")
    assert newest.index("On two") < newest.index("On one") < newest.index("On three")
    supported = _page(client, "?sort=support")
    assert supported.index("On one") < supported.index("On three")
    words = _page(client, "?sort=delta")
    assert words.index("On three") < words.index("On two")


def test_filters_by_status_paragraph_lines_and_chapter(client, three, seed_chapter) -> None:
    on_1, _on_2, _on_3 = three
    assert _shown(_page(client, "?status=rejected"), *three) == [False, True, False]
    assert _shown(_page(client, "?status=open"), *three) == [True, False, True]
    assert _shown(_page(client, "?paragraph=3"), *three) == [False, False, True]
    line = on_1.cited_last_line  # its change is at the end of ¶ 1
    assert line is not None
    assert _shown(_page(client, f"?lines={line}"), *three) == [True, False, False]
    assert _shown(_page(client, f"?chapter={seed_chapter.slug}"), *three) == [True, True, True]
    assert _shown(_page(client, "?chapter=no-such-chapter"), *three) == [False, False, False]


def test_author_is_the_name_shown_in_any_case_not_the_username(client, three) -> None:
    on_1, _on_2, _on_3 = three
    assert _shown(_page(client, "?author=alice+MEMBER"), *three) == [False, True, True]
    assert _shown(_page(client, "?author=alice"), *three) == [False, False, False]
    # Without a display name the username is the name shown.
    plain = make_user("carol")
    plain.display_name = ""
    plain.save()
    theirs = propose(plain, on_1.paragraph, on_1.paragraph.text + " Carol.", title="Carol's")
    page = _page(client, "?author=Carol")
    assert _shown(page, theirs, *three) == [True, False, False, False]
    # The names are offered as one types.
    assert '<option value="Alice Member">' in page and '<option value="carol">' in page


def test_mine_and_supported_by_me_for_members(member, three) -> None:
    client = client_for(member)
    assert _shown(_page(client, "?mine=1"), *three) == [False, True, True]
    assert _shown(_page(client, "?supported=1"), *three) == [True, False, False]
    assert _shown(_page(client, "?mine=1&supported=1"), *three) == [False, False, False]
    assert 'name="mine"' in _page(client)


def test_mine_is_ignored_with_a_message_for_visitors(client, three) -> None:
    page = _page(client, "?mine=1&supported=1")
    assert _shown(page, *three) == [True, True, True]
    assert "are for members who are logged in" in page
    assert 'name="mine"' not in page


@pytest.mark.parametrize(
    "query",
    [
        "?paragraph=seven",
        "?lines=12x",
        "?page=two",
        "?page=999",
        "?sort=%E2%80%AEtext",
        "?status=%F0%9F%92%A5",
        "?chapter=%3Cscript%3E",
        "?author=" + "x" * 5000,
        "?paragraph=99999999999999999999",
        "?mine=maybe",
    ],
)
def test_bad_filters_are_answered_not_500(client, three, query) -> None:
    page = _page(client, query)
    assert "All amendments" in page


def test_a_bad_paragraph_or_line_says_why(client, three) -> None:
    page = _page(client, "?paragraph=seven&lines=12x")
    assert "is not a ¶ number" in page and "is not a line or a range of lines" in page
    assert "3 amendments" in page


def test_user_written_text_is_escaped(client, seed_chapter) -> None:
    xss = '<script>alert("x")</script>'
    mallory = make_user("mallory", display_name=xss)
    propose(mallory, body_paragraph(seed_chapter, 2), title=xss)
    page = _page(client, "?author=" + xss + "&paragraph=" + xss)
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert" in page


def test_pages_keep_the_filters(client, member, seed_chapter) -> None:
    paragraph = body_paragraph(seed_chapter, 4)
    _bulk(seed_chapter, member, LIST_PAGE_SIZE + 3, [paragraph])
    first = _page(client, "?status=pending")
    assert first.count('class="amendment-row"') == LIST_PAGE_SIZE
    assert "?status=pending&amp;page=2" in first
    second = _page(client, "?status=pending&page=2")
    assert second.count('class="amendment-row"') == 3


def test_the_list_is_linked_from_the_header_the_index_and_the_chapter(client, seed_chapter):
    index = client.get(reverse("manifesto:index")).content.decode()
    chapter = client.get(seed_chapter.get_absolute_url()).content.decode()
    assert index.count(f'href="{URL}"') == 2  # the header and the page
    assert f'href="{URL}?chapter={seed_chapter.slug}"' in chapter


def _bulk(chapter, author, count: int, paragraphs: list[Paragraph]) -> None:  # type: ignore[no-untyped-def]
    """``count`` amendments spread over ``paragraphs``, written in bulk (test data only)."""
    versions = {p.pk: latest_version(p) for p in paragraphs}
    statuses = [Amendment.Status.PENDING, Amendment.Status.REJECTED, Amendment.Status.CONFLICT]
    Amendment.objects.bulk_create(
        [
            Amendment(
                chapter=chapter,
                paragraph=(paragraph := paragraphs[i % len(paragraphs)]),
                title=f"Bulk {i}",
                proposed_text=paragraph.text + f" Bulk {i}.",
                reason="Many.",
                author=author,
                status=statuses[i % 3] if i >= LIST_PAGE_SIZE + 3 else Amendment.Status.PENDING,
                base_version=versions[paragraph.pk],
                base_text=paragraph.text,
                written_base_text=paragraph.text,
                written_text=paragraph.text + f" Bulk {i}.",
                word_delta=i % 7 - 3,
            )
            for i in range(count)
        ],
        batch_size=1000,
    )


def _tokenless(page: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)


@pytest.mark.parametrize("count", [10, 10_000])
@pytest.mark.parametrize("who", ["visitor", "member"])
def test_list_queries_do_not_grow_with_the_amendments(
    seed_chapter, member, other_member, count, who, django_assert_num_queries
) -> None:
    paragraphs = list(seed_chapter.paragraphs.filter(kind="body", is_deleted=False))
    _bulk(seed_chapter, other_member, count, paragraphs)
    support_add(amendment=Amendment.objects.order_by("pk").first(), user=member)
    client = client_for(member if who == "member" else None)
    # (session, user, unread notices,) Manifesto, chapters, authors, the stamp, then on a
    # miss the count, the page, ¶ labels
    member_queries = 3 if who == "member" else 0
    for query in ("", "?sort=support&status=pending", "?supported=1&status=pending&paragraph=x"):
        with django_assert_num_queries(member_queries + 7):
            missed = _tokenless(client.get(URL + query).content.decode())
        with django_assert_num_queries(member_queries + 4):
            assert _tokenless(client.get(URL + query).content.decode()) == missed


def test_the_queue_sorts_in_text_order_and_finds_authors_by_shown_name(editor, three) -> None:
    client = client_for(editor)
    queue = reverse("amendments:queue")
    page = client.get(queue + "?sort=text").content.decode()
    assert page.index("On one") < page.index("On three")
    oldest = client.get(queue).content.decode()
    assert oldest.index("On three") < oldest.index("On one")  # the default: oldest first
    by_name = client.get(queue + "?author=ALICE+member").content.decode()
    assert "On three" in by_name and "On one" not in by_name
    assert "On three" not in client.get(queue + "?author=alice").content.decode()


def _ids_shown(page: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'class="amendment-row" id="amendment-(\d+)"', page)]


@pytest.mark.parametrize("query", ["", "?status=pending", "?status=rejected"])
def test_pages_in_text_order_span_chapters_as_one_sort_of_every_amendment_would(
    seed_chapter, member, query
) -> None:
    # The page is found by counting per chapter (amendments.listing.TextOrderNumbers): with
    # a chapter before the seed (made later, so a higher id) and one level with it (its id
    # breaks the tie), every page must be the slice of the plain sort of every amendment.
    first = Chapter.objects.create(
        manifesto=seed_chapter.manifesto, title="First", slug="first", order=seed_chapter.order - 1
    )
    level = Chapter.objects.create(
        manifesto=seed_chapter.manifesto, title="Level", slug="level", order=seed_chapter.order
    )
    for chapter, count in ((first, 37), (level, 44), (seed_chapter, 61)):
        if chapter != seed_chapter:
            for key, position in ((1, "m"), (2, "g"), (3, "t")):
                Paragraph.objects.create(
                    chapter=chapter, key=key, position=position, text=f"Text {key} of {chapter}."
                )
        paragraphs = list(chapter.paragraphs.filter(kind="body", is_deleted=False))
        _bulk(chapter, member, count, paragraphs)
    form = AmendmentListFilterForm(QueryDict(query.lstrip("?")))
    expected = list(listed_amendments(form.filters(), None).values_list("pk", flat=True))
    shown: list[int] = []
    client = client_for(None)
    for number in range(1, 5):
        page = _page(client, (query or "?") + f"&page={number}")
        shown += _ids_shown(page)
        assert f"<strong>{len(expected)} amendment" in page
        if 'rel="next"' not in page:
            break
    assert shown == expected and len({a.chapter_id for a in Amendment.objects.all()}) == 3
