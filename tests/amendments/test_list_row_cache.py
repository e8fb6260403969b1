"""The public list's cached rows (amendments/row_cache.py) are never stale: after each thing
that changes what a row shows, the page read again shows the change, and is the very page a
cold cache renders."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.core.cache import cache
from django.template.loader import get_template
from django.urls import reverse

from accounts.services import user_update_profile
from amendments import row_cache
from amendments.models import Amendment
from amendments.services.deciding import amendment_accept, amendment_reject
from amendments.services.discussion import comment_hide, comment_post
from amendments.services.milestones import milestone_mark
from amendments.services.proposing import (
    amendment_edit,
    amendment_withdraw,
    support_add,
    support_remove,
)
from amendments.services.texts import reference_set
from tests.amendments.conftest import body_paragraph, propose
from tests.conftest import client_for, make_user

pytestmark = pytest.mark.django_db
URL = reverse("amendments:list")


def _row(amendment: Amendment) -> str:
    page = client_for(None).get(URL).content.decode()
    found = re.search(
        rf'<li class="amendment-row" id="amendment-{amendment.pk}">.*?</li>', page, re.S
    )
    assert found, f"#{amendment.pk} is not on the page"
    return found.group(0)


def _after(amendment: Amendment, change: Callable[[], object]) -> str:
    """The row read (and so cached) before ``change``, then read again after it; checked to
    be what a cold cache renders."""
    before = _row(amendment)
    change()
    after = _row(amendment)
    cache.clear()
    assert after == _row(amendment), "the cached row differs from a fresh one"
    assert after != before, "the row did not change"
    return after


@pytest.fixture
def on_three(seed_chapter, member):  # type: ignore[no-untyped-def]
    p3 = body_paragraph(seed_chapter, 3)
    return propose(member, p3, p3.text + " More words here.", title="Longer three")


def test_a_row_is_rendered_once_and_then_read_from_the_cache(on_three, monkeypatch) -> None:
    first = _row(on_three)

    def no_rendering(*args: object, **kwargs: object) -> str:
        raise AssertionError("rendered again")

    monkeypatch.setattr(row_cache, "render_to_string", no_rendering)
    assert _row(on_three) == first


def test_support_and_its_withdrawal_show(on_three, other_member) -> None:
    assert "0 supporters" in _row(on_three)
    row = _after(on_three, lambda: support_add(amendment=on_three, user=other_member))
    assert "1 supporter<" in row or "1 supporter\n" in row
    row = _after(on_three, lambda: support_remove(amendment=on_three, user=other_member))
    assert "0 supporters" in row


def test_the_author_withdrawing_shows(on_three, member) -> None:
    row = _after(on_three, lambda: amendment_withdraw(amendment=on_three, user=member))
    assert "status--withdrawn" in row


def test_decisions_show(seed_chapter, on_three, member, editor) -> None:
    row = _after(on_three, lambda: amendment_accept(amendment=on_three, editor=editor))
    assert "status--accepted" in row
    p4 = body_paragraph(seed_chapter, 4)
    other = propose(member, p4, p4.text + " Other.", title="On four")
    row = _after(other, lambda: amendment_reject(amendment=other, editor=editor, reason="No."))
    assert "status--rejected" in row


def test_an_edit_by_the_author_shows(on_three, member) -> None:
    p3 = on_three.paragraph

    def edit() -> None:
        amendment_edit(
            amendment=on_three,
            user=member,
            title="Renamed <three>",
            text=p3.text + " Many more words are added here now.",
            reason="Longer.",
        )

    row = _after(on_three, edit)
    assert "Renamed &lt;three&gt;" in row
    assert "+7 words" in row


def test_a_carry_forward_after_another_is_accepted_shows(
    seed_chapter, member, other_member, editor
):
    p3 = body_paragraph(seed_chapter, 3)
    first = propose(member, p3, p3.text + " First addition.", title="First")
    # A rewrite of the whole paragraph cannot be carried over the accepted addition.
    second = propose(other_member, p3, "An entirely different paragraph.", title="Second")
    row = _after(second, lambda: amendment_accept(amendment=first, editor=editor))
    second.refresh_from_db()
    assert second.status == Amendment.Status.CONFLICT
    assert "status--conflict" in row


def test_comments_and_hiding_them_leave_the_row_right(on_three, other_member, editor) -> None:
    row = _row(on_three)
    comment = comment_post(author=other_member, body="Good idea.", amendment=on_three)
    assert _row(on_three) == row  # the row shows no count of comments
    comment_hide(comment=comment, editor=editor, reason="Off topic.")
    assert _row(on_three) == row
    cache.clear()
    assert _row(on_three) == row


def test_reference_renumbering_shows_the_new_paragraph_number(
    seed_chapter, member, other_member, editor
) -> None:
    p4, p5 = body_paragraph(seed_chapter, 4), body_paragraph(seed_chapter, 5)
    on_five = propose(member, p5, p5.text + " Added.", title="On five")
    new = propose(other_member, p4, "A new paragraph.", kind="insert", title="New")
    amendment_accept(amendment=new, editor=editor)
    assert "¶ 5," in _row(on_five)

    def renumber() -> None:
        congress = milestone_mark(chapter=seed_chapter, editor=editor, name="Congress draft")
        reference_set(chapter=seed_chapter, editor=editor, milestone=congress, reason="Congress")

    row = _after(on_five, renumber)
    assert "¶ 6," in row


def test_a_new_display_name_of_the_author_shows(on_three, member) -> None:
    def rename() -> None:
        user_update_profile(
            user=member, display_name="Alice Renamed", email=member.email, wants_daily_digest=False
        )

    row = _after(on_three, rename)
    assert "Alice Renamed" in row
    assert "Alice Member" not in row


def test_a_new_role_of_the_author_shows(on_three, member) -> None:
    from accounts.services import user_set_role

    row = _after(on_three, lambda: user_set_role(user=member, role="editor"))
    assert "(editor)" in row


def test_the_same_row_in_another_time_zone_is_another_fragment(on_three) -> None:
    from django.utils import timezone

    key = row_cache.row_key(_listed(on_three))
    with timezone.override("Pacific/Kiritimati"):
        assert row_cache.row_key(_listed(on_three)) != key


def _listed(amendment: Amendment) -> row_cache.Listed:
    from amendments.listing import ListedAmendment

    fetched = Amendment.objects.select_related("author", "chapter", "paragraph").get(
        pk=amendment.pk
    )
    return ListedAmendment(fetched, "¶ 3")


def test_the_row_templates_show_nothing_that_is_not_in_the_stamp() -> None:
    # Every ``amendment.…`` the row's templates name must be in the key (STAMPED_FIELDS), or a
    # change to it would not show: a new field shown in a row must be added to the stamp.
    named = set()
    for name in row_cache.ROW_TEMPLATES:
        source = get_template(name).template.source  # type: ignore[attr-defined]
        named |= set(re.findall(r"\bamendment\.([\w.]+)", source))
    assert named <= row_cache.STAMPED_FIELDS, named - row_cache.STAMPED_FIELDS


def test_escaping_survives_the_cache(seed_chapter) -> None:
    hostile = make_user("mallory", display_name="<b>Mallory</b>")
    p3 = body_paragraph(seed_chapter, 3)
    amendment = propose(hostile, p3, p3.text + " X.", title="<script>alert(1)</script>")
    for _ in range(2):
        row = _row(amendment)
        assert "<script>" not in row and "&lt;script&gt;" in row
        assert "<b>Mallory" not in row


def test_the_cached_filter_form_offers_a_new_author_and_keeps_each_visitors_values(
    seed_chapter, on_three, other_member
) -> None:
    client = client_for(None)
    assert '<option value="Alice Member">' in client.get(URL).content.decode()
    assert '<option value="Bob Member">' not in client.get(URL).content.decode()
    propose(other_member, body_paragraph(seed_chapter, 4), title="Bob's")
    page = client.get(URL).content.decode()
    assert '<option value="Bob Member">' in page
    typed = client.get(URL + "?author=Bob&status=pending").content.decode()
    assert 'value="Bob"' in typed and '<option value="pending" selected>' in typed
    assert 'name="mine"' not in typed
    member_page = client_for(other_member).get(URL).content.decode()
    assert 'name="mine"' in member_page
