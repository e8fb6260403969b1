"""The notifications page: newest first, unread marked in words, opening one marks it read,
"mark all read", pages of 25 in a fixed number of queries, and the header's unread count."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from amendments.models import Notification
from amendments.selectors import NOTICES_PER_PAGE
from amendments.services.discussion import comment_post
from amendments.services.following import follow_set
from tests.amendments.conftest import body_paragraph, propose
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
PAGE = reverse("amendments:notifications")


def _notices_for(member, other_member, count: int, p5) -> list[Notification]:  # type: ignore[no-untyped-def]
    """``count`` notices of every kind that has a line of its own, for ``member``."""
    follow_set(user=member, thing=p5.chapter, active=True)
    amendment = propose(member, p5, title="Mine")
    for i in range(count):
        if i % 3 == 0:
            propose(other_member, body_paragraph(p5.chapter, 6 + i % 20), title=f"Theirs {i}")
        elif i % 3 == 1:
            comment_post(author=other_member, body=f"Comment {i}", amendment=amendment)
        else:
            comment_post(author=other_member, body=f"Paragraph {i}", paragraph=p5)
            follow_set(user=member, thing=p5, active=True)
    return list(Notification.objects.filter(recipient=member))


def test_newest_first_unread_said_in_words_and_the_thing_linked(member, other_member, p5) -> None:
    _notices_for(member, other_member, 2, p5)
    page = client_for(member).get(PAGE).content.decode()
    theirs = page.index("Theirs 0")
    comment = page.index("commented")
    assert comment < theirs  # the comment came second, so it shows first
    assert page.count('New<span class="vh">, unread:</span>') == 2
    assert 'data-testid="nav-notifications">Notifications <span class="count-badge">2' in page


def test_opening_a_notice_marks_it_read_and_leads_to_it(member, other_member, p5) -> None:
    notices = _notices_for(member, other_member, 2, p5)
    comment = next(n for n in notices if n.comment_id)
    client = client_for(member)
    response = client.post(reverse("amendments:notification_open", args=[comment.pk]))
    assert response.status_code == 302
    assert response["Location"].endswith(f"#comment-{comment.comment_id}")
    assert response["Location"].startswith(f"/amendments/{comment.amendment_id}/")
    comment.refresh_from_db()
    assert comment.read_at is not None
    assert client.get(reverse("amendments:notification_open", args=[comment.pk])).status_code == (
        405
    )


def test_someone_elses_notice_cannot_be_opened(member, other_member, p5) -> None:
    notices = _notices_for(member, other_member, 1, p5)
    url = reverse("amendments:notification_open", args=[notices[0].pk])
    assert client_for(other_member).post(url).status_code == 404
    assert Client().post(url).status_code == 302  # to the log-in page
    assert Notification.objects.filter(read_at__isnull=False).count() == 0


def test_mark_all_read(member, other_member, p5) -> None:
    unread = len(_notices_for(member, other_member, 4, p5))
    assert unread >= 3
    client = client_for(member)
    response = client.post(reverse("amendments:notifications_read"), follow=True)
    assert f"{unread} notice(s) marked read." in response.content.decode()
    assert not Notification.objects.filter(recipient=member, read_at__isnull=True).exists()
    assert "count-badge" not in client.get(PAGE).content.decode()


def test_the_following_list_unfollows_from_the_page(member, other_member, p5) -> None:
    amendment = propose(other_member, p5, title="Watched")
    follow_set(user=member, thing=amendment, active=True)
    follow_set(user=member, thing=p5.chapter, active=True)
    page = client_for(member).get(PAGE).content.decode()
    assert "Watched" in page and "Following this chapter · Unfollow" in page
    client_for(member).post(
        reverse("amendments:follow_amendment", args=[amendment.pk]), {"follow": "0"}
    )
    assert "Watched" not in client_for(member).get(PAGE).content.decode()


@pytest.mark.parametrize("count", [4, 45])
def test_the_page_makes_the_same_queries_with_few_or_many_notices(
    member, other_member, p5, count, django_assert_num_queries
) -> None:
    total = len(_notices_for(member, other_member, count, p5))
    client = client_for(member)
    # session, user, the unread count, the page's count and rows (with what they show), and
    # what the member follows
    with django_assert_num_queries(6):
        page = client.get(PAGE).content.decode()
    assert page.count('<li class="notice-item') == min(total, NOTICES_PER_PAGE)
    if total > NOTICES_PER_PAGE:
        assert "Page 1 of 2" in page
        with django_assert_num_queries(6):
            second = client.get(PAGE + "?page=2").content.decode()
        assert second.count('<li class="notice-item') == total - NOTICES_PER_PAGE


def test_visitors_are_sent_to_log_in_and_see_no_count() -> None:
    response = Client().get(PAGE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_what_people_wrote_is_escaped_on_the_page_and_plain_in_the_digest(
    member, other_member, p5, django_capture_on_commit_callbacks
) -> None:
    from django.core import mail
    from django.core.management import call_command

    from accounts.models import NoticeEmail

    member.notice_email = NoticeEmail.DAILY
    member.save()
    follow_set(user=member, thing=p5, active=True)
    with django_capture_on_commit_callbacks(execute=True):
        propose(other_member, p5, title='<script>alert("x")</script> & co')
    page = client_for(member).get(PAGE).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co" in page
    call_command("send_digest")
    [digest] = mail.outbox
    assert '<script>alert("x")</script> & co' in digest.body and "&lt;" not in digest.body
