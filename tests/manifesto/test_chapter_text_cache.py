"""The chapter page's text is a cached fragment; every change it shows must show at once."""

from __future__ import annotations

import pytest
from django.urls import reverse

from amendments.services.deciding import amendment_accept
from amendments.services.paragraphs import paragraph_revert
from amendments.services.proposing import amendment_withdraw
from manifesto.models import Paragraph, Phase
from tests.amendments.conftest import body_paragraph, propose
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def p5(seed_chapter) -> Paragraph:  # type: ignore[no-untyped-def]
    return body_paragraph(seed_chapter, 5)


def _page(client, chapter) -> str:  # type: ignore[no-untyped-def]
    return client.get(chapter.get_absolute_url()).content.decode()


def test_new_and_decided_amendments_show_at_once(client, member, editor, p5) -> None:
    chapter = p5.chapter
    count_link = f'href="{p5.get_absolute_url()}#amendments">1 amendment<'
    assert count_link not in _page(client, chapter)
    assert count_link not in _page(client, chapter)  # now from the cache
    amendment = propose(member, p5, p5.text.replace("myriad", "multitude"))
    assert count_link in _page(client, chapter)
    amendment_accept(amendment=amendment, editor=editor)
    page = _page(client, chapter)
    assert count_link not in page and "multitude of problems" in page


def test_withdrawals_reverts_and_closing_show_at_once(client, member, editor, p5) -> None:
    chapter = p5.chapter
    first_version = p5.history.order_by("history_id").first()
    amendment = propose(member, p5, p5.text.replace("myriad", "multitude"))
    count_link = f'href="{p5.get_absolute_url()}#amendments">1 amendment<'
    assert count_link in _page(client, chapter)
    amendment_withdraw(amendment=amendment, user=member)
    assert count_link not in _page(client, chapter)

    accepted = propose(member, p5, p5.text.replace("myriad", "host"))
    amendment_accept(amendment=accepted, editor=editor)
    assert "host of problems" in _page(client, chapter)
    p5.refresh_from_db()
    paragraph_revert(
        paragraph=p5, editor=editor, history_id=first_version.history_id, reason="Back."
    )
    assert "myriad of problems" in _page(client, chapter)

    propose_link = reverse("amendments:propose", args=[chapter.slug, p5.key])
    assert propose_link in _page(client, chapter)
    chapter.phase = Phase.REVIEW
    chapter._change_reason = "closed"
    chapter.save()
    assert propose_link not in _page(client_for(member), chapter)
