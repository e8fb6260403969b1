"""Exports number the text by the reference: ¶ labels and line labels that do not move when
amendments are accepted, in every format that keeps lines, and never in Word's body."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from amendments.services.deciding import amendment_accept
from amendments.services.texts import reference_set
from manifesto.exports import NOW, PUBLISHED, TEXT_FORMATS, export_document, render
from manifesto.services import milestone_create
from tests.amendments.conftest import body_paragraph, propose
from tests.conftest import SEED_TEXT
from textcore.lines import break_lines, line_texts

pytestmark = pytest.mark.django_db

SEED_LINES = 450
# "  123  text": a label right-aligned in the gutter, two spaces, the line.
NUMBERED = re.compile(r"^ *(\d+[a-z]*)  (\S.*)$")


def _numbered_lines(text: str) -> list[tuple[str, str]]:
    return [m.groups() for line in text.splitlines() if (m := NUMBERED.match(line))]


def _txt(chapter, moment=NOW) -> str:
    document = export_document(chapter.manifesto, [chapter], moment)
    return render(document, TEXT_FORMATS["txt"], line_numbers=True).decode()


def _expected_lines(chapter) -> list[str]:
    """The text of every line of the chapter's headings and body paragraphs, in order."""
    width = chapter.manifesto.line_width
    lines: list[str] = []
    for paragraph in chapter.paragraphs.filter(is_deleted=False).exclude(kind="footnote"):
        lines.extend(line_texts(paragraph.text, break_lines(paragraph.text, width)))
    return lines


def test_the_seed_chapter_has_its_450_lines_each_numbered_once_in_order(seed_chapter) -> None:
    numbered = _numbered_lines(_txt(seed_chapter))
    assert [label for label, _ in numbered] == [str(n) for n in range(1, SEED_LINES + 1)]
    assert [text for _, text in numbered] == _expected_lines(seed_chapter)


def _labels(document) -> dict[str, str]:
    """¶ label by text, of every body paragraph in the document."""
    return {b.text: b.label for c in document.chapters for b in c.blocks if b.kind == "body"}


NEW_BODY = "A paragraph the congress added after the tenth, in words of its own."


def test_an_inserted_paragraph_is_10a_in_every_output_and_its_lines_are_unnumbered(
    seed_chapter, member, editor
) -> None:
    p10, p11 = body_paragraph(seed_chapter, 10), body_paragraph(seed_chapter, 11)
    amendment_accept(amendment=propose(member, p10, NEW_BODY, kind="insert"), editor=editor)
    document = export_document(seed_chapter.manifesto, [seed_chapter], NOW)
    labels = _labels(document)
    assert labels[NEW_BODY] == "10a"
    assert labels[p10.text] == "10" and labels[p11.text] == "11"
    # The text as published has no ¶ 10a, and its ¶ 11 is the same ¶ 11.
    assert _labels(export_document(seed_chapter.manifesto, [seed_chapter], PUBLISHED)) == {
        text: label for text, label in labels.items() if text != NEW_BODY
    }

    text = _txt(seed_chapter)
    numbered = _numbered_lines(text)
    # Every line of the reference keeps its number; the new paragraph's line has none.
    assert [label for label, _ in numbered] == [str(n) for n in range(1, SEED_LINES + 1)]
    gutter = " " * (len(str(SEED_LINES)) + 2)
    assert f"\n{gutter}{NEW_BODY}\n" in text

    markdown = render(document, TEXT_FORMATS["md"], line_numbers=True).decode()
    assert f"\n\n{NEW_BODY}\n\n" in markdown  # no label in front of it
    html = render(document, TEXT_FORMATS["html"], line_numbers=True).decode()
    assert f'<span class="line">{NEW_BODY}</span>' in html


def test_after_a_deletion_later_paragraphs_keep_their_lines_and_the_gap_shows(
    seed_chapter, member, editor
) -> None:
    p2, p3 = body_paragraph(seed_chapter, 2), body_paragraph(seed_chapter, 3)
    before = {label: text for label, text in _numbered_lines(_txt(seed_chapter))}
    amendment_accept(amendment=propose(member, p2, "", kind="delete"), editor=editor)
    after = dict(_numbered_lines(_txt(seed_chapter)))
    gap = {str(n) for n in range(p2.ref_first_line, p2.ref_first_line + p2.ref_line_count)}
    assert (p2.ref_first_line, p2.ref_line_count) == (4, 7)
    assert set(before) - set(after) == gap
    assert all(after[label] == text for label, text in before.items() if label not in gap)
    document = export_document(seed_chapter.manifesto, [seed_chapter], NOW)
    assert _labels(document)[p3.text] == "3"


def test_a_changed_paragraph_is_numbered_against_its_reference_text(
    seed_chapter, member, editor
) -> None:
    p3 = body_paragraph(seed_chapter, 3)  # lines 11-17
    longer = p3.text.replace("democratic revolution.", "democratic revolution, " + "and " * 30)
    amendment_accept(amendment=propose(member, p3, longer), editor=editor)
    labels = [label for label, _ in _numbered_lines(_txt(seed_chapter))]
    ours = labels[labels.index("11") : labels.index("18")]
    # More lines than the reference had: the extra ones begin in reference line 11 or 12
    # and carry letters; the numbers stay in order and the next paragraph still starts at 18.
    assert ours[0] == "11" and len(ours) > 7
    assert any(label[-1].isalpha() for label in ours)
    assert labels[labels.index("18") - 1] in ours


def test_docx_takes_no_line_numbers_and_the_command_says_why(seed_chapter, tmp_path) -> None:
    target = tmp_path / "out.docx"
    for fmt in ("docx", "tracked-docx", "changes-docx", "changes-html"):
        with pytest.raises(CommandError, match="Line numbers come with the text as plain text"):
            call_command(
                "export", seed_chapter.slug, "--format", fmt, "--line-numbers", "-o", str(target)
            )
    assert not target.exists()


def test_the_command_prints_line_numbers(seed_chapter, tmp_path) -> None:
    for fmt in ("txt", "md", "html"):
        target = tmp_path / f"out.{fmt}"
        call_command(
            "export",
            seed_chapter.slug,
            "--format",
            fmt,
            "--line-numbers",
            "-o",
            str(target),
            stderr=io.StringIO(),
        )
        body = target.read_text(encoding="utf-8")
        assert {
            "txt": "\n450  ",
            "md": "\n`450` ",
            "html": 'class="ln ln--fifth" aria-hidden="true">450</span>',
        }[fmt] in body
    plain = tmp_path / "plain.txt"
    call_command("export", seed_chapter.slug, "--format", "txt", "-o", str(plain))
    assert "450  " not in plain.read_text(encoding="utf-8")


def test_the_command_numbers_a_chapter_file_as_its_own_reference(tmp_path) -> None:
    target = tmp_path / "file.txt"
    call_command("export", str(SEED_TEXT), "--format", "txt", "--line-numbers", "-o", str(target))
    labels = [label for label, _ in _numbered_lines(target.read_text(encoding="utf-8"))]
    assert labels == [str(n) for n in range(1, SEED_LINES + 1)]


def test_moving_the_reference_renumbers_every_export_at_once(seed_chapter, member, editor) -> None:
    p10, p11 = body_paragraph(seed_chapter, 10), body_paragraph(seed_chapter, 11)
    amendment_accept(amendment=propose(member, p10, NEW_BODY, kind="insert"), editor=editor)
    assert _labels(export_document(seed_chapter.manifesto, [seed_chapter], NOW))[p11.text] == "11"
    milestone = milestone_create(chapter=seed_chapter, editor=editor, name="Congress draft")
    reference_set(chapter=seed_chapter, editor=editor, milestone=milestone, reason="Congress")
    seed_chapter.refresh_from_db()
    for moment in (NOW, PUBLISHED):  # the same numbers in an export of any moment
        labels = _labels(export_document(seed_chapter.manifesto, [seed_chapter], moment))
        assert labels[p11.text] == "12"
    assert _labels(export_document(seed_chapter.manifesto, [seed_chapter], NOW))[NEW_BODY] == "11"
    numbered = _numbered_lines(_txt(seed_chapter))
    assert [label for label, _ in numbered] == [str(n) for n in range(1, len(numbered) + 1)]
    assert len(numbered) == SEED_LINES + 1


def test_a_text_export_reads_the_numbering_in_one_more_query(
    client, seed_chapter, django_assert_num_queries
) -> None:
    url = reverse("manifesto:export")
    client.get(url, {"chapter": seed_chapter.slug, "format": "txt"})  # session and caches
    # 4 before line numbers; the fifth reads the current paragraphs' reference fields (the
    # history rows of a past moment do not keep them).
    with django_assert_num_queries(5):
        client.get(url, {"chapter": seed_chapter.slug, "format": "txt"})


def test_the_export_form_offers_line_numbers_and_explains_a_refusal(client, seed_chapter):
    page = client.get(seed_chapter.get_absolute_url()).content.decode()
    assert 'name="line_numbers" value="1"' in page
    url = reverse("manifesto:export")
    numbered = client.get(url, {"chapter": seed_chapter.slug, "format": "txt", "line_numbers": "1"})
    assert numbered.status_code == 200
    lines = numbered.content.decode().splitlines()
    assert any(line.lstrip().startswith("450 ") for line in lines)
    plain = client.get(url, {"chapter": seed_chapter.slug, "format": "txt"})
    assert not any(line.lstrip().startswith("450 ") for line in plain.content.decode().splitlines())
    refused = client.get(
        url, {"chapter": seed_chapter.slug, "format": "docx", "line_numbers": "1"}, follow=True
    )
    assert refused.status_code == 200
    assert "Word reflows lines" in refused.content.decode()
