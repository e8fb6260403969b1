"""The amendment list as CSV and XLSX: the same columns, the list's filters, formulas made
plain text, and a query count that does not grow with the rows."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from amendments.list_export import COLUMNS, guarded
from amendments.services.deciding import amendments_reject
from amendments.services.proposing import support_add
from tests.amendments.conftest import body_paragraph, propose
from tests.amendments.test_amendment_list import _bulk

pytestmark = pytest.mark.django_db
CSV_URL = reverse("amendments:list_csv")
XLSX_URL = reverse("amendments:list_xlsx")


def _csv(client, query: str = "") -> list[list[str]]:  # type: ignore[no-untyped-def]
    response = client.get(CSV_URL + query)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="amendments.csv"'
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())  # Excel reads it as UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def _xlsx(client, query: str = "") -> list[list[object]]:  # type: ignore[no-untyped-def]
    response = client.get(XLSX_URL + query)
    assert response.status_code == 200
    assert "amendments.xlsx" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [
        ["" if cell is None else cell for cell in row]
        for row in workbook["Amendments"].iter_rows(values_only=True)
    ]


@pytest.fixture
def decided(seed_chapter, member, other_member, editor):  # type: ignore[no-untyped-def]
    p2, p3 = body_paragraph(seed_chapter, 2), body_paragraph(seed_chapter, 3)
    hostile = propose(
        member,
        p3,
        p3.text + " Ünïcode “quoted”.",
        title='=HYPERLINK("http://evil.example")',
        reason="@SUM(1+1) and more",
    )
    plain = propose(other_member, p2, kind="delete", text="", title="Cut ¶ 2", reason="-1 words")
    amendments_reject([plain], editor=editor, reason="+Keep it.")
    support_add(amendment=hostile, user=other_member)
    return hostile, plain


def test_csv_has_the_columns_filters_and_text_order(client, decided) -> None:
    hostile, plain = decided
    rows = _csv(client)
    assert rows[0] == list(COLUMNS)
    assert [row[0] for row in rows[1:]] == [str(plain.pk), str(hostile.pk)]  # ¶ 2 before ¶ 3
    by_number = {row[0]: dict(zip(COLUMNS, row, strict=True)) for row in rows[1:]}
    cut = by_number[str(plain.pk)]
    assert cut["¶ and lines"].startswith("¶ 2, line")
    assert cut["Status"] == "Rejected" and cut["Proposed text"] == ""
    assert cut["Decision"].startswith("Rejected by Erin Editor (editor) on ")
    assert cut["Decision reason"] == "'+Keep it." and cut["Reason"] == "'-1 words"
    change = by_number[str(hostile.pk)]
    assert change["Title"] == '\'=HYPERLINK("http://evil.example")'
    assert change["Reason"] == "'@SUM(1+1) and more"
    assert change["Author"] == "Alice Member" and change["Supporters"] == "1"
    assert change["Proposed text"].endswith("Ünïcode “quoted”.")
    assert change["Word change"] == "2" and change["Decision"] == ""
    only_rejected = _csv(client, "?status=rejected")
    assert [row[0] for row in only_rejected[1:]] == [str(plain.pk)]
    assert [row[0] for row in _csv(client, "?author=bob+member")[1:]] == [str(plain.pk)]


def test_xlsx_has_the_same_rows_as_the_csv(client, decided) -> None:
    rows = _xlsx(client)
    assert rows[0] == list(COLUMNS)
    as_text = [[str(cell) for cell in row] for row in rows]
    assert as_text == _csv(client)
    # Numbers are numbers; formulas are text.
    assert isinstance(rows[1][0], int) and isinstance(rows[1][8], int)
    assert str(rows[2][4]).startswith("'=")
    assert [row[0] for row in _xlsx(client, "?status=pending")[1:]] == [decided[0].pk]


def test_xlsx_leaves_out_characters_a_workbook_cannot_hold(client, member, seed_chapter) -> None:
    paragraph = body_paragraph(seed_chapter, 4)
    amendment = propose(member, paragraph, title="Bell", reason="A bell\x07 rang.")
    rows = _xlsx(client)
    assert rows[1][0] == amendment.pk and rows[1][10] == "A bell rang."


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@A1", "\tx", "\rx"])
def test_every_formula_start_is_guarded(value) -> None:
    assert guarded(value) == "'" + value
    assert guarded("a=1") == "a=1" and guarded(-1) == -1


def test_mine_in_a_download_needs_a_member(client, decided) -> None:
    # A visitor's "mine" is ignored: the whole list.
    assert len(_csv(client, "?mine=1")) == 3


@pytest.mark.parametrize("count", [10, 2_000])
def test_download_queries_do_not_grow_with_the_rows(
    client, seed_chapter, member, count, django_assert_num_queries
) -> None:
    paragraphs = list(seed_chapter.paragraphs.filter(kind="body", is_deleted=False))
    _bulk(seed_chapter, member, count, paragraphs)
    # ¶ labels, then the rows (read in chunks: on SQLite one query, on PostgreSQL a cursor)
    with django_assert_num_queries(2):
        assert len(_csv(client)) == count + 1
    with django_assert_num_queries(2):
        assert len(_xlsx(client)) == count + 1
