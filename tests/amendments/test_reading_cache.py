"""The paragraph page's and the amendment page's cached parts (amendments/reading_cache.py)
are never stale: after each thing that changes what they show, the page read again shows the
change, and is the very page a cold cache renders; what depends on the viewer and the clock
follows the viewer and the clock; no one's CSRF token is kept."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.apps import apps
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.services import user_set_role, user_update_profile
from amendments import reading_cache
from amendments.models import Amendment
from amendments.services.deciding import amendment_accept, amendment_reject
from amendments.services.discussion import comment_hide, comment_post
from amendments.services.following import follow_set
from amendments.services.milestones import milestone_mark
from amendments.services.notifications import notifications_mark_all_read
from amendments.services.proposing import amendment_edit, support_add, support_remove
from amendments.services.recommending import recommendation_set, recommendations_publish
from amendments.services.rounds import manifesto_round_set
from amendments.services.texts import reference_set
from manifesto import exports
from manifesto.models import Chapter, Milestone, Paragraph, Phase
from tests.amendments.conftest import body_paragraph, propose
from tests.conftest import client_for, make_user

pytestmark = pytest.mark.django_db
_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def _main(client: Client, url: str) -> str:
    """The page's title and main part, CSRF tokens blanked (each response masks its own)."""
    page = client.get(url).content.decode()
    title = re.search(r"<title>(.*?)</title>", page, re.S)
    main = re.search(r"<main .*?</main>", page, re.S)
    assert title and main, url
    return _TOKEN.sub('name="csrfmiddlewaretoken" value=""', title.group(1) + main.group(0))


def _after(url: str, change: Callable[[], object], viewer: User | None = None) -> str:
    """The page read (and so cached) before ``change``, then read again after it; checked to be
    what a cold cache renders, and to have changed."""
    client = client_for(viewer)
    before = _main(client, url)
    change()
    after = _main(client, url)
    cache.clear()
    assert after == _main(client, url), "the cached page differs from a fresh one"
    assert after != before, "the page did not change"
    return after


@pytest.fixture
def p3(seed_chapter: Chapter) -> Paragraph:
    return body_paragraph(seed_chapter, 3)


@pytest.fixture
def on_three(p3: Paragraph, member: User) -> Amendment:
    return propose(member, p3, p3.text + " More words here.", title="Longer three")


def _url(thing: Paragraph | Amendment) -> str:
    return thing.get_absolute_url()


def test_the_written_out_queries_name_the_models_tables() -> None:
    tables = {model._meta.db_table for model in apps.get_models()}
    for sql in (
        reading_cache.PARAGRAPH_STAMP_SQL,
        reading_cache.PARAGRAPH_PEOPLE_SQL,
        reading_cache.AMENDMENT_STAMP_SQL,
        reading_cache.AMENDMENT_PEOPLE_SQL,
    ):
        named = set(re.findall(r"\b(?:FROM|JOIN) (\w+)", sql))
        assert named and named <= tables, named - tables


def test_the_pages_are_rendered_once_and_then_read_from_the_cache(
    p3, on_three, monkeypatch
) -> None:
    client = client_for(None)
    first = [_main(client, _url(p3)), _main(client, _url(on_three))]

    def no_rendering(*args: object, **kwargs: object) -> str:
        raise AssertionError("rendered again")

    monkeypatch.setattr(reading_cache, "render_to_string", no_rendering)
    assert [_main(client, _url(p3)), _main(client, _url(on_three))] == first


# --- the paragraph page -----------------------------------------------------------------------


def test_a_new_amendment_and_its_edit_show_on_the_paragraph_page(p3, member) -> None:
    made: list[Amendment] = []
    page = _after(_url(p3), lambda: made.append(propose(member, p3, p3.text + " X.", title="New")))
    assert f'id="amendment-{made[0].pk}"' in page

    def edit() -> None:
        amendment_edit(
            amendment=made[0], user=member, title="Renamed <one>", text=p3.text + " Y.", reason="R."
        )

    assert "Renamed &lt;one&gt;" in _after(_url(p3), edit)


def test_supports_show_on_the_paragraph_page(p3, on_three, other_member, editor) -> None:
    page = _after(_url(p3), lambda: support_add(amendment=on_three, user=other_member))
    assert "1 supporter\n" in page or "1 supporter<" in page
    support_add(amendment=on_three, user=editor)
    page = _after(_url(p3), lambda: support_remove(amendment=on_three, user=other_member))
    assert "1 supporter\n" in page or "1 supporter<" in page


def test_an_acceptance_shows_its_text_and_status_on_the_paragraph_page(p3, on_three, editor):
    page = _after(_url(p3), lambda: amendment_accept(amendment=on_three, editor=editor))
    assert "status--accepted" in page
    assert "More words here." in page


def test_comments_and_hiding_them_show_on_the_paragraph_page(p3, other_member, editor) -> None:
    made = []
    page = _after(
        _url(p3),
        lambda: made.append(comment_post(author=other_member, body="Good <idea>.", paragraph=p3)),
    )
    assert "Good &lt;idea&gt;." in page
    page = _after(_url(p3), lambda: comment_hide(comment=made[0], editor=editor, reason="Rude."))
    assert "Comment hidden by an editor" in page


def test_names_and_roles_show_on_the_paragraph_page(p3, on_three, member) -> None:
    def rename() -> None:
        user_update_profile(
            user=member, display_name="Alice Renamed", email=member.email, wants_daily_digest=False
        )

    assert "Alice Renamed" in _after(_url(p3), rename)
    assert "(editor)" in _after(_url(p3), lambda: user_set_role(user=member, role="editor"))


def test_renumbering_shows_on_the_paragraph_page(seed_chapter, p3, member, editor) -> None:
    new = propose(member, body_paragraph(seed_chapter, 2), "A new paragraph.", kind="insert")
    amendment_accept(amendment=new, editor=editor)

    def renumber() -> None:
        congress = milestone_mark(chapter=seed_chapter, editor=editor, name="Congress draft")
        reference_set(chapter=seed_chapter, editor=editor, milestone=congress, reason="Congress")

    page = _after(_url(p3), renumber)
    assert "¶ 4" in page and "Congress draft" in page


def test_following_the_paragraph_shows_to_that_member_alone(p3, member, other_member) -> None:
    page = _after(_url(p3), lambda: follow_set(user=member, thing=p3, active=True), viewer=member)
    assert "Following this paragraph" in page
    assert "Following this paragraph" not in _main(client_for(other_member), _url(p3))


def test_each_viewer_sees_their_own_paragraph_page(p3, member, other_member, editor) -> None:
    comment = comment_post(author=member, body="Mine.", paragraph=p3)
    edit_link = reverse("amendments:comment_change", args=[comment.pk])
    hide_link = reverse("amendments:comment_hide", args=[comment.pk])
    assert edit_link in _main(client_for(member), _url(p3))
    assert edit_link not in _main(client_for(other_member), _url(p3))
    assert hide_link in _main(client_for(editor), _url(p3))
    assert hide_link not in _main(client_for(member), _url(p3))
    assert "Log in</a> to join" in _main(client_for(None), _url(p3))


def test_the_deadline_closes_proposals_without_any_write(p3, seed_chapter, editor) -> None:
    deadline = datetime(2027, 1, 15, 18, 0, tzinfo=UTC)
    manifesto_round_set(
        manifesto=seed_chapter.manifesto,
        editor=editor,
        phase=Phase.OPEN,
        closes_at=deadline,
        time_zone="Europe/London",
        minimum_supporters=0,
        supports_open_in_review=False,
        comments_open_in_review=False,
        reason="",
    )
    client = client_for(None)
    with time_machine.travel(deadline - timedelta(hours=1), tick=False):
        assert "Propose a change" in _main(client, _url(p3))
    with time_machine.travel(deadline + timedelta(hours=1), tick=False):
        page = _main(client, _url(p3))
        assert "Propose a change" not in page and "Amendments closed" in page
        assert "The discussion is closed" in page


def test_the_paragraph_page_shows_the_right_page_of_amendments(p3, member) -> None:
    for index in range(27):
        propose(member, p3, p3.text + f" Number {index}.", title=f"Amendment {index}")
    client = client_for(None)
    first, second = _main(client, _url(p3)), _main(client, _url(p3) + "?page=2")
    assert "Amendment 26" in first and "Amendment 26" not in second
    assert "Amendment 0<" in second and "Amendment 0<" not in first


# --- the amendment page -----------------------------------------------------------------------


def test_supports_show_on_the_amendment_page(on_three, other_member) -> None:
    page = _after(_url(on_three), lambda: support_add(amendment=on_three, user=other_member))
    assert 'data-testid="support-count">1<' in page and "Bob Member" in page
    page = _after(
        _url(on_three),
        lambda: support_remove(amendment=on_three, user=other_member),
        viewer=other_member,
    )
    assert 'data-testid="support-count">0<' in page and "Support this amendment" in page


def test_comments_show_on_the_amendment_page(on_three, other_member, editor) -> None:
    made = []
    page = _after(
        _url(on_three),
        lambda: made.append(comment_post(author=other_member, body="Hm.", amendment=on_three)),
    )
    assert "Hm." in page
    page = _after(
        _url(on_three), lambda: comment_hide(comment=made[0], editor=editor, reason="Rude.")
    )
    assert "Comment hidden by an editor" in page


def test_a_decision_shows_on_the_amendment_page(on_three, editor) -> None:
    page = _after(
        _url(on_three),
        lambda: amendment_reject(amendment=on_three, editor=editor, reason="Too <long>."),
        viewer=editor,
    )
    assert "status--rejected" in page and "Too &lt;long&gt;." in page
    assert f"Reject #{on_three.pk}" not in page


def test_a_conflict_shows_on_the_amendment_page(p3, member, other_member, editor) -> None:
    first = propose(member, p3, p3.text + " First addition.", title="First")
    second = propose(other_member, p3, "An entirely different paragraph.", title="Second")
    page = _after(_url(second), lambda: amendment_accept(amendment=first, editor=editor))
    assert 'data-testid="conflict"' in page
    assert f'Caused by <a href="{_url(first)}">' in page


def test_a_recommendation_shows_to_editors_then_to_all_once_published(
    seed_chapter, on_three, editor, other_editor
) -> None:
    def recommend() -> None:
        recommendation_set(amendment=on_three, editor=editor, kind="reject", reason="No.")

    page = _after(_url(on_three), recommend, viewer=other_editor)
    assert 'data-testid="recommendation-kind"' in page and "Draft:" in page
    visitor = client_for(None)
    assert 'data-testid="recommendation-kind"' not in _main(visitor, _url(on_three))
    page = _after(
        _url(on_three), lambda: recommendations_publish(chapter=seed_chapter, editor=editor)
    )
    assert 'data-testid="recommendation-kind"' in page


def test_a_publication_set_for_later_shows_when_its_time_comes(
    seed_chapter, on_three, editor
) -> None:
    recommendation_set(amendment=on_three, editor=editor, kind="reject", reason="No.")
    later = datetime.now(UTC) + timedelta(days=2)
    recommendations_publish(chapter=seed_chapter, editor=editor, at=later)
    visitor = client_for(None)
    assert 'data-testid="recommendation-kind"' not in _main(visitor, _url(on_three))
    with time_machine.travel(later + timedelta(minutes=1), tick=False):
        assert 'data-testid="recommendation-kind"' in _main(visitor, _url(on_three))


def test_the_author_and_the_supporters_names_show_on_the_amendment_page(
    on_three, member, other_member
) -> None:
    support_add(amendment=on_three, user=other_member)

    def rename() -> None:
        user_update_profile(
            user=other_member,
            display_name="Bob Renamed",
            email=other_member.email,
            wants_daily_digest=False,
        )

    assert "Bob Renamed" in _after(_url(on_three), rename)
    assert "(editor)" in _after(_url(on_three), lambda: user_set_role(user=member, role="editor"))


def test_each_viewer_is_offered_what_they_may_do(on_three, member, other_member, editor):
    url = _url(on_three)
    assert f"Accept #{on_three.pk}" in _main(client_for(editor), url)
    assert f"Accept #{on_three.pk}" not in _main(client_for(other_member), url)
    assert "Withdraw…" in _main(client_for(member), url)
    assert "Withdraw…" not in _main(client_for(other_member), url)
    # Its author follows it from the start; another member once they choose to.
    assert "Following this amendment" in _main(client_for(member), url)
    page = _after(
        url, lambda: follow_set(user=other_member, thing=on_three, active=True), other_member
    )
    assert "Following this amendment" in page
    assert "Following this amendment" not in _main(client_for(editor), url)


def test_a_cached_page_carries_each_viewers_own_csrf_token(on_three, other_member) -> None:
    first = client_for(make_user("carol"))
    first.get(_url(on_three))  # cached with the placeholder, never with carol's token
    client = Client(enforce_csrf_checks=True)
    client.force_login(other_member)
    page = client.get(_url(on_three)).content.decode()
    assert reading_cache.CSRF_PLACEHOLDER not in page
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token
    support = reverse("amendments:support", args=[on_three.pk])
    answer = client.post(support, {"csrfmiddlewaretoken": token.group(1)})
    assert answer.status_code == 302
    assert on_three.supports.filter(user=other_member).exists()


# --- the header's unread notices, read with the stamp -------------------------------------------


_BADGE = re.compile(r'data-testid="nav-notifications">Notifications(.*?)</a>', re.S)


def _badge(client: Client, url: str) -> str:
    found = _BADGE.search(client.get(url).content.decode())
    assert found, url
    return found.group(1)


def test_the_header_counts_unread_notices_on_the_cached_pages(
    p3, on_three, editor, other_member
) -> None:
    """The pages read the viewer's unread notices with their stamp, not in the header's own
    query: a new notice shows at once, from the cache too, and reading them clears it."""
    follow_set(user=editor, thing=on_three, active=True)
    follow_set(user=editor, thing=p3, active=True)
    client = client_for(editor)
    urls = [_url(p3), _url(on_three)]
    assert [_badge(client, url) for url in urls] == ["", ""]
    comment_post(author=other_member, body="One.", amendment=on_three)
    comment_post(author=other_member, body="Two.", paragraph=p3)
    badge = ' <span class="count-badge">2<span class="vh"> unread</span></span>'
    assert [_badge(client, url) for url in urls] == [badge, badge]
    # The same as the header's own count on a page that reads no stamp.
    assert _badge(client, reverse("amendments:list")) == badge
    notifications_mark_all_read(user=editor)
    assert [_badge(client, url) for url in urls] == ["", ""]


# --- the chapter page's milestones, read with the stamp -----------------------------------------


def test_the_chapter_page_offers_the_milestones_that_milestone_names_picks(
    seed_chapter, editor
) -> None:
    """The export form's milestones come from the stamp's query: the same names, in the same
    order (by moment, not by when they were marked), "As published" left out however written."""
    client = client_for(editor)

    def offered() -> list[str]:
        page = client.get(seed_chapter.get_absolute_url()).content.decode()
        at = re.findall(r'name="at" value="milestone:([^"]*)"', page)
        since = re.findall(r'name="since" value="milestone:([^"]*)"', page)
        assert at == since
        return at

    assert offered() == exports.milestone_names([seed_chapter]) == []
    with time_machine.travel(datetime(2031, 1, 2, tzinfo=UTC), tick=False):
        milestone_mark(chapter=seed_chapter, editor=editor, name="Second")
    with time_machine.travel(datetime(2031, 1, 1, tzinfo=UTC), tick=False):
        milestone_mark(chapter=seed_chapter, editor=editor, name="First")
    assert offered() == exports.milestone_names([seed_chapter]) == ["First", "Second"]
    # Not a name the service gives; the selector leaves it out all the same.
    Milestone.objects.create(chapter=seed_chapter, name="AS PUBLISHED")
    assert offered() == exports.milestone_names([seed_chapter]) == ["First", "Second"]
