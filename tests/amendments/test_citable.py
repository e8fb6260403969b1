"""Citable text: ¶ and line numbers of a reference that do not move when amendments are
accepted, until editors move the reference; amendments keep the citation they were proposed
with."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from amendments.citations import amendment_citation
from amendments.models import Amendment, Decision
from amendments.services.deciding import amendment_accept
from amendments.services.milestones import milestone_mark
from amendments.services.texts import line_numbering_update, reference_set
from manifesto.models import Chapter, Paragraph
from manifesto.reference import paragraph_lines
from manifesto.selectors import body_numbers
from tests.amendments.conftest import body_paragraph, propose
from tests.conftest import client_for
from textcore.lines import break_lines


def _second_line_reworded(paragraph: Paragraph) -> str:
    """The paragraph with the first word of its second line (at 80 characters) replaced."""
    line = break_lines(paragraph.text, 80)[1]
    word_end = paragraph.text.index(" ", line.start)
    return paragraph.text[: line.start] + "Reworded" + paragraph.text[word_end:]


def _reference(name: str) -> str:
    return f'<span class="citation__reference"><bdi>{name}</bdi></span>'


def _reload(paragraph: Paragraph) -> Paragraph:
    return Paragraph.objects.get(pk=paragraph.pk)


@pytest.mark.django_db
def test_numbers_stay_put_until_the_reference_moves(
    seed_chapter, member, other_member, editor, mailoutbox, django_capture_on_commit_callbacks
):
    chapter = seed_chapter
    p = {n: body_paragraph(chapter, n) for n in (2, 3, 4, 5, 11)}
    lines = {n: paragraph_lines(p[n], 80).labels for n in (3, 5, 11)}
    assert lines[11][0] == str(p[11].ref_first_line)

    # Proposed before anything changes: a word at the start of ¶ 11's second line.
    earlier = propose(member, p[11], _second_line_reworded(p[11]), title="Reword ¶ 11")
    second = p[11].ref_first_line + 1
    assert earlier.cited_as == f"¶ 11, line {second}"
    assert earlier.cited_reference.name == "As published"

    deletion = propose(member, p[2], "", kind="delete", title="Cut ¶ 2")
    first_new = propose(member, p[4], "A first new paragraph.", kind="insert", title="New A")
    second_new = propose(other_member, p[4], "A second new one.", kind="insert", title="New B")
    for amendment in (deletion, first_new, second_new):
        with django_capture_on_commit_callbacks(execute=True):
            amendment_accept(amendment=amendment, editor=editor)

    deleted_lines = f"lines {p[2].ref_first_line}–{p[2].ref_first_line + p[2].ref_line_count - 1}"
    told = [m.body for m in mailoutbox if "Cut ¶ 2" in m.body]
    published = "\u2068As published\u2069"
    assert told and f", ¶ 2, {deleted_lines} of {published}, is now: accepted" in told[0]

    labels = body_numbers([chapter])
    assert (labels[p[3].pk], labels[p[5].pk], labels[p[11].pk]) == ("3", "5", "11")
    assert labels[p[2].pk] == "2"  # deleted: a gap, not a number given to another
    new = Paragraph.objects.filter(chapter=chapter, in_reference=False, kind="body")
    assert sorted(labels[n.pk] for n in new) == ["4a", "4b"]
    for n in (3, 5, 11):
        assert paragraph_lines(_reload(p[n]), 80).labels == lines[n]

    earlier.refresh_from_db()
    assert str(amendment_citation(earlier, labels[p[11].pk], 80)) == f"¶ 11, line {second}"
    client = client_for(editor)
    page = client.get(earlier.get_absolute_url()).content.decode()
    assert f"¶ 11, line {second}</span> of {_reference('As published')}" in page
    assert "proposed as" not in page
    queue = client.get(reverse("amendments:queue")).content.decode()
    assert f"¶ 11, line {second}" in queue

    # The editors move the reference: everything renumbers at once.
    congress = milestone_mark(chapter=chapter, editor=editor, name="Congress draft")
    reference_set(chapter=chapter, editor=editor, milestone=congress, reason="Congress")
    labels = body_numbers([chapter])
    assert labels[p[11].pk] == "12"
    assert labels[p[5].pk] == "6"
    assert p[2].pk not in labels or _reload(p[2]).in_reference is False
    assert not Paragraph.objects.filter(chapter=chapter, kind="body", is_deleted=False).filter(
        in_reference=False
    )
    moved = _reload(p[11])
    assert moved.ref_first_line == p[11].ref_first_line - p[2].ref_line_count + 2
    earlier.refresh_from_db()
    assert earlier.cited_as == f"¶ 11, line {second}"  # as proposed, kept
    now = amendment_citation(earlier, labels[p[11].pk], 80)
    assert str(now) == f"¶ 12, line {moved.ref_first_line + 1}"
    page = client.get(earlier.get_absolute_url()).content.decode()
    assert f"{now}</span> of {_reference('Congress draft')}" in page
    assert f"proposed as ¶ 11, line {second} of <bdi>As published</bdi>" in page
    queue = client.get(reverse("amendments:queue")).content.decode()
    assert str(now) in queue
    assert Decision.objects.filter(action=Decision.Action.REFERENCE_CHANGED).count() == 1


@pytest.mark.django_db
def test_only_editors_move_the_reference_and_only_to_the_chapters_own_milestones(
    seed_chapter, member, editor
):
    congress = milestone_mark(chapter=seed_chapter, editor=editor, name="Congress draft")
    with pytest.raises(ValidationError):
        reference_set(chapter=seed_chapter, editor=member, milestone=congress, reason="")
    other = Chapter.objects.create(manifesto=seed_chapter.manifesto, title="Other", slug="other")
    with pytest.raises(ValidationError) as refused:
        reference_set(chapter=other, editor=editor, milestone=congress, reason="wrong chapter")
    assert "another chapter" in str(refused.value)
    # Setting the same reference again changes and logs nothing.
    published = seed_chapter.reference_milestone
    reference_set(chapter=seed_chapter, editor=editor, milestone=published, reason="")
    assert not Decision.objects.filter(action=Decision.Action.REFERENCE_CHANGED).exists()


@pytest.mark.django_db
def test_line_length_changes_before_a_round_opens_and_not_after(seed_chapter, member, editor):
    manifesto = seed_chapter.manifesto
    line_numbering_update(
        manifesto=manifesto, editor=editor, line_width=60, continuous=False, reason="narrower"
    )
    lines = Paragraph.objects.filter(chapter=seed_chapter, ref_first_line__isnull=False)
    last = max(p.ref_first_line + p.ref_line_count - 1 for p in lines)
    assert last > 450
    decision = Decision.objects.get(action=Decision.Action.LINES_CHANGED)
    assert "Line width: 80 → 60." in decision.reason
    with pytest.raises(ValidationError) as refused:
        line_numbering_update(
            manifesto=manifesto, editor=editor, line_width=10, continuous=False, reason=""
        )
    assert "20 to 200" in str(refused.value)
    propose(member, body_paragraph(seed_chapter, 1))
    with pytest.raises(ValidationError) as refused:
        line_numbering_update(
            manifesto=manifesto, editor=editor, line_width=80, continuous=False, reason=""
        )
    assert "1 amendment already cite" in str(refused.value)
    manifesto.refresh_from_db()
    assert manifesto.line_width == 60


@pytest.mark.django_db
def test_continuous_numbering_runs_on_into_the_next_chapter(seed_chapter, editor):
    from manifesto.services import chapter_import

    manifesto = seed_chapter.manifesto
    line_numbering_update(
        manifesto=manifesto, editor=editor, line_width=80, continuous=True, reason="one text"
    )
    second = chapter_import(data=b"Second\n\nA short chapter.\n", slug="second", user=editor)
    first_line = Paragraph.objects.get(chapter=second, kind="body").ref_first_line
    assert first_line == 451


@pytest.mark.django_db
def test_the_queue_filters_by_paragraph_label_and_by_line(seed_chapter, member, editor):
    p11 = body_paragraph(seed_chapter, 11)
    on_line = propose(member, p11, _second_line_reworded(p11), title="Second line")
    elsewhere = propose(member, body_paragraph(seed_chapter, 12), title="On ¶ 12")
    client = client_for(editor)
    url = reverse("amendments:queue")

    def shown(query: str) -> set[int]:
        response = client.get(url + query)
        assert response.status_code == 200
        return {a.pk for g in response.context["queue"].groups for a in g.amendments}

    line = p11.ref_first_line + 1
    assert shown("?paragraph=11") == {on_line.pk}
    assert shown("?paragraph=%C2%B6+12") == {elsewhere.pk}
    assert shown(f"?lines={line}") == {on_line.pk}
    assert shown(f"?lines={line + 1}") == set()
    assert shown(f"?lines={p11.ref_first_line}-{line + 500}") == {on_line.pk, elsewhere.pk}
    response = client.get(url + "?paragraph=eleven&lines=12x")
    page = response.content.decode()
    assert "is not a ¶ number" in page and "is not a line or a range of lines" in page
    assert response.context["queue"].total == 2
    assert Amendment.objects.count() == 2


@pytest.mark.django_db
def test_the_propose_page_cites_the_paragraph_by_its_reference_lines(seed_chapter, member):
    p11 = body_paragraph(seed_chapter, 11)
    url = reverse("amendments:propose", args=[seed_chapter.slug, p11.key])
    page = client_for(member).get(url).content.decode()
    last = p11.ref_first_line + p11.ref_line_count - 1
    assert f"(¶ 11, lines {p11.ref_first_line}–{last} of <bdi>As published</bdi>)" in page


@pytest.mark.django_db
def test_moving_a_chapter_renumbers_lines_that_run_on_through_the_manifesto(seed_chapter, editor):
    from amendments.services.texts import chapter_update
    from manifesto.services import chapter_import

    manifesto = seed_chapter.manifesto
    line_numbering_update(
        manifesto=manifesto, editor=editor, line_width=80, continuous=True, reason="one text"
    )
    second = chapter_import(data=b"Second\n\nA short chapter.\n", slug="second", user=editor)
    chapter_update(chapter=second, editor=editor, changes={"order": 0}, reason="first now")
    assert Paragraph.objects.get(chapter=second, kind="body").ref_first_line == 1
    first_of_seed = Paragraph.objects.filter(chapter=seed_chapter, ref_first_line__isnull=False)
    assert min(p.ref_first_line for p in first_of_seed) == 2
