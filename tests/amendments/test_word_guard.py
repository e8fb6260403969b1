"""The word-count guard: limits, ledgers on the real chapter, and every path being guarded."""

from __future__ import annotations

import io
import json

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse

from amendments.ledger import chapter_ledger
from amendments.models import Amendment, Decision
from amendments.services.deciding import (
    AcceptItem,
    amendment_accept,
    amendment_accept_with_changes,
    amendments_accept,
)
from amendments.services.limits import chapter_set_limit, manifesto_set_limit
from amendments.services.paragraphs import paragraph_edit, paragraph_revert
from manifesto.models import Chapter, Paragraph
from tests.amendments.conftest import body_paragraph, propose
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

FIFTY = " ".join(["word"] * 50)


def _tight(chapter: Chapter, editor, words_left: int) -> None:
    chapter_set_limit(
        chapter=chapter,
        editor=editor,
        word_limit=chapter_ledger(chapter).words + words_left,
        reason="Tight for the test",
    )


def test_ledger_figures_of_the_seed_chapter(seed_chapter) -> None:
    ledger = chapter_ledger(seed_chapter)
    assert (ledger.words, ledger.limit, ledger.words_left) == (5193, 5452, 259)
    assert (ledger.pending_count, ledger.projected) == (0, 5193)


def test_projection_with_a_few_pending_amendments(member, other_member, seed_chapter) -> None:
    p1, p2, p3 = (body_paragraph(seed_chapter, n) for n in (1, 2, 3))
    propose(member, p1, p1.text + " " + FIFTY)  # +50
    propose(other_member, p2, "", kind="delete")  # −84
    propose(member, p3, "A short new paragraph here.", kind="insert")  # +5
    withdrawn = propose(other_member, p1, p1.text + " Ignored.")
    withdrawn.status = Amendment.Status.WITHDRAWN
    withdrawn.save()
    ledger = chapter_ledger(seed_chapter)
    assert p2.word_count == 84
    assert (ledger.pending_count, ledger.pending_delta, ledger.projected) == (3, -29, 5164)
    assert ledger.projected_left == 5452 - 5164


def test_headings_count_and_footnotes_count_only_by_setting(seed_chapter, editor) -> None:
    words_with_notes = 5193 + 538
    manifesto_set_limit(
        manifesto=seed_chapter.manifesto,
        editor=editor,
        word_limit=None,
        count_footnotes=True,
        reason="Count the notes",
    )
    seed_chapter.refresh_from_db()
    assert chapter_ledger(seed_chapter).words == words_with_notes
    headings = sum(p.word_count for p in seed_chapter.paragraphs.filter(kind="heading"))
    assert headings == 56


def test_the_default_limit_is_imported_words_plus_five_percent(seed_chapter) -> None:
    assert seed_chapter.imported_words == 5193
    assert seed_chapter.effective_word_limit == 5193 + 259


def test_changing_a_limit_is_logged_with_who_and_why(seed_chapter, editor, member) -> None:
    chapter_set_limit(chapter=seed_chapter, editor=editor, word_limit=5300, reason="Congress")
    log = Decision.objects.get(action="limit_changed")
    assert log.actor == editor and "5452 → 5300" in log.reason and "Congress" in log.reason
    assert seed_chapter.history.first().history_user == editor
    with pytest.raises(ValidationError):
        chapter_set_limit(chapter=seed_chapter, editor=member, word_limit=9000, reason="Me")


def test_an_acceptance_over_the_limit_is_refused_by_how_many_words(member, editor, p5) -> None:
    _tight(p5.chapter, editor, 10)
    amendment = propose(member, p5, p5.text + " " + FIFTY)
    with pytest.raises(ValidationError) as raised:
        amendment_accept(amendment=amendment, editor=editor)
    assert raised.value.code == "over_chapter_limit"
    assert "40 over its limit" in raised.value.messages[0]
    amendment.refresh_from_db()
    p5.refresh_from_db()
    assert amendment.status == "pending" and FIFTY not in p5.text
    assert not Decision.objects.filter(action="accepted").exists()


def test_an_addition_paid_for_by_cuts_is_accepted_together(
    member, other_member, editor, seed_chapter
):
    p5, p6 = body_paragraph(seed_chapter, 5), body_paragraph(seed_chapter, 7)
    _tight(seed_chapter, editor, 10)
    addition = propose(member, p5, p5.text + " " + FIFTY)
    cut = propose(other_member, p6, "", kind="delete")
    assert p6.word_count >= 40  # ¶ 7 has 62 words, enough to pay for the 50 added
    with pytest.raises(ValidationError):
        amendments_accept([AcceptItem(addition)], editor=editor)
    amendments_accept([AcceptItem(addition), AcceptItem(cut)], editor=editor)
    assert {a.status for a in Amendment.objects.all()} == {"accepted"}


def test_cuts_pass_even_when_the_text_is_over_a_lowered_limit(member, editor, p5) -> None:
    chapter_set_limit(chapter=p5.chapter, editor=editor, word_limit=5000, reason="Shorter")
    amendment_accept(amendment=propose(member, p5, "", kind="delete"), editor=editor)
    assert Paragraph.objects.get(pk=p5.pk).is_deleted


def test_the_manifesto_limit_is_enforced_too(member, editor, p5) -> None:
    manifesto_set_limit(
        manifesto=p5.chapter.manifesto,
        editor=editor,
        word_limit=5195,
        count_footnotes=False,
        reason="Whole Manifesto",
    )
    with pytest.raises(ValidationError) as raised:
        amendment_accept(
            amendment=propose(member, p5, p5.text + " three more words"), editor=editor
        )
    assert raised.value.code == "over_manifesto_limit" and "1 over" in raised.value.messages[0]


def test_accept_with_changes_is_guarded(member, editor, p5) -> None:
    _tight(p5.chapter, editor, 5)
    amendment = propose(member, p5, p5.text.replace("myriad", "multitude"))
    with pytest.raises(ValidationError, match="over its limit"):
        amendment_accept_with_changes(amendment=amendment, editor=editor, text=p5.text + FIFTY)


def test_direct_edits_and_reverts_are_guarded(member, editor, p5) -> None:
    shorter = p5.text.replace("First and foremost, ", "")
    paragraph_edit(paragraph=p5, editor=editor, text=shorter, reason="Cut")
    first = p5.history.order_by("history_id").first()
    _tight(p5.chapter, editor, 0)
    with pytest.raises(ValidationError, match="over its limit"):
        paragraph_edit(paragraph=p5, editor=editor, text=shorter + " More words.", reason="x")
    with pytest.raises(ValidationError, match="over its limit"):
        paragraph_revert(paragraph=p5, editor=editor, history_id=first.history_id, reason="x")


def test_an_edit_in_the_django_admin_is_refused_the_same_way(admin_user, editor, p5) -> None:
    _tight(p5.chapter, editor, 3)
    client = client_for(admin_user)
    url = reverse("admin:manifesto_paragraph_change", args=[p5.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"text": p5.text + " " + FIFTY, "change_reason": "Admin edit"})
    assert response.status_code == 200
    assert "over its limit" in response.content.decode()
    p5.refresh_from_db()
    assert FIFTY not in p5.text
    response = client.post(url, {"text": p5.text + " two words", "change_reason": "Small"})
    assert response.status_code == 302
    p5.refresh_from_db()
    assert p5.text.endswith("two words")
    assert p5.history.first().history_user == admin_user
    assert Decision.objects.filter(action="paragraph_edited", actor=admin_user).exists()


def test_a_limit_changed_in_the_admin_is_logged(admin_user, seed_chapter) -> None:
    client = client_for(admin_user)
    url = reverse("admin:manifesto_chapter_change", args=[seed_chapter.pk])
    data = {
        "title": seed_chapter.title,
        "slug": seed_chapter.slug,
        "subtitle": seed_chapter.subtitle,
        "publication_line": seed_chapter.publication_line,
        "editorial_note": seed_chapter.editorial_note,
        "order": 1,
        "status": "open",
        "word_limit": "6000",
        "limit_tolerance_percent": "5",
        "change_reason": "Bigger",
    }
    assert client.post(url, data).status_code == 302
    seed_chapter.refresh_from_db()
    assert seed_chapter.word_limit == 6000
    assert Decision.objects.get(action="limit_changed").actor == admin_user


def test_members_see_the_warning_but_may_still_submit(member, editor, p5) -> None:
    _tight(p5.chapter, editor, 10)
    client = client_for(member)
    url = reverse("amendments:propose", args=[p5.chapter.slug, p5.key])
    data = {
        "kind": "replace",
        "text": p5.text + " " + FIFTY,
        "title": "Longer",
        "reason": "Needed",
        "action": "preview",
    }
    page = client.post(url, data).content.decode()
    assert "Over the word limit" in page and "40 words over" in page
    assert "The longest paragraphs are" in page
    response = client.post(url, {**data, "action": "submit"})
    assert response.status_code == 302 and Amendment.objects.count() == 1


def test_wordcount_command_prints_the_same_ledger(seed_chapter, member) -> None:
    p1 = body_paragraph(seed_chapter, 1)
    propose(member, p1, p1.text + " Two more.")
    out = io.StringIO()
    call_command("wordcount", stdout=out)
    assert "Socialism and the Soviet Union" in out.getvalue()
    assert "5193" in out.getvalue() and "5452" in out.getvalue() and "5195" in out.getvalue()
    out = io.StringIO()
    call_command("wordcount", "--json", stdout=out)
    data = json.loads(out.getvalue())
    chapter = data["chapters"][0]
    assert (chapter["words"], chapter["limit"], chapter["words_left"]) == (5193, 5452, 259)
    assert (chapter["pending_amendments"], chapter["projected"]) == (1, 5195)


def test_editors_see_what_accepting_does_to_the_budget(member, editor, p5) -> None:
    _tight(p5.chapter, editor, 10)
    amendment = propose(member, p5, p5.text + " " + FIFTY)
    page = client_for(editor).get(amendment.get_absolute_url()).content.decode()
    assert "it would have <strong>5243</strong> words of its limit of 5203" in page
    assert "That is 40 over the limit" in page


def test_editors_set_the_manifesto_limit_on_its_page(member, editor, p5) -> None:
    url = reverse("amendments:manifesto_limit")
    assert client_for(member).get(url).status_code == 403
    client = client_for(editor)
    page = client.get(url).content.decode()
    assert "has no overall limit now" in page
    index = client.get(reverse("manifesto:index")).content.decode()
    assert f'href="{url}"' in index
    refused = client.post(url, {"word_limit": "0", "reason": "x"})
    assert (
        refused.status_code == 200
        and "Ensure this value is greater than" in refused.content.decode()
    )
    words = chapter_ledger(p5.chapter).words
    response = client.post(url, {"word_limit": str(words), "reason": "Congress decided."})
    assert response.status_code == 302
    manifesto = p5.chapter.manifesto
    manifesto.refresh_from_db()
    assert manifesto.word_limit == words and not manifesto.count_footnotes
    assert manifesto.history.first().history_change_reason == "word limit: Congress decided."
    # The limit holds when accepting: one more word would take the Manifesto over it.
    amendment = propose(member, p5, p5.text + " More.")
    with pytest.raises(ValidationError, match="over"):
        amendment_accept(amendment=amendment, editor=editor)


def test_validating_the_admins_paragraph_form_writes_nothing(admin_user, p5) -> None:
    # The edit is made by save_model through the service; checking the form only validates.
    request = RequestFactory().post("/")
    request.user = admin_user
    form_class = admin.site._registry[Paragraph].get_form(request, p5)
    versions = p5.history.count()
    form = form_class({"text": p5.text + " two words", "change_reason": "Small"}, instance=p5)
    assert form.is_valid(), form.errors
    p5.refresh_from_db()
    assert not p5.text.endswith("two words")
    assert p5.history.count() == versions
    assert not Decision.objects.exists()


def test_an_admin_edit_the_service_refuses_comes_back_filled(admin_user, editor, p5) -> None:
    _tight(p5.chapter, editor, 3)
    url = reverse("admin:manifesto_paragraph_change", args=[p5.pk])
    typed = p5.text + " " + FIFTY
    response = client_for(admin_user).post(url, {"text": typed, "change_reason": "Admin edit"})
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.data["text"] == typed
    assert any("over its limit" in error for error in form.non_field_errors())
    assert not Decision.objects.filter(action="paragraph_edited").exists()
