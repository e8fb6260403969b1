"""An editor works through the queue: accept one, reject another, a third is carried forward."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from amendments.services.deciding import amendment_accept
from tests.amendments.conftest import body_paragraph, propose
from tests.browser.conftest import assert_no_serious_axe_violations, log_in, screenshot
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_editor_accepts_rejects_and_the_third_is_carried_forward(
    page, seed_chapter, member, other_member, editor
) -> None:
    p5 = body_paragraph(seed_chapter, 5)
    accepted = propose(
        member,
        p5,
        p5.text.replace("a myriad of problems", "many problems"),
        title="Fewer words for the problems",
    )
    rejected = propose(
        other_member,
        p5,
        p5.text.replace("a myriad of problems", "countless woes"),
        title="Woes instead of problems",
    )
    propose(
        other_member, p5, p5.text.replace("weakest link", "weakest point"), title="Point, not link"
    )

    log_in(page, "erin", PASSWORD)
    page.get_by_role("link", name="Review queue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review queue")
    expect(page.get_by_text("competing amendments")).to_be_visible()
    expect(page.locator(".queue-item", has_text="Fewer words")).to_contain_text(
        f"competes with #{rejected.pk}"
    )
    assert_no_serious_axe_violations(page)
    screenshot(page, "review-queue", full_page=True)

    page.get_by_role("link", name="Woes instead of problems").click()
    page.get_by_label("Reason (the author reads it)").fill("We prefer the plainer wording.")
    page.get_by_role("button", name=f"Reject #{rejected.pk}").click()
    expect(page.get_by_role("status")).to_contain_text(f"Amendment #{rejected.pk} was rejected")
    expect(page.get_by_role("note")).to_contain_text("We prefer the plainer wording.")

    page.goto("/review/")
    page.get_by_role("link", name="Fewer words for the problems").click()
    assert_no_serious_axe_violations(page)
    page.get_by_role("button", name=f"Accept #{accepted.pk}").click()
    expect(page.get_by_role("status")).to_contain_text("accepted; the text is updated")

    page.goto(seed_chapter.get_absolute_url())
    expect(page.locator(f"#p{p5.key}")).to_contain_text("faced many problems")
    page.get_by_role("link", name="1 amendment to paragraph 5").click()
    row = page.locator(".amendment-row", has_text="Point, not link")
    expect(row.get_by_text("carried forward")).to_be_visible()
    row.get_by_role("link").first.click()
    expect(page.get_by_test_id("carried-forward")).to_be_visible()
    expect(page.get_by_test_id("diff-today")).to_contain_text("many problems")
    screenshot(page, "carried-forward", full_page=True)


def test_editor_rejects_with_a_reason_the_author_then_reads(
    page, browser, live_server, seed_chapter, member, editor
) -> None:
    p5 = body_paragraph(seed_chapter, 5)
    amendment = propose(member, p5, p5.text + " Extra sentence.", title="One more sentence")
    log_in(page, "erin", PASSWORD)
    page.goto("/review/")
    page.get_by_label(f"Select #{amendment.pk}").check()
    page.get_by_role("button", name="Reject with one reason…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reject 1 amendment?")
    page.get_by_label("One reason for all of them").fill("The chapter is long enough.")
    page.get_by_role("button", name="Yes, reject them").click()
    expect(page.get_by_role("status")).to_contain_text("Rejected 1 amendments")

    author = browser.new_context(base_url=live_server.url).new_page()
    log_in(author, "alice", PASSWORD)
    author.goto(amendment.get_absolute_url())
    expect(author.get_by_role("note")).to_contain_text("The chapter is long enough.")
    author.context.close()


def test_the_author_reads_why_an_edit_beside_a_repeated_sentence_is_in_conflict(
    page, seed_chapter, member, other_member, editor
) -> None:
    from amendments.services.deciding import amendment_accept

    p5 = body_paragraph(seed_chapter, 5)
    sentence = "First and foremost, Russia was a backward, overwhelmingly agricultural country."
    repeated = propose(member, p5, p5.text.replace(sentence, f"{sentence} {sentence}"))
    edited = propose(
        other_member, p5, p5.text.replace("overwhelmingly", "mainly"), title="Mainly agricultural"
    )
    amendment_accept(amendment=repeated, editor=editor)

    log_in(page, "bob", PASSWORD)
    page.goto(edited.get_absolute_url())
    conflict = page.get_by_test_id("conflict")
    expect(conflict).to_contain_text("can be read in more than one way")
    expect(conflict.locator(".collisions li")).to_contain_text("Words repeat there")
    expect(conflict).to_contain_text("Update it against today's text, or withdraw it.")


def test_editor_is_warned_that_a_deletion_orphans_a_note_and_every_page_says_so(
    page, seed_chapter, member, editor
) -> None:
    p18 = body_paragraph(seed_chapter, 18)  # the only paragraph citing note 1
    deletion = propose(member, p18, "", kind="delete", title="Cut the fatal split")
    warning = "Note 1 will lose its only reference in the text."

    log_in(page, "erin", PASSWORD)
    page.goto("/review/")
    expect(page.locator(".queue-item", has_text="Cut the fatal split")).to_contain_text(warning)
    assert_no_serious_axe_violations(page)

    page.get_by_role("link", name="Cut the fatal split").click()
    expect(page.get_by_test_id("note-losses")).to_contain_text(warning)
    assert_no_serious_axe_violations(page)
    page.get_by_role("button", name=f"Accept #{deletion.pk}").click()
    expect(page.get_by_role("status")).to_contain_text("accepted; the text is updated")

    page.goto(seed_chapter.get_absolute_url())
    note = page.locator(".footnote", has_text="Full quote: “Of course")
    expect(note).to_contain_text("(not referenced in the text)")
    expect(note.locator(".footnote__back")).to_have_count(0)
    assert_no_serious_axe_violations(page)

    page.goto(f"/chapters/{seed_chapter.slug}/p/{p18.key}/history/")
    expect(page.get_by_test_id("notes-unreferenced")).to_contain_text(
        "Note 1 lost its last reference in the text."
    )
    assert_no_serious_axe_violations(page)
    page.goto(f"/chapters/{seed_chapter.slug}/compare/")
    expect(page.get_by_test_id("notes-lost")).to_have_text(
        "Note 1 lost its last reference in the text."
    )


def test_marking_a_duplicate_shows_the_original_first_and_can_be_undone(
    page, seed_chapter, member, other_member, editor, other_editor
) -> None:
    from amendments.services.deciding import amendment_reject

    p5, p9 = body_paragraph(seed_chapter, 5), body_paragraph(seed_chapter, 9)
    elsewhere = propose(member, p9, p9.text + " Said elsewhere.", title="Said on ¶ 9")
    amendment_reject(amendment=elsewhere, editor=other_editor, reason="Not now.")
    copy = propose(other_member, p5, p5.text + " Said here.", title="Said on ¶ 5")
    log_in(page, "erin", PASSWORD)
    page.goto(copy.get_absolute_url())
    page.get_by_label("Duplicate of amendment #").fill(str(elsewhere.pk))
    page.get_by_role("button", name="Check and mark as duplicate…").click()
    target = page.get_by_test_id("duplicate-target")
    expect(target).to_contain_text("Said on ¶ 9")
    expect(target).to_contain_text("Rejected")
    warnings = page.get_by_test_id("duplicate-warnings")
    expect(warnings).to_contain_text("is on another paragraph (¶ 9), not on ¶ 5")
    expect(warnings).to_contain_text(f"#{elsewhere.pk} was rejected")
    assert_no_serious_axe_violations(page)
    page.get_by_role(
        "button", name=f"Yes, mark #{copy.pk} as a duplicate of #{elsewhere.pk}"
    ).click()
    expect(page.get_by_role("status")).to_contain_text(
        f"Amendment #{copy.pk} was marked as a duplicate of #{elsewhere.pk}"
    )
    page.get_by_label("Why it is not a duplicate").fill("It is about another passage.")
    assert_no_serious_axe_violations(page)
    page.get_by_role("button", name="Undo the duplicate marking").click()
    expect(page.get_by_role("status")).to_contain_text("no longer marked as a duplicate")
    expect(page.locator(".meta .status")).to_have_text("Pending")


def test_an_amendment_accepted_with_changes_shows_both_word_changes(
    page, seed_chapter, member, editor
) -> None:
    p5 = body_paragraph(seed_chapter, 5)
    amendment = propose(member, p5, p5.text + " One two three four.", title="Four more words")
    log_in(page, "erin", PASSWORD)
    page.goto(amendment.get_absolute_url())
    page.get_by_role("link", name="Accept with changes…").click()
    box = page.get_by_label("The editor's wording")
    box.fill(box.input_value().replace(" three four.", "."))
    page.get_by_role("button", name="Accept with these changes").click()
    expect(page.locator(".meta .word-change")).to_have_text("proposed +4 words; accepted +2 words")
    assert_no_serious_axe_violations(page)
    page.goto(f"/chapters/{seed_chapter.slug}/log/")
    expect(page.locator(".log .word-change")).to_have_text("proposed +4 words; accepted +2 words")
    assert_no_serious_axe_violations(page)


def test_an_editor_can_reject_an_amendment_in_conflict_from_its_page(
    page, seed_chapter, member, other_member, editor
) -> None:
    # The review service always let editors reject an amendment in conflict (or mark it as a
    # duplicate); the page now offers what the rule allows, and nothing it refuses.
    p5 = body_paragraph(seed_chapter, 5)
    conflicted = propose(member, p5, p5.text.replace("a myriad of problems", "many troubles"))
    winner = propose(other_member, p5, p5.text.replace("a myriad of problems", "many problems"))
    amendment_accept(amendment=winner, editor=editor)
    conflicted.refresh_from_db()
    assert conflicted.status == "conflict"

    log_in(page, "erin", PASSWORD)
    page.goto(conflicted.get_absolute_url())
    expect(page.get_by_test_id("conflict")).to_be_visible()
    expect(page.get_by_role("button", name=f"Accept #{conflicted.pk}")).to_have_count(0)
    expect(page.get_by_role("link", name="Accept with changes…")).to_have_count(0)
    expect(page.get_by_role("button", name="Check and mark as duplicate…")).to_be_visible()
    assert_no_serious_axe_violations(page)
    page.get_by_label("Reason (the author reads it)").fill("The accepted wording covers it.")
    page.get_by_role("button", name=f"Reject #{conflicted.pk}").click()
    expect(page.get_by_role("status")).to_contain_text(f"Amendment #{conflicted.pk} was rejected")
    expect(page.get_by_role("note")).to_contain_text("The accepted wording covers it.")
