"""The review queue's cached rows, paragraph groups, ledgers and competing pairs
(amendments/queue_cache.py, amendments/review_queue.py) are never stale: after each thing that
changes what the queue shows, done through the real service, the page read again shows the
change, and is the very page a cold cache renders."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.core.cache import cache
from django.template.loader import get_template
from django.urls import reverse

from accounts.models import User
from accounts.services import user_set_role, user_update_profile
from amendments import queue_cache, reading_cache, review_queue
from amendments.models import Amendment, Support
from amendments.selectors import manifesto_stamp
from amendments.services.deciding import amendment_accept, amendment_reject
from amendments.services.discussion import comment_hide, comment_post
from amendments.services.limits import chapter_set_limit
from amendments.services.milestones import milestone_mark
from amendments.services.paragraphs import paragraph_edit
from amendments.services.proposing import (
    amendment_edit,
    amendment_withdraw,
    support_add,
    support_remove,
)
from amendments.services.recommending import (
    recommendation_answer,
    recommendation_set,
    recommendations_publish,
)
from amendments.services.texts import reference_set
from tests.amendments.conftest import body_paragraph, propose
from tests.conftest import client_for, make_user

pytestmark = pytest.mark.django_db
URL = reverse("amendments:queue") + "?status=all"


def _page(editor: User) -> str:
    page = client_for(editor).get(URL).content.decode()
    # The form's token is masked afresh on every response; nothing else on the page is.
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)


def _row(page: str, amendment: Amendment) -> str:
    found = re.search(rf'<li class="queue-item[^"]*" id="queue-{amendment.pk}".*?</li>', page, re.S)
    assert found, f"#{amendment.pk} is not in the queue"
    return found.group(0)


def _group(page: str, paragraph_id: int) -> str:
    found = re.search(rf'<section [^>]*"group-{paragraph_id}">.*?</section>', page, re.S)
    assert found, f"the paragraph {paragraph_id} is not in the queue"
    return found.group(0)


def _after(editor: User, change: Callable[[], object]) -> str:
    """The queue read (and so cached) before ``change``, then read again after it; checked
    to be what a cold cache renders, and to differ from before."""
    before = _page(editor)
    change()
    after = _page(editor)
    cache.clear()
    assert after == _page(editor), "the cached queue differs from a fresh one"
    assert after != before, "the queue did not change"
    return after


@pytest.fixture
def on_three(seed_chapter, member):  # type: ignore[no-untyped-def]
    p3 = body_paragraph(seed_chapter, 3)
    return propose(member, p3, p3.text + " More words here.", title="Longer three")


def test_rows_groups_and_ledgers_are_rendered_once_then_read_from_the_cache(
    on_three, editor, monkeypatch
) -> None:
    first = _page(editor)

    def no_rendering(*args: object, **kwargs: object) -> str:
        raise AssertionError("rendered again")

    monkeypatch.setattr(queue_cache, "render_to_string", no_rendering)
    assert _page(editor) == first


def test_support_and_its_withdrawal_show(on_three, other_member, editor) -> None:
    assert "0 supporters" in _row(_page(editor), on_three)
    page = _after(editor, lambda: support_add(amendment=on_three, user=other_member))
    assert "1 supporter\n" in _row(page, on_three)
    page = _after(editor, lambda: support_remove(amendment=on_three, user=other_member))
    assert "0 supporters" in _row(page, on_three)


def test_comments_and_hiding_them_leave_the_queue_right(on_three, other_member, editor) -> None:
    page = _page(editor)
    comment = comment_post(author=other_member, body="Good idea.", amendment=on_three)
    assert _page(editor) == page  # the queue shows no count of comments
    comment_hide(comment=comment, editor=editor, reason="Off topic.")
    assert _page(editor) == page
    cache.clear()
    assert _page(editor) == page


def test_withdrawing_accepting_and_rejecting_show(seed_chapter, on_three, member, editor) -> None:
    p4 = body_paragraph(seed_chapter, 4)
    other = propose(member, p4, p4.text + " Other.", title="On four")
    page = _after(editor, lambda: amendment_withdraw(amendment=on_three, user=member))
    assert "status--withdrawn" in _row(page, on_three)
    assert f"Accept #{on_three.pk}" not in _row(page, on_three)
    page = _after(editor, lambda: amendment_reject(amendment=other, editor=editor, reason="No."))
    assert "status--rejected" in _row(page, other)
    p6 = body_paragraph(seed_chapter, 6)
    third = propose(member, p6, p6.text + " Third.", title="On six")
    page = _after(editor, lambda: amendment_accept(amendment=third, editor=editor))
    assert "status--accepted" in _row(page, third)


def test_the_authors_edit_shows_its_title_diff_and_words(on_three, member, editor) -> None:
    p3 = on_three.paragraph

    def edit() -> None:
        amendment_edit(
            amendment=on_three,
            user=member,
            title="Renamed <three>",
            text=p3.text + " Many more words are added here now.",
            reason="Longer.",
        )

    row = _row(_after(editor, edit), on_three)
    assert "Renamed &lt;three&gt;" in row
    assert "+7 words" in row
    diff = row.split('data-testid="queue-diff"')[1]
    assert "Many more words are added here now." in diff and "More words here" not in diff


def test_a_changed_stored_diff_shows(on_three, editor) -> None:
    stored = [[0, "Stored "], [1, "only"]]

    def store() -> None:
        # Saved with its history row, as every change to an amendment is (style.md: never
        # QuerySet.update() on a tracked model); the queue's page stamp reads that row.
        on_three.diff_ops = stored
        on_three.save()

    row = _row(_after(editor, store), on_three)
    assert 'Stored <ins><span class="vh">[inserted: </span>only' in row


def test_a_rival_shows_on_both_and_goes_when_withdrawn(p5, member, other_member, editor) -> None:
    first = propose(member, p5, p5.text.replace("myriad", "multitude"), title="First")
    rival = propose(other_member, p5, p5.text.replace("myriad", "host"), title="Rival")
    page = _page(editor)
    assert f"competes with #{rival.pk}" in _row(page, first)
    page = _after(editor, lambda: amendment_withdraw(amendment=rival, user=other_member))
    assert "competes with" not in _row(page, first)
    assert "competing amendments" not in _group(page, p5.pk)

    def another() -> None:
        propose(other_member, p5, p5.text.replace("myriad", "crowd"), title="Another")

    page = _after(editor, another)
    assert "competes with #" in _row(page, first)
    assert "competing amendments" in _group(page, p5.pk)


def test_a_conflict_after_another_is_accepted_shows(p5, member, other_member, editor) -> None:
    first = propose(member, p5, p5.text.replace("myriad", "multitude"), title="First")
    clash = propose(other_member, p5, p5.text.replace("myriad", "host"), title="Clash")
    page = _after(editor, lambda: amendment_accept(amendment=first, editor=editor))
    clash.refresh_from_db()
    assert clash.status == Amendment.Status.CONFLICT
    row = _row(page, clash)
    assert "status--conflict" in row and "In conflict" in row
    assert f"Accept #{clash.pk}" not in row and f"Reject #{clash.pk}" in row


def test_carrying_forward_shows_the_tag_and_the_new_diff(p5, member, other_member, editor) -> None:
    first = propose(member, p5, p5.text.replace("myriad", "multitude"), title="First")
    second = propose(other_member, p5, "In 1917, " + p5.text, title="Second")
    assert "carried forward" not in _row(_page(editor), second)
    page = _after(editor, lambda: amendment_accept(amendment=first, editor=editor))
    row = _row(page, second)
    assert "carried forward" in row
    # Its diff is now against the accepted text: "multitude" is unchanged text, not a change.
    assert "multitude" in row and "[inserted: </span>multitude" not in row


def test_an_editors_edit_of_the_paragraph_shows_in_the_group_and_rows(p5, member, editor) -> None:
    amendment = propose(member, p5, "In 1917, " + p5.text, title="Year")

    def edit() -> None:
        paragraph_edit(
            paragraph=p5, editor=editor, text=p5.text.replace("myriad", "multitude"), reason="Typo."
        )

    page = _after(editor, edit)
    assert "multitude" in _group(page, p5.pk).split('<ul class="queue-items">')[0]
    assert "carried forward" in _row(page, amendment)


def test_a_recommendation_its_change_and_the_proposers_answer_show(
    on_three, member, editor
) -> None:
    row = _row(_page(editor), on_three)
    assert "Recommend…" in row and "recommendation-line" not in row

    def recommend(kind: str) -> Callable[[], object]:
        return lambda: recommendation_set(
            amendment=on_three, editor=editor, kind=kind, reason="The committee's view."
        )

    row = _row(_after(editor, recommend("accept")), on_three)
    assert "Recommendation: <strong>Accept</strong>" in row
    assert "Change the recommendation" in row
    row = _row(_after(editor, recommend("reject")), on_three)
    assert "Recommendation: <strong>Reject</strong>" in row
    assert "not answered yet" in row

    def answer() -> None:
        recommendations_publish(chapter=on_three.chapter, editor=editor)
        recommendation_answer(amendment=on_three, member=member, agree=True)

    row = _row(_after(editor, answer), on_three)
    assert "not answered yet" not in row and "Proposer: <strong>" in row


def test_a_note_losing_its_last_reference_is_flagged_when_another_cut_makes_it_so(
    seed_chapter, member, other_member, editor
) -> None:
    # Note 2 is cited by ¶ 19 and ¶ 35: cutting ¶ 19 orphans it only once ¶ 35 is gone.
    p19, p35 = body_paragraph(seed_chapter, 19), body_paragraph(seed_chapter, 35)
    cut = propose(member, p19, "", kind="delete", title="Cut nineteen")
    other_cut = propose(other_member, p35, "", kind="delete", title="Cut thirty-five")
    assert "will lose" not in _row(_page(editor), cut)
    page = _after(editor, lambda: amendment_accept(amendment=other_cut, editor=editor))
    assert "Note 2 will lose its only reference in the text." in _row(page, cut)


def test_reference_renumbering_shows_the_new_paragraph_number(
    seed_chapter, member, other_member, editor
) -> None:
    p4, p5 = body_paragraph(seed_chapter, 4), body_paragraph(seed_chapter, 5)
    on_five = propose(member, p5, p5.text + " Added.", title="On five")
    new = propose(other_member, p4, "A new paragraph.", kind="insert", title="New")
    amendment_accept(amendment=new, editor=editor)
    page = _page(editor)
    assert "¶ 5," in _row(page, on_five)

    def renumber() -> None:
        congress = milestone_mark(chapter=seed_chapter, editor=editor, name="Congress draft")
        reference_set(chapter=seed_chapter, editor=editor, milestone=congress, reason="Congress")

    page = _after(editor, renumber)
    assert "¶ 6," in _row(page, on_five)
    assert "Congress draft" in _group(page, p5.pk)


def test_a_new_display_name_and_role_of_the_author_show(on_three, member, editor) -> None:
    def rename() -> None:
        user_update_profile(
            user=member, display_name="Alice Renamed", email=member.email, wants_daily_digest=False
        )

    row = _row(_after(editor, rename), on_three)
    assert "Alice Renamed" in row and "Alice Member" not in row
    row = _row(_after(editor, lambda: user_set_role(user=member, role="editor")), on_three)
    assert "(editor)" in row


def test_the_ledgers_show_a_new_limit_and_new_words(seed_chapter, on_three, editor) -> None:
    page = _after(
        editor,
        lambda: chapter_set_limit(
            chapter=seed_chapter, editor=editor, word_limit=6543, reason="Room."
        ),
    )
    assert "<dd>6543</dd>" in page
    page = _after(editor, lambda: amendment_accept(amendment=on_three, editor=editor))
    assert "If all 0 pending amendments were accepted" in page


def test_a_page_boundary_moving_shows_in_the_groups(seed_chapter, editor) -> None:
    from amendments.review_queue import AMENDMENTS_PER_PAGE

    p3 = body_paragraph(seed_chapter, 3)
    authors = [make_user(f"pile{i}") for i in range(3)]
    pile = [
        propose(authors[i % 3], p3, p3.text + f" Added sentence {i}.", title=f"No {i}")
        for i in range(AMENDMENTS_PER_PAGE)
    ]
    assert "more amendment" not in _group(_page(editor), p3.pk)
    page = _after(editor, lambda: propose(authors[0], p3, p3.text + " One more.", title="More"))
    assert "1 more amendment to this paragraph on the next page." in _group(page, p3.pk)
    assert pile


def test_escaping_survives_the_cache(seed_chapter, editor) -> None:
    hostile = make_user("mallory", display_name="<b>Mallory</b>")
    p3 = body_paragraph(seed_chapter, 3)
    amendment = propose(hostile, p3, p3.text + " <i>X</i>.", title="<script>alert(1)</script>")
    for _ in range(2):
        row = _row(_page(editor), amendment)
        assert "<script>" not in row and "&lt;script&gt;" in row
        assert "<b>Mallory" not in row and "<i>X" not in row


def test_the_same_row_in_another_time_zone_is_another_fragment() -> None:
    from django.utils import timezone

    key = queue_cache.fragment_key("queue-row", queue_cache.ROW_TEMPLATES, "stamp")
    with timezone.override("Pacific/Kiritimati"):
        assert queue_cache.fragment_key("queue-row", queue_cache.ROW_TEMPLATES, "stamp") != key


def _named(templates: tuple[str, ...], name: str) -> set[str]:
    named = set()
    for template in templates:
        source = get_template(template).template.source  # type: ignore[attr-defined]
        named |= set(re.findall(rf"\b{name}\.([\w.]+)", source))
    return named


def test_the_row_templates_show_nothing_that_is_not_in_the_stamp() -> None:
    # Every ``amendment.…`` the row's templates name must be in the key (STAMPED_FIELDS), or a
    # change to it would not show: a new field shown in a row must be added to the stamp.
    named = _named(queue_cache.ROW_TEMPLATES, "amendment")
    assert named <= queue_cache.STAMPED_FIELDS, named - queue_cache.STAMPED_FIELDS
    named = _named(queue_cache.GROUP_TEMPLATES, "group")
    assert named <= queue_cache.STAMPED_GROUP_FIELDS, named - queue_cache.STAMPED_GROUP_FIELDS
    # The row's other values are given to it by name, each one in the stamp.
    source = get_template(queue_cache.ROW_TEMPLATE).template.source  # type: ignore[attr-defined]
    for name in ("citation", "rivals", "losses", "shown"):
        assert re.search(rf"\b{name}\b", source), name


def _cold(editor: User, url: str) -> str:
    cache.clear()
    page = client_for(editor).get(url).content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)


def test_the_whole_page_is_served_from_the_cache_once_read(on_three, editor, monkeypatch) -> None:
    from amendments.views import review

    first = _page(editor)

    def no_reading(*args: object, **kwargs: object) -> object:
        raise AssertionError("the queue was read again")

    monkeypatch.setattr(review, "review_queue", no_reading)
    response = client_for(editor).get(URL)
    again = response.content.decode()
    assert re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", again) == first
    # The batch form carries this editor's own token, not the placeholder the cache holds.
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]*)"', again)
    assert token and token.group(1) != reading_cache.CSRF_PLACEHOLDER
    assert reading_cache.CSRF_PLACEHOLDER not in again


def test_each_filter_sort_and_page_is_its_own_part(seed_chapter, member, editor) -> None:
    p3, p4 = body_paragraph(seed_chapter, 3), body_paragraph(seed_chapter, 4)
    three = propose(member, p3, p3.text + " Three.", title="On three")
    authors = [make_user(f"pile{i}") for i in range(3)]
    for i in range(review_queue.AMENDMENTS_PER_PAGE):
        propose(authors[i % 3], p4, p4.text + f" Added {i}.", title=f"Pile {i}")
    base = reverse("amendments:queue")
    urls = [
        base,
        base + "?status=all",
        base + f"?author={member.display_name}",
        base + "?author=Pile0",
        base + "?sort=newest",
        base + "?page=2",
        base + "?status=all&page=2",
        base + "?status=all&page=2&from=mail",  # the same filters; the links carry the rest
        base + "?paragraph=x9",
        base + "?lines=abc",
        base + "?chapter=none",
    ]
    warm = {}
    for url in urls:
        warm[url] = _page_at(editor, url)  # each read (and kept) with the others in the cache
    for url in urls:
        assert _page_at(editor, url) == warm[url] == _cold(editor, url), url
    assert len(set(warm.values())) == len(urls)
    assert "On three" in warm[base + f"?author={member.display_name}"]
    assert "On three" not in warm[base + "?author=Pile0"]
    assert 'name="query" value="status=all"' in warm[base + "?status=all&page=2"]
    assert (
        'name="query" value="status=all&amp;from=mail"'
        in warm[base + "?status=all&page=2&from=mail"]
    )
    assert "is not a ¶ number" in warm[base + "?paragraph=x9"]
    assert three.pk


def _page_at(editor: User, url: str) -> str:
    page = client_for(editor).get(url).content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)


def test_another_editor_gets_a_page_of_their_own(on_three, editor, admin_user) -> None:
    mine = _page(editor)
    theirs = _page(admin_user)
    assert theirs == _cold(admin_user, URL)
    assert mine == _cold(editor, URL)
    other = make_user("eve", role="editor", display_name="Eve Editor")
    assert _page(other) == _cold(other, URL)


def test_the_stamp_moves_with_what_has_no_history(on_three, member, other_member, editor) -> None:
    stamps = [manifesto_stamp()]

    def moved() -> None:
        stamps.append(manifesto_stamp())
        assert stamps[-1] != stamps[-2]

    support_add(amendment=on_three, user=other_member)
    moved()
    support_remove(amendment=on_three, user=other_member)
    moved()
    user_update_profile(
        user=member, display_name="Alice Again", email=member.email, wants_daily_digest=False
    )
    moved()
    user_set_role(user=member, role="editor")
    moved()
    milestone_mark(chapter=on_three.chapter, editor=editor, name="Marked")
    moved()
    recommendations_publish(chapter=on_three.chapter, editor=editor)
    moved()
    make_user("newcomer")
    moved()


def test_the_database_counts_changes_to_people_and_supports_however_they_are_written(
    on_three, member, other_member
) -> None:
    # The counts are the database's (triggers, migration 0026): a bulk update, a delete or
    # the admin moves the stamp as a service does; logging in, which shows nowhere, does not.
    stamps = [manifesto_stamp()]

    def moved() -> bool:
        stamps.append(manifesto_stamp())
        return stamps[-1] != stamps[-2]

    User.objects.filter(pk=member.pk).update(display_name="Written in bulk")
    assert moved()
    User.objects.filter(pk=member.pk).update(is_active=False)
    assert moved()
    Support.objects.create(amendment=on_three, user=other_member)
    assert moved()
    Support.objects.filter(amendment=on_three).delete()
    assert moved()
    member.last_login = member.date_joined
    member.save(update_fields=["last_login"])
    assert not moved()
    User.objects.filter(pk=other_member.pk).delete()
    assert moved()
