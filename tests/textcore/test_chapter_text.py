from pathlib import Path

import pytest

from textcore.chapter_text import ChapterFormatError, decode_chapter, is_heading, parse_chapter

SEED = Path(__file__).resolve().parents[2] / "fixtures" / "socialism-and-the-soviet-union.txt"


@pytest.fixture(scope="module")
def seed():
    return parse_chapter(SEED.read_text(encoding="utf-8"))


def test_header_lines(seed) -> None:
    assert seed.title == "Socialism and the Soviet Union"
    assert seed.publication_line == "Published: September 2020"
    assert seed.subtitle == (
        "Draft Topic for our ‘Transformation, a Manifesto for Democratic Socialism’"
    )


def test_counts_of_headings_paragraphs_footnotes_and_references(seed) -> None:
    assert len(seed.headings) == 13
    assert len(seed.body) == 73
    assert [b.footnote_number for b in seed.footnotes] == [1, 2, 3, 4, 5, 6, 7, 8]
    # Note 2 is referenced twice in the source; that oddity is kept.
    assert seed.footnote_refs() == [1, 2, 2, 3, 4, 5, 6, 7, 8]


def test_every_block_is_a_verbatim_line_of_the_source(seed) -> None:
    lines = SEED.read_text(encoding="utf-8").split("\n")
    for block in seed.blocks:
        if block.kind == "footnote":
            assert f"{block.footnote_number}. {block.text}" in lines
        else:
            assert block.text in lines
    # The paragraph that follows another without a blank line keeps its odd leading spaces.
    assert seed.body[2].text.startswith("\u00a0\u00a0 Russia’s October")


def test_headings_are_the_section_titles_in_order(seed) -> None:
    assert [h.text for h in seed.headings][:4] == [
        "Problems for the New Revolution",
        "Constituent Assembly Elections",
        "War Communism",
        "New Economic Policy (NEP)",
    ]
    assert seed.headings[-1].text == "Stagnation and Collapse"


def test_web_page_leftovers_are_not_text(seed) -> None:
    assert seed.editorial_note.startswith("Facebook discussion page:\nWe have set up")
    assert all("Leave a comment" not in b.text for b in seed.blocks)
    assert all("facebook" not in b.text.lower() for b in seed.blocks)


def test_a_short_paragraph_ending_in_a_footnote_marker_is_not_a_heading() -> None:
    assert not is_heading("It was all over.3")
    assert is_heading("War Communism")
    assert not is_heading("After Lenin’s death, major factional struggles developed. ")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"  \n\n ", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("Title\n\nBody text.".encode("utf-16"), "binary"),
        ("Tïtle\n\nBödy text.".encode("latin-1"), "not UTF-8"),
    ],
)
def test_unreadable_files_are_refused_with_a_clear_message(data: bytes, message: str) -> None:
    with pytest.raises(ChapterFormatError, match=message):
        parse_chapter(decode_chapter(data))


def test_a_title_without_body_is_refused() -> None:
    with pytest.raises(ChapterFormatError, match="no body"):
        parse_chapter("Only a title\n")


def test_windows_line_endings_read_the_same(seed) -> None:
    crlf = SEED.read_text(encoding="utf-8").replace("\n", "\r\n")
    again = parse_chapter(decode_chapter(crlf.encode("utf-8")))
    assert again.blocks == seed.blocks


def test_a_utf8_byte_order_mark_is_not_part_of_the_title() -> None:
    parsed = parse_chapter(decode_chapter("\ufeffTitle\n\nA body paragraph.".encode()))
    assert parsed.title == "Title"
