"""The end of a round in Chromium, on the seed chapter: the committee recommends on five
amendments (one as modified), publishes; one proposer disagrees; the voting list shows exactly
that item and its rival as one block, in text order, and the agreed rest as one block; the
chair records the votes on the congress page; then the text, the decision log and the
protocol agree."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from amendments.models import Amendment, CongressVote
from amendments.services.recommending import recommendation_answer, recommendation_set
from manifesto.models import Paragraph
from tests.amendments.conftest import body_paragraph, propose
from tests.amendments.test_congress_votes import to_congress
from tests.browser.conftest import assert_no_serious_axe_violations, log_in, screenshot
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _record(page, amendment: Amendment, result: str, counts: tuple[int, int, int] | None) -> None:  # type: ignore[no-untyped-def]
    item = page.locator(f"#item-{amendment.pk}")
    item.get_by_label(result).check()
    if counts is None:
        item.get_by_label("Majority by show of hands (no counts)").check()
    else:
        for label, count in zip(("For", "Against", "Abstaining"), counts, strict=True):
            item.get_by_label(label, exact=True).fill(str(count))
    item.get_by_role("button", name=f"Record the vote on #{amendment.pk}").click()


def test_recommendations_voting_list_votes_and_the_record_agree(
    page, phone_page, seed_chapter, member, other_member, editor
) -> None:
    p5, p6, p7, p8 = (body_paragraph(seed_chapter, n) for n in (5, 6, 7, 8))
    texts = {p.pk: p.text for p in (p5, p6, p7, p8)}
    disputed = propose(
        member, p5, p5.text.replace("a myriad of problems", "many problems"), title="Many"
    )
    rival = propose(
        other_member, p5, p5.text.replace("a myriad of problems", "some problems"), title="Some"
    )
    accepted = propose(member, p6, p6.text + " Added by the congress.", title="Longer")
    modified = propose(other_member, p7, p7.text + " A clumsy addition.", title="Clumsy")
    rejected = propose(member, p8, p8.text + " Not wanted.", title="Unwanted")
    wording = p7.text + " A better addition."
    for amendment, kind in ((disputed, "reject"), (rival, "reject"), (accepted, "accept")):
        recommendation_set(amendment=amendment, editor=editor, kind=kind, reason="Committee.")
    recommendation_set(amendment=rejected, editor=editor, kind="reject", reason="Too long.")

    # The fifth, as modified, through its page; then publish.
    log_in(page, "erin", PASSWORD)
    page.goto(f"/amendments/{modified.pk}/")
    page.get_by_role("radio", name="Accept as modified").check()
    page.get_by_role("textbox", name="Modified text").fill(wording)
    page.get_by_role("button", name="Save the recommendation").click()
    expect(page.get_by_test_id("recommendation-kind")).to_contain_text("Accept as modified")
    page.goto(f"/chapters/{seed_chapter.slug}/recommendations/publish/")
    page.get_by_role("button", name="Publish").click()

    for amendment in (rival, accepted, rejected):
        recommendation_answer(amendment=amendment, member=amendment.author, agree=True)
    recommendation_answer(amendment=modified, member=other_member, agree=True)
    log_in(phone_page, "alice", PASSWORD)
    phone_page.goto(f"/amendments/{disputed.pk}/")
    phone_page.get_by_role("radio", name="I disagree").check()
    phone_page.get_by_role("textbox", name="Comment (needed if you disagree").fill(
        "Many is the word."
    )
    phone_page.get_by_role("button", name="Send my answer").click()
    expect(phone_page.get_by_test_id("recommendation-answer")).to_contain_text("disagreed")

    page.goto(f"/chapters/{seed_chapter.slug}/voting-list/")
    items = page.get_by_test_id("voting-item")
    expect(items).to_have_count(2)  # the disputed one and its rival, in text order
    expect(items.nth(0)).to_contain_text(f"#{disputed.pk} Many")
    expect(items.nth(1)).to_contain_text(f"#{rival.pk} Some")
    expect(page.get_by_text(f"If #{disputed.pk} is carried, #{rival.pk} falls.")).to_be_visible()
    agreed = page.get_by_test_id("agreed-block")
    for amendment in (accepted, modified, rejected):
        expect(agreed).to_contain_text(f"#{amendment.pk}")
    assert_no_serious_axe_violations(page)
    screenshot(page, "voting-list")

    to_congress(seed_chapter, editor)
    page.goto(f"/chapters/{seed_chapter.slug}/congress/")
    _record(page, disputed, "Carried", (210, 90, 4))
    expect(page.get_by_text(f"#{disputed.pk}: Carried and applied to the text")).to_be_visible()
    _record(page, accepted, "Carried", None)
    _record(page, modified, "Carried", None)
    _record(page, rejected, "Lost", None)
    expect(page.get_by_test_id("recorded-vote")).to_have_count(4)

    def status(amendment: Amendment) -> str:
        return Amendment.objects.get(pk=amendment.pk).status

    assert status(disputed) == Amendment.Status.ACCEPTED
    assert status(rival) == Amendment.Status.FALLEN
    assert status(accepted) == Amendment.Status.ACCEPTED
    assert status(modified) == Amendment.Status.ACCEPTED_WITH_CHANGES
    assert status(rejected) == Amendment.Status.REJECTED
    now = {p.pk: p.text for p in Paragraph.objects.filter(pk__in=texts)}
    assert now[p5.pk] == disputed.proposed_text
    assert now[p6.pk] == accepted.proposed_text
    assert now[p7.pk] == wording
    assert now[p8.pk] == texts[p8.pk]
    assert CongressVote.objects.count() == 4

    page.goto(f"/chapters/{seed_chapter.slug}/log/")
    log = page.locator("main").inner_text()
    for amendment in (disputed, accepted, modified, rejected, rival):
        assert f"#{amendment.pk}" in log
    assert f"Marked as fallen #{rival.pk} Some\tFell when #{disputed.pk} was carried." in log
    page.goto(f"/chapters/{seed_chapter.slug}/protocol/")
    protocol = page.locator("main").inner_text()
    order = [protocol.index(f"Vote {n}: #{a.pk}") for n, a in enumerate(
        (disputed, accepted, modified, rejected), start=1)]  # fmt: skip
    assert order == sorted(order)
    assert "210 for, 90 against, 4 abstaining" in protocol
    assert wording in protocol and texts[p7.pk] in protocol
    assert_no_serious_axe_violations(page)
