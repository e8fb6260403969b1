"""Search: the chapter text, the amendments and the comments, on whichever database the suite
runs on (full text on PostgreSQL, the word match on SQLite); the PostgreSQL-only proofs (the
indexes are used) are marked and skipped elsewhere."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from amendments.models import Comment
from amendments.search import (
    MAX_QUERY_CHARS,
    PER_KIND,
    PER_PAGE,
    VECTORS,
    crude_stem,
    highlight,
    parse_terms,
    search_run,
)
from amendments.services.discussion import (
    comment_delete,
    comment_edit,
    comment_hide,
    comment_post,
)
from amendments.services.proposing import amendment_edit, amendment_withdraw
from manifesto.models import Chapter, Paragraph
from manifesto.selectors import line_texts
from tests.amendments.conftest import body_paragraph, propose
from tests.conftest import client_for

SEARCH = reverse("amendments:search")
on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="proves PostgreSQL's full-text indexes are used"
)


def _search(params: dict[str, str], user=None) -> str:  # type: ignore[no-untyped-def]
    response = client_for(user).get(SEARCH, params)
    assert response.status_code == 200
    return response.content.decode()


def _section(html: str, kind: str) -> str:
    """The part of the results page that lists one kind of result."""
    match = re.search(rf'data-testid="results-{kind}">(.*?)</section>', html, re.DOTALL)
    return match.group(1) if match else ""


# --- what the issue asks: a comment's word, a stemmed reason, a phrase of the text -----------


@pytest.mark.django_db
def test_a_word_in_a_comment_is_found_and_links_to_the_comment(member, p5) -> None:
    comment = comment_post(
        author=member, body="Workers' cooperatives should run the factories.", paragraph=p5
    )
    found = _section(_search({"q": "cooperatives"}), "comments")
    url = reverse("manifesto:paragraph", args=[p5.chapter.slug, p5.key])
    assert f'href="{url}#comment-{comment.pk}"' in found
    assert "<mark>cooperatives</mark>" in found


@pytest.mark.django_db
def test_a_stemmed_form_finds_the_word_in_an_amendments_reason(member, p5) -> None:
    amendment = propose(member, p5, reason="It calls for the nationalisation of the banks.")
    found = _section(_search({"q": "nationalised"}), "amendments")
    assert f'href="{amendment.get_absolute_url()}"' in found
    assert "<mark>nationalisation</mark>" in found


@pytest.mark.django_db
def test_a_quoted_phrase_finds_the_chapter_text_at_its_line(seed_chapter, p5) -> None:
    found = _section(_search({"q": '"myriad of problems"'}), "text")
    assert 'href="/chapters/socialism-and-the-soviet-union/#L22"' in found
    assert "¶ 5, lines 22–26" in found
    assert "<mark>myriad" in found  # the phrase, or each of its words
    # The same words in another order are not the phrase.
    assert 'href="/chapters/socialism-and-the-soviet-union/#L22"' not in _section(
        _search({"q": '"problems of myriad"'}), "text"
    )


@pytest.mark.django_db
def test_a_match_further_into_a_paragraph_links_to_its_own_line(seed_chapter, p5) -> None:
    width = seed_chapter.manifesto.line_width
    label = next(label for label, text in line_texts(p5, width) if "industrial" in text)
    assert label != "22"  # not the paragraph's first line
    found = _section(_search({"q": "industrial envisaged"}), "text")
    assert f'href="/chapters/socialism-and-the-soviet-union/#L{label}"' in found


@pytest.mark.django_db
def test_an_excluded_word_leaves_out_what_has_it(seed_chapter, p5) -> None:
    assert "#L22" in _section(_search({"q": "myriad"}), "text")
    assert "#L22" not in _section(_search({"q": "myriad -outset"}), "text")


@pytest.mark.django_db
def test_every_word_must_be_there(seed_chapter) -> None:
    assert "#L22" not in _section(_search({"q": "myriad zanzibar"}), "text")


@pytest.mark.django_db
def test_a_title_counts_more_than_a_reason(member, other_member, p5) -> None:
    in_reason = propose(member, p5, title="A change", reason="Mention the soviets once here.")
    in_title = propose(other_member, p5, title="Soviets first", reason="Because.")
    found = _section(_search({"q": "soviets"}), "amendments")
    assert found.index(in_title.get_absolute_url()) < found.index(in_reason.get_absolute_url())
    assert "<bdi><mark>Soviets</mark> first</bdi>" in found


@pytest.mark.django_db
def test_a_footnote_links_to_its_note(seed_chapter) -> None:
    note = seed_chapter.paragraphs.get(kind=Paragraph.Kind.FOOTNOTE, footnote_number=1)
    word = max(re.findall(r"[A-Za-z]{6,}", note.text), key=len)
    found = _section(_search({"q": word, "kind": "text"}), "text")
    assert 'href="/chapters/socialism-and-the-soviet-union/#fn-1"' in found


# --- only what anyone may read now ----------------------------------------------------------


@pytest.mark.django_db
def test_hidden_and_deleted_comments_never_show_not_even_to_editors(
    member, other_member, editor, p5
) -> None:
    hidden = comment_post(author=member, body="Hidden cooperatives talk.", paragraph=p5)
    comment_hide(comment=hidden, editor=editor, reason="Off topic.")
    deleted = comment_post(author=other_member, body="Deleted cooperatives talk.", paragraph=p5)
    comment_delete(comment=deleted, user=other_member)
    kept = comment_post(author=other_member, body="Kept cooperatives talk.", paragraph=p5)
    for user in (None, member, editor):
        for params in ({"q": "cooperatives"}, {"q": "cooperatives", "kind": "comments"}):
            html = _search(params, user)
            assert f"#comment-{kept.pk}" in html
            assert "Hidden" not in html and f"#comment-{hidden.pk}" not in html
            assert "Deleted" not in html and f"#comment-{deleted.pk}" not in html


@pytest.mark.django_db
def test_a_withdrawn_amendment_and_its_discussion_are_left_out(member, other_member, p5) -> None:
    amendment = propose(member, p5, title="Collectivisation reconsidered")
    comment_post(author=other_member, body="On collectivisation, yes.", amendment=amendment)
    html = _search({"q": "collectivisation"})
    assert amendment.get_absolute_url() in _section(html, "amendments")
    assert f"{amendment.get_absolute_url()}#comment-" in _section(html, "comments")
    amendment_withdraw(amendment=amendment, user=member)
    html = _search({"q": "collectivisation"})
    assert amendment.get_absolute_url() not in html


@pytest.mark.django_db
def test_edited_amendments_and_comments_are_found_by_their_new_words(member, p5) -> None:
    amendment = propose(member, p5, title="Electrification", reason="Lenin said so.")
    comment = comment_post(author=member, body="Electrification first.", paragraph=p5)
    amendment_edit(
        amendment=amendment, user=member, title="Soviet power", text=amendment.proposed_text,
        reason="Lenin said so.",
    )  # fmt: skip
    comment_edit(comment=comment, user=member, body="Soviet power first.")
    assert "#comment-" not in _search({"q": "electrification"})
    assert amendment.get_absolute_url() not in _search({"q": "electrification"})
    html = _search({"q": "soviet power"})
    assert amendment.get_absolute_url() in html and f"#comment-{comment.pk}" in html


@pytest.mark.django_db
def test_a_deleted_paragraph_is_not_searched_but_current_text_is(editor, seed_chapter, p5) -> None:
    p5.text = p5.text.replace("myriad", "multitude")
    p5._change_reason = "test edit"
    p5.save()
    assert "#L22" not in _section(_search({"q": "myriad"}), "text")  # only the current text
    assert "#L22" in _section(_search({"q": "multitude"}), "text")
    p5.is_deleted = True
    p5.save()
    assert "#L22" not in _section(_search({"q": "multitude"}), "text")


# --- safe highlighting ----------------------------------------------------------------------


@pytest.mark.django_db
def test_hostile_text_is_escaped_and_only_the_marks_are_markup(member, p5) -> None:
    propose(member, p5, title='<script>alert("t")</script> Soviets', reason="<b>soviets</b> & co")
    comment_post(
        author=member,
        body='<img src=x onerror=alert(1)> Soviets & "friends" a<b c>d',
        paragraph=p5,
    )
    html = _search({"q": "soviets"})
    assert "<script>alert" not in html and "<img src" not in html and "<b>soviets" not in html
    assert "&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt; <mark>Soviets</mark>" in html
    assert "&amp; &quot;friends" in html
    snippets = re.findall(r'class="search-hit__snippet" dir="auto">(.*?)</p>', html, re.DOTALL)
    for snippet in snippets:
        assert re.sub(r"</?mark>", "", snippet).count("<") == 0


@pytest.mark.django_db
def test_the_markers_search_uses_inside_cannot_be_forged_by_text(member, p5) -> None:
    comment_post(author=member, body="\ue000 cooperatives \ue001 \ue000x", paragraph=p5)
    found = _section(_search({"q": "cooperatives", "kind": "comments"}), "comments")
    assert found.count("<mark>") == 1 and found.count("</mark>") == 1


def test_the_word_match_highlight_escapes_around_its_marks() -> None:
    patterns = [pattern for pattern, _ in parse_terms("bread").required]
    snippet, first = highlight("<i>Bread</i> & roses, breads", patterns)
    assert str(snippet) == "&lt;i&gt;<mark>Bread</mark>&lt;/i&gt; &amp; roses, <mark>breads</mark>"
    assert first == 3


def test_the_word_match_reads_phrases_exclusions_and_stems() -> None:
    terms = parse_terms('nationalised "planned  economy" -market "unclosed')
    assert [needle for _, needle in terms.required] == ["nationalis", "planned", "unclos"]
    assert terms.required[0][0].search("the NATIONALISATION of")
    assert terms.required[1][0].search("a planned, economy")
    assert not terms.required[1][0].search("an economy planned")
    assert terms.excluded[0].search("markets") and not terms.excluded[0].search("supermarket")
    assert crude_stem("cooperatives") == "cooperativ" and crude_stem("is") == "is"


# --- the page: limits, filters, pages, queries ----------------------------------------------


@pytest.mark.django_db
def test_an_empty_search_shows_the_empty_page(seed_chapter) -> None:
    for params in ({}, {"q": ""}, {"q": "   "}, {"chapter": seed_chapter.slug}):
        html = _search(params)
        assert 'name="q"' in html and "results-text" not in html and "Nothing found" not in html


@pytest.mark.django_db
def test_a_search_over_the_limit_is_refused_with_the_limit_named_and_kept(seed_chapter) -> None:
    typed = " ".join(["myriad"] * 40)
    html = _search({"q": typed})
    assert f"The search is {len(typed):,} characters; the maximum is {MAX_QUERY_CHARS}." in html
    assert f'value="{typed}"' in html and "results-text" not in html
    assert f'maxlength="{MAX_QUERY_CHARS}"' in html  # the header's box and the page's


@pytest.mark.django_db
def test_an_unknown_chapter_or_kind_is_answered(seed_chapter) -> None:
    html = _search({"q": "myriad", "chapter": "no-such-chapter"})
    assert "There is no such chapter: choose one from the list." in html
    html = _search({"q": "myriad", "kind": "everything", "page": "x"})
    assert "Choose what to show from the list." in html
    assert _search({"q": "myriad", "kind": "text", "page": "99999999999999999999"})


@pytest.mark.django_db
def test_nothing_found_says_so(seed_chapter) -> None:
    assert "Nothing found for" in _search({"q": "zanzibarian"})


@pytest.mark.django_db
def test_a_chapter_filter_keeps_to_that_chapter(seed_chapter) -> None:
    other = Chapter.objects.create(
        manifesto=seed_chapter.manifesto, title="Another", slug="another", order=2
    )
    Paragraph.objects.create(chapter=other, key=1, position="m", text="The myriad of others.")
    everywhere = _section(_search({"q": "myriad"}), "text")
    assert "/chapters/another/" in everywhere and "/chapters/socialism" in everywhere
    only = _section(_search({"q": "myriad", "chapter": seed_chapter.slug}), "text")
    assert "/chapters/another/" not in only and "/chapters/socialism" in only


def _comments(author, paragraph: Paragraph, count: int) -> list[Comment]:  # type: ignore[no-untyped-def]
    return [
        comment_post(author=author, body=f"Soviets number {i}.", paragraph=paragraph)
        for i in range(count)
    ]


@pytest.mark.django_db
def test_each_kind_shows_a_few_with_more_on_its_own_pages(member, p5) -> None:
    _comments(member, p5, PER_PAGE + 1)
    html = _search({"q": "soviets"})
    assert _section(html, "comments").count('class="search-hit"') == PER_KIND
    assert 'data-testid="more-comments"' in html
    first = _search({"q": "soviets", "kind": "comments"})
    assert _section(first, "comments").count('class="search-hit"') == PER_PAGE
    assert "results-text" not in first and 'rel="next"' in first
    second = _search({"q": "soviets", "kind": "comments", "page": "2"})
    assert _section(second, "comments").count('class="search-hit"') == 1
    assert 'rel="prev"' in second and 'rel="next"' not in second


def _tokenless(page: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)


@pytest.mark.django_db
@pytest.mark.parametrize("count", [2, 30])
def test_the_query_count_does_not_grow_with_the_results(
    member, other_member, p5, count, django_assert_num_queries
) -> None:
    _comments(member, p5, count)
    for i in range(count):
        paragraph = body_paragraph(p5.chapter, 1 + i % 10)
        amendment = propose(
            other_member, paragraph, f"{paragraph.text} {i}.", title=f"Soviets {i}", reason="Why."
        )
        comment_post(author=member, body="Soviets on it.", amendment=amendment)
    client = client_for(member)
    # session, user, unread notices, chapters, the stamp, then on a miss one query for each
    # kind: text, amendments, comments; on PostgreSQL one more for the snippets the cache does
    # not hold
    snippets = 1 if connection.vendor == "postgresql" else 0
    with django_assert_num_queries(8 + snippets):
        missed = _tokenless(client.get(SEARCH, {"q": "soviets"}).content.decode())
    with django_assert_num_queries(5):
        assert _tokenless(client.get(SEARCH, {"q": "soviets"}).content.decode()) == missed
    on_page_two = count > PER_PAGE  # else the page is empty: no snippets to make
    with django_assert_num_queries(6 + snippets * on_page_two):
        assert client.get(SEARCH, {"q": "soviets", "kind": "amendments", "page": "2"})


@pytest.mark.django_db
def test_search_boxes_in_the_header_and_on_the_chapter_page(seed_chapter) -> None:
    index = client_for(None).get(reverse("manifesto:index")).content.decode()
    assert f'action="{SEARCH}"' in index and 'id="site-search-q"' in index
    chapter = client_for(None).get(seed_chapter.get_absolute_url()).content.decode()
    assert 'id="chapter-search-q"' in chapter
    assert f'<input type="hidden" name="chapter" value="{seed_chapter.slug}">' in chapter


def test_the_search_page_is_the_same_search_as_the_service(db, seed_chapter) -> None:
    results = search_run(query="myriad", kind="text")
    assert results.kind == "text" and results.kinds[0].hits
    assert results.method == ("full-text" if connection.vendor == "postgresql" else "word match")


# --- PostgreSQL: the indexes are used -------------------------------------------------------


@pytest.mark.postgres
@on_postgres
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "table", "index"),
    [
        ("text", "manifesto_paragraph", "paragraph_text_search"),
        ("amendments", "amendments_amendment", "amendment_search"),
        ("comments", "amendments_comment", "comment_search"),
    ],
)
def test_each_kind_is_matched_through_its_gin_index(kind: str, table: str, index: str) -> None:
    # The very condition the search matches with (amendments.search.VECTORS). Tiny tables are
    # cheaper to scan, so scanning is forbidden: the plan then shows whether the index serves.
    vector = VECTORS[kind].format(t=f'"{table}".')
    sql = f"SELECT id FROM {table} WHERE {vector} @@ websearch_to_tsquery('english', 'soviets')"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert f"Bitmap Index Scan on {index}" in plan, plan


@pytest.mark.postgres
@on_postgres
@pytest.mark.django_db
def test_the_chapter_text_query_uses_its_index(seed_chapter) -> None:
    with CaptureQueriesContext(connection) as queries:
        search_run(query='"war communism" soviets -market', kind="text")
    # The search, then the snippets of what it found (the cache is empty).
    query, snippets = queries.captured_queries
    assert "ts_headline" in snippets["sql"] and "ts_headline" not in query["sql"]
    with CaptureQueriesContext(connection) as again:
        search_run(query='"war communism" soviets -market', kind="text")
    assert len(again.captured_queries) == 1, "the snippets were not read from the cache"
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + query["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Bitmap Index Scan on paragraph_text_search" in plan, plan


@pytest.mark.django_db
def test_search_answers_before_anything_is_imported() -> None:
    html = _search({"q": "soviets"})
    assert "Nothing found for" in html and 'value="soviets"' in html
