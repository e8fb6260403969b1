"""The committee's recommendations: recording, publishing, the proposer's answer, carrying
"accept as modified" forward, and who sees what before and after publication."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from amendments.models import Amendment, Decision, Recommendation
from amendments.recommendations import recommended_text, visible_recommendation
from amendments.services.deciding import amendment_accept
from amendments.services.paragraphs import paragraph_edit
from amendments.services.recommending import (
    recommendation_answer,
    recommendation_set,
    recommendations_publish,
)
from common import clock
from manifesto.models import Chapter
from tests.amendments.conftest import body_paragraph, propose

pytestmark = pytest.mark.django_db


def _reload(obj):  # type: ignore[no-untyped-def]
    obj.refresh_from_db()
    return obj


@pytest.fixture
def amendment(member, p5) -> Amendment:  # type: ignore[no-untyped-def]
    return propose(member, p5, p5.text.replace("a myriad of problems", "many problems"))


def _code(error: ValidationError) -> str:
    """The code of a refusal, whether it names a field or not."""
    errors = (
        [e for el in error.error_dict.values() for e in el]
        if hasattr(error, "error_dict")
        else error.error_list
    )
    return str(errors[0].code)


def _recommend(amendment, editor, **kwargs):  # type: ignore[no-untyped-def]
    kwargs.setdefault("kind", Recommendation.Kind.REJECT)
    kwargs.setdefault("reason", "Out of scope.")
    return recommendation_set(amendment=amendment, editor=editor, **kwargs)


# --- recording --------------------------------------------------------------------------------


def test_an_editor_records_a_recommendation_with_history(amendment, editor) -> None:
    recommendation = _recommend(amendment, editor, contested=True)
    assert (recommendation.kind, recommendation.reason, recommendation.contested) == (
        "reject",
        "Out of scope.",
        True,
    )
    assert recommendation.drafted_by == editor
    assert recommendation.history.get().history_change_reason == "recommendation recorded"


def test_a_member_cannot_recommend(amendment, other_member) -> None:
    with pytest.raises(ValidationError) as refused:
        _recommend(amendment, other_member)
    assert _code(refused.value) == "not_editor"
    assert not Recommendation.objects.exists()


def test_an_editor_cannot_recommend_on_their_own_amendment(editor, p5) -> None:
    own = propose(editor, p5, p5.text.replace("myriad", "host"))
    with pytest.raises(ValidationError) as refused:
        _recommend(own, editor)
    assert _code(refused.value) == "own_amendment"


def test_rejecting_needs_a_reason_and_refer_needs_a_body(amendment, editor) -> None:
    with pytest.raises(ValidationError, match="reason to reject"):
        _recommend(amendment, editor, reason="")
    with pytest.raises(ValidationError, match="referred to"):
        _recommend(amendment, editor, kind="refer")
    refer = _recommend(amendment, editor, kind="refer", refer_to="The 2027\r\ncongress")
    assert refer.refer_to == "The 2027 congress"


def test_limits_are_named(amendment, editor) -> None:
    with pytest.raises(ValidationError, match="3,001 characters; the maximum is 3,000"):
        _recommend(amendment, editor, reason="x" * 3001)
    with pytest.raises(ValidationError, match="201 characters; the maximum is 200"):
        _recommend(amendment, editor, kind="refer", refer_to="y" * 201)


def test_merged_into_names_another_amendment_of_the_same_chapter(
    amendment, editor, member, seed_chapter
) -> None:
    with pytest.raises(ValidationError) as refused:
        _recommend(amendment, editor, kind="merged")
    assert _code(refused.value) == "target_missing"
    with pytest.raises(ValidationError) as refused:
        _recommend(amendment, editor, kind="merged", target_number=amendment.pk)
    assert _code(refused.value) == "target_itself"
    with pytest.raises(ValidationError) as refused:
        _recommend(amendment, editor, kind="covered", target_number=10**15)
    assert _code(refused.value) == "target_elsewhere"
    elsewhere = _amendment_in_another_chapter(member)
    with pytest.raises(ValidationError) as refused:
        _recommend(amendment, editor, kind="covered", target_number=elsewhere.pk)
    assert _code(refused.value) == "target_elsewhere"
    rival = propose(member, body_paragraph(seed_chapter, 6), title="Another")
    merged = _recommend(amendment, editor, kind="merged", target_number=rival.pk)
    assert merged.target == rival


def _amendment_in_another_chapter(member) -> Amendment:  # type: ignore[no-untyped-def]
    from manifesto.services import chapter_import

    other = chapter_import(data=b"Other\n\nPublished: 2020\n\nIts one paragraph.", slug="other")
    paragraph = other.paragraphs.filter(kind="body").first()
    return propose(member, paragraph, "Its only paragraph.")


def test_accept_as_modified_is_written_against_todays_text(amendment, editor, p5) -> None:
    modified = p5.text.replace("a myriad of problems", "several problems")
    recommendation = _recommend(amendment, editor, kind="modified", text=modified, reason="")
    assert recommendation.modified_base_text == p5.text
    assert recommended_text(amendment) == modified
    with pytest.raises(ValidationError) as refused:
        _recommend(amendment, editor, kind="modified", text="  ")
    assert _code(refused.value) == "text_missing"


def test_only_open_amendments_get_one(amendment, editor, other_editor) -> None:
    amendment_accept(amendment=amendment, editor=other_editor)
    with pytest.raises(ValidationError) as refused:
        _recommend(_reload(amendment), editor)
    assert _code(refused.value) == "not_open"


# --- publishing -------------------------------------------------------------------------------


def test_publishing_hides_and_shows_exactly(amendment, editor, member, other_member) -> None:
    _recommend(amendment, editor)
    chapter = amendment.chapter
    at = clock.now() + timedelta(hours=2)
    recommendations_publish(chapter=chapter, editor=editor, at=at)

    def seen_by(user):  # type: ignore[no-untyped-def]
        fresh = Amendment.objects.select_related(
            "recommendation", "chapter__recommendation_release"
        ).get(pk=amendment.pk)
        return visible_recommendation(fresh, user)

    with time_machine.travel(at - timedelta(seconds=1), tick=False):
        assert seen_by(other_member) is None
        assert seen_by(member) is None
        assert seen_by(None) is None
        assert seen_by(editor) is not None
    with time_machine.travel(at, tick=False):
        assert seen_by(other_member) is not None
        assert seen_by(None) is not None
    assert Decision.objects.filter(action="recs_published", chapter=chapter).exists()


def test_published_recommendations_stay_published(amendment, editor) -> None:
    recommendations_publish(chapter=amendment.chapter, editor=editor)
    with pytest.raises(ValidationError) as refused:
        recommendations_publish(
            chapter=amendment.chapter, editor=editor, at=clock.now() + timedelta(days=1)
        )
    assert _code(refused.value) == "published"


def test_a_time_set_for_later_can_be_moved(amendment, editor) -> None:
    chapter = amendment.chapter
    recommendations_publish(chapter=chapter, editor=editor, at=clock.now() + timedelta(days=2))
    release = recommendations_publish(
        chapter=chapter, editor=editor, at=clock.now() + timedelta(days=1)
    )
    assert release.published_at < clock.now() + timedelta(days=1, minutes=1)


def test_a_member_cannot_publish(seed_chapter, member) -> None:
    with pytest.raises(ValidationError):
        recommendations_publish(chapter=seed_chapter, editor=member)


# --- answering --------------------------------------------------------------------------------


def test_only_the_proposer_answers_and_only_after_publication(
    amendment, editor, member, other_member
) -> None:
    _recommend(amendment, editor)
    with pytest.raises(ValidationError) as refused:
        recommendation_answer(amendment=amendment, member=member, agree=True)
    assert _code(refused.value) == "none"
    recommendations_publish(chapter=amendment.chapter, editor=editor)
    with pytest.raises(ValidationError) as refused:
        recommendation_answer(amendment=amendment, member=other_member, agree=True)
    assert _code(refused.value) == "not_author"
    answered = recommendation_answer(amendment=amendment, member=member, agree=True)
    assert answered.answer == Recommendation.Answer.AGREED
    assert Decision.objects.get(action="proposer_agreed").actor == member


def test_disagreeing_needs_a_comment_and_is_logged(amendment, editor, member) -> None:
    _recommend(amendment, editor)
    recommendations_publish(chapter=amendment.chapter, editor=editor)
    with pytest.raises(ValidationError) as refused:
        recommendation_answer(amendment=amendment, member=member, agree=False)
    assert _code(refused.value) == "comment_missing"
    with pytest.raises(ValidationError, match="3,001 characters"):
        recommendation_answer(amendment=amendment, member=member, agree=False, comment="z" * 3001)
    answered = recommendation_answer(
        amendment=amendment, member=member, agree=False, comment="The text needs it."
    )
    assert (answered.answer, answered.answer_comment) == ("disagreed", "The text needs it.")
    log = Decision.objects.get(action="proposer_disagreed")
    assert (log.amendment, log.reason) == (amendment, "The text needs it.")
    assert answered.history.order_by("-history_id")[0].history_user == member


def test_changing_a_recommendation_resets_the_answer(amendment, editor, member) -> None:
    _recommend(amendment, editor)
    recommendations_publish(chapter=amendment.chapter, editor=editor)
    recommendation_answer(amendment=amendment, member=member, agree=True)
    same = _recommend(amendment, editor)
    assert same.answer == "agreed"  # nothing changed: the answer stands
    changed = _recommend(amendment, editor, reason="Out of scope, and too long.")
    assert (changed.answer, changed.answered_at) == ("", None)
    assert "answer reset" in changed.history.order_by("-history_id")[0].history_change_reason


# --- carrying "accept as modified" forward ----------------------------------------------------


def test_a_modified_text_is_carried_forward_when_its_paragraph_changes(
    amendment, editor, other_editor, member, p5
) -> None:
    modified = p5.text.replace("a myriad of problems", "several problems")
    _recommend(amendment, editor, kind="modified", text=modified, reason="")
    # Another amendment changes the end of the paragraph: the modification still fits.
    last_word = p5.text.split()[-1]
    elsewhere = propose(other_editor, p5, p5.text.replace(last_word, "end."), title="Elsewhere")
    amendment_accept(amendment=elsewhere, editor=editor)
    recommendation = Recommendation.objects.get(amendment=amendment)
    today = _reload(p5).text
    assert recommendation.conflict_reason == ""
    assert recommendation.modified_base_text == today
    assert recommendation.modified_text == today.replace("a myriad of problems", "several problems")
    assert (
        "carried forward after amendment"
        in recommendation.history.order_by("-history_id")[0].history_change_reason
    )
    assert recommended_text(_reload(amendment)) == recommendation.modified_text


def test_a_modified_text_goes_into_conflict_when_its_words_change(amendment, editor, p5) -> None:
    modified = p5.text.replace("a myriad of problems", "several problems")
    _recommend(amendment, editor, kind="modified", text=modified, reason="")
    paragraph_edit(
        paragraph=p5,
        editor=editor,
        text=p5.text.replace("a myriad of problems", "countless problems"),
        reason="Editorial.",
    )
    recommendation = Recommendation.objects.get(amendment=amendment)
    assert "can no longer be applied" in recommendation.conflict_reason
    assert recommendation.modified_text == modified  # kept as written, for the editors
    assert recommended_text(_reload(amendment)) is None


def test_an_accepted_amendment_leaves_its_own_modified_text_alone(
    amendment, editor, other_editor, p5
) -> None:
    modified = p5.text.replace("a myriad of problems", "several problems")
    _recommend(amendment, editor, kind="modified", text=modified, reason="")
    amendment_accept(amendment=amendment, editor=other_editor)
    recommendation = Recommendation.objects.get(amendment=amendment)
    assert (recommendation.modified_text, recommendation.conflict_reason) == (modified, "")


def test_no_answer_for_a_chapter_not_published_even_if_another_is(
    amendment, editor, member
) -> None:
    _recommend(amendment, editor)
    other = Chapter.objects.create(
        manifesto=amendment.chapter.manifesto, title="Other", slug="other-chapter", order=99
    )
    recommendations_publish(chapter=other, editor=editor)
    with pytest.raises(ValidationError):
        recommendation_answer(amendment=amendment, member=member, agree=True)


# --- the pages ----------------------------------------------------------------------------------

MARKER = "Zebracrossing <b>bold</b> & reasons"
ESCAPED = "Zebracrossing &lt;b&gt;bold&lt;/b&gt; &amp; reasons"


def _body(response):  # type: ignore[no-untyped-def]
    return response.streaming_content if response.streaming else [response.content]


def _everything_a_visitor_reads(client, amendment) -> str:  # type: ignore[no-untyped-def]
    """Every page and download a visitor or member reads that could show a recommendation."""
    import io
    import zipfile

    from django.urls import reverse

    slug = amendment.chapter.slug
    texts = [
        b"".join(_body(client.get(url))).decode()
        for url in (
            amendment.get_absolute_url(),
            reverse("amendments:list"),
            reverse("amendments:list") + "?status=all&sort=text",
            reverse("amendments:list_csv"),
            reverse("amendments:search") + "?q=Zebracrossing",
            reverse("manifesto:chapter", args=[slug]),
            reverse("amendments:log", args=[slug]),
            reverse("amendments:voting_list", args=[slug]),
            reverse("amendments:voting_list_csv", args=[slug]),
            reverse("amendments:voting_list_html", args=[slug]),
            reverse("amendments:mine"),
        )
    ]
    xlsx = client.get(reverse("amendments:list_xlsx"))
    with zipfile.ZipFile(io.BytesIO(b"".join(_body(xlsx)))) as book:
        texts += [book.read(name).decode() for name in book.namelist()]
    return "\n".join(texts)


def test_drafts_are_seen_by_editors_only_until_published(
    amendment, editor, member, other_member
) -> None:
    from tests.conftest import client_for

    _recommend(amendment, editor, reason=MARKER, contested=True)
    for user in (None, member, other_member):
        seen = _everything_a_visitor_reads(client_for(user), amendment)
        # (the search page repeats the word searched for, so the test looks for the rest)
        assert "bold" not in seen
        assert "Recommendation:" not in seen
        assert "recommendation-kind" not in seen
    assert ESCAPED in client_for(editor).get(amendment.get_absolute_url()).content.decode()
    recommendations_publish(chapter=amendment.chapter, editor=editor)
    for user in (None, member, other_member):
        page = client_for(user).get(amendment.get_absolute_url()).content.decode()
        assert ESCAPED in page and MARKER not in page
        listed = client_for(user).get("/amendments/").content.decode()
        assert "Recommendation: <strong>Reject</strong> (contested)" in listed


def test_an_editor_records_one_through_the_page_and_a_member_cannot(
    amendment, editor, other_member
) -> None:
    from django.urls import reverse

    from tests.conftest import client_for

    url = reverse("amendments:recommend", args=[amendment.pk])
    data = {"kind": "reject", "reason": "", "text": "Kept <i>as typed</i>"}
    refused = client_for(editor).post(url, data)
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "Give the reason to reject it." in page
    assert "Kept &lt;i&gt;as typed&lt;/i&gt;" in page
    assert client_for(other_member).post(url, {**data, "reason": "x"}).status_code == 403
    assert not Recommendation.objects.exists()
    done = client_for(editor).post(url, {**data, "reason": "Out of scope."})
    assert done.status_code == 302
    assert Recommendation.objects.get().reason == "Out of scope."


@pytest.mark.parametrize(
    "odd",
    [
        {"kind": "nonsense"},
        {"kind": "merged", "target": "abc"},
        {"kind": "merged", "target": "99999999999999999999999999"},
        {"kind": "covered", "target": "-3"},
        {"kind": "modified", "text": "\x00"},
        {"kind": "refer", "refer_to": "x\x00"},
        {},
    ],
)
def test_odd_input_never_answers_500(amendment, editor, odd) -> None:
    from django.urls import reverse

    from tests.conftest import client_for

    client = client_for(editor)
    answer = client.post(reverse("amendments:recommend", args=[amendment.pk]), odd)
    assert answer.status_code == 200
    publish = reverse("amendments:recommendations_publish", args=[amendment.chapter.slug])
    assert client.post(publish, {"publish_at": odd.get("target", "garbage")}).status_code == 200
    queue = client.get(reverse("amendments:queue") + "?recommendation=" + odd.get("kind", ""))
    assert queue.status_code == 200
    assert not Recommendation.objects.exists()


def test_the_proposer_answers_on_the_amendment_page(amendment, editor, member) -> None:
    from django.urls import reverse

    from tests.conftest import client_for

    _recommend(amendment, editor)
    client = client_for(member)
    assert "Your answer" not in client.get(amendment.get_absolute_url()).content.decode()
    recommendations_publish(chapter=amendment.chapter, editor=editor)
    assert "Your answer" in client.get(amendment.get_absolute_url()).content.decode()
    url = reverse("amendments:recommendation_answer", args=[amendment.pk])
    refused = client.post(url, {"answer": "disagree", "comment": ""})
    assert refused.status_code == 200
    assert "Say why you disagree" in refused.content.decode()
    assert (
        client.post(url, {"answer": "disagree", "comment": "<script>x</script>"}).status_code == 302
    )
    page = client.get(amendment.get_absolute_url()).content.decode()
    assert "<strong>disagreed</strong>" in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page and "<script>x" not in page


def test_the_queue_filters_by_recommendation(editor, member, other_member, seed_chapter) -> None:
    from django.urls import reverse

    from tests.conftest import client_for

    none = propose(member, body_paragraph(seed_chapter, 3), title="Nothing yet")
    agreed = propose(member, body_paragraph(seed_chapter, 4), title="Agreed one")
    disagreed = propose(member, body_paragraph(seed_chapter, 6), title="Disagreed one")
    for each in (agreed, disagreed):
        _recommend(each, editor)
    recommendations_publish(chapter=seed_chapter, editor=editor)
    recommendation_answer(amendment=agreed, member=member, agree=True)
    recommendation_answer(amendment=disagreed, member=member, agree=False, comment="No.")
    client = client_for(editor)
    queue = reverse("amendments:queue")
    without = client.get(queue + "?recommendation=none").content.decode()
    assert none.title in without and agreed.title not in without
    against = client.get(queue + "?recommendation=disagreed").content.decode()
    assert disagreed.title in against and agreed.title not in against
    assert none.title not in against
    assert 'value="disagreed" selected' in against  # the filter stays in the address's form
    everything = client.get(queue).content.decode()
    assert "Proposer: <strong>agreed</strong>" in everything
    assert other_member.pk  # (the actors exist; the queue is the editors')


@pytest.mark.parametrize("count", [3, 30])
def test_the_queue_and_list_with_recommendations_use_a_fixed_number_of_queries(
    editor, other_editor, seed_chapter, count, django_assert_num_queries
) -> None:
    from django.urls import reverse

    from tests.conftest import client_for, make_user

    authors = [make_user(f"m{i}") for i in range(4)]
    for index in range(count):
        paragraph = body_paragraph(seed_chapter, 1 + index % 25)
        proposed = propose(authors[index % 4], paragraph, paragraph.text + f" Words {index}.")
        _recommend(proposed, editor if index % 2 else other_editor, contested=index % 3 == 0)
    recommendations_publish(chapter=seed_chapter, editor=editor)
    as_editor, as_visitor = client_for(editor), client_for(None)
    # The queue's twelve (tests/amendments/test_review_views.py), none more for recommendations.
    with django_assert_num_queries(12):
        queue = as_editor.get(reverse("amendments:queue")).content.decode()
    shown = queue.count('<li class="queue-item ')
    assert shown >= min(count, 20)
    assert queue.count('data-testid="recommendation-line"') == shown
    # The list's seven for a visitor on a miss (tests/amendments/test_amendment_list.py).
    with django_assert_num_queries(7):
        page = as_visitor.get(reverse("amendments:list")).content.decode()
    assert page.count('data-testid="recommendation-line"') == count


def test_a_reopened_amendment_has_its_modified_text_carried_too(
    amendment, editor, other_editor, admin_user, member, p5
) -> None:
    from amendments.services.deciding import amendment_reject, amendment_reopen

    modified = p5.text.replace("a myriad of problems", "several problems")
    _recommend(amendment, editor, kind="modified", text=modified, reason="")
    amendment_reject(amendment=amendment, editor=other_editor, reason="Not now.")
    last_word = p5.text.split()[-1]
    elsewhere = propose(member, p5, p5.text.replace(last_word, "end."), title="Elsewhere")
    amendment_accept(amendment=elsewhere, editor=editor)
    assert Recommendation.objects.get(amendment=amendment).modified_text == modified
    amendment_reopen(amendment=_reload(amendment), admin=admin_user, reason="Again.")
    today = _reload(p5).text
    recommendation = Recommendation.objects.get(amendment=amendment)
    assert recommendation.modified_base_text == today
    assert recommendation.modified_text == today.replace("a myriad of problems", "several problems")


def test_a_modified_text_written_on_an_older_page_is_carried_onto_todays_text(
    amendment, editor, member, other_editor, p5
) -> None:
    from manifesto.selectors import latest_version

    shown = latest_version(p5).history_id
    written = p5.text.replace("a myriad of problems", "several problems")
    last_word = p5.text.split()[-1]
    meanwhile = propose(member, p5, p5.text.replace(last_word, "end."), title="Meanwhile")
    amendment_accept(amendment=meanwhile, editor=other_editor)
    today = _reload(p5).text
    recommendation = _recommend(
        amendment, editor, kind="modified", text=written, reason="", seen_version_id=shown
    )
    assert recommendation.modified_text == today.replace("a myriad of problems", "several problems")
    clashing = p5.text.replace(last_word, "finish.")
    with pytest.raises(ValidationError) as refused:
        _recommend(amendment, editor, kind="modified", text=clashing, seen_version_id=shown)
    assert _code(refused.value) == "paragraph_changed"
    with pytest.raises(ValidationError) as refused:
        _recommend(amendment, editor, seen_version_id=10**12)
    assert _code(refused.value) == "version"


def test_my_amendments_and_the_paragraph_page_show_it_once_published(
    amendment, editor, member, p5
) -> None:
    from django.urls import reverse

    from tests.conftest import client_for

    _recommend(amendment, editor, kind="refer", refer_to="The 2027 congress", reason="")
    client = client_for(member)
    pages = (reverse("amendments:mine"), p5.get_absolute_url())
    for url in pages:
        assert "recommendation-line" not in client.get(url).content.decode()
    recommendations_publish(chapter=amendment.chapter, editor=editor)
    for url in pages:
        page = client.get(url).content.decode()
        assert "Recommendation: <strong>Refer</strong>" in page
        assert "Proposer: not answered yet" in page
