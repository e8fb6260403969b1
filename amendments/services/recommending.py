"""The committee's recommendations: drafting one, publishing a chapter's, the proposer's
answer, and carrying "accept as modified" texts forward when their paragraph changes.

Each service locks the amendment's paragraph (and the amendment) through ``lock_rows``, the
lock under which ``carry_forward`` runs: a recommendation's text is written under the same
lock that carries it forward, so neither can lose the other's change."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django_tasks import default_task_backend

from accounts.models import User
from amendments.models import Amendment, Decision, Recommendation, RecommendationRelease
from amendments.recommendations import (
    MAX_ANSWER_COMMENT_CHARS,
    MAX_RECOMMENDATION_REASON_CHARS,
    MAX_REFER_TO_CHARS,
    recommendation_of,
    recommendations_published,
)
from amendments.rules import (
    NOT_A_VERSION_MESSAGE,
    RESTART_FROM,
    UNSTORABLE_MESSAGE,
    has_unstorable_characters,
    normalise_text,
    proposed_paragraph_text,
)
from amendments.services.editorial import log_decision, refuse_long_text, require_editor
from amendments.services.locking import lock_rows
from amendments.services.notifications import (
    notify_recommendation,
    notify_recommendations_published,
)
from amendments.tasks import tell_recommendations
from common import clock
from manifesto.models import Chapter, Paragraph
from manifesto.selectors import latest_version
from textcore.limits import counted_length, too_long_message
from textcore.rebase import rebase

ANSWER_RESET = "The proposer's answer was reset: they are asked again about the new wording."


def _field_error(field: str, message: str, code: str) -> ValidationError:
    """A refusal that names its field and keeps its code (a dict of plain messages drops it)."""
    return ValidationError({field: ValidationError(message, code=code)})


def _refuse_long(field: str, what: str, text: str, limit: int) -> None:
    length = counted_length(text)
    if length > limit:
        raise _field_error(field, too_long_message(what, length, limit), "too_long")
    if has_unstorable_characters(text):
        raise _field_error(field, UNSTORABLE_MESSAGE, "unstorable")


def _target_of(amendment: Amendment, number: int | None) -> Amendment:
    if number is None:
        raise _field_error(
            "target", "Name the amendment it is merged into or covered by.", "target_missing"
        )
    if number == amendment.pk:
        raise _field_error(
            "target", "An amendment cannot be merged into or covered by itself.", "target_itself"
        )
    target = Amendment.objects.filter(pk=number).first()
    if target is None or target.chapter_id != amendment.chapter_id:
        raise _field_error(
            "target", f"There is no amendment #{number} in this chapter.", "target_elsewhere"
        )
    return target


def _modified_base(amendment: Amendment, paragraph: Paragraph) -> str:
    """What a modified text is written against: the paragraph today (an insertion: its text)."""
    if amendment.kind == Amendment.Kind.INSERT:
        return amendment.proposed_text
    return paragraph.text


def _seen_version(paragraph: Paragraph, seen_version_id: int | None) -> Any:
    """The paragraph version the editor's page showed (None: today's), refused if it is
    not one of the paragraph's own."""
    if seen_version_id is None:
        return None
    seen = paragraph.history.filter(history_id=seen_version_id).first()
    if seen is None:
        raise ValidationError(
            NOT_A_VERSION_MESSAGE,
            code="version",
            params={RESTART_FROM: latest_version(paragraph).history_id},
        )
    return seen


def _onto_today(paragraph: Paragraph, seen: Any, shaped: str) -> str:
    """A modified text written on an older page, carried onto today's paragraph (or refused):
    recorded as written, it would undo what changed meanwhile."""
    latest = latest_version(paragraph)
    if seen is None or seen.history_id == latest.history_id:
        return shaped
    outcome = rebase(seen.text, shaped, paragraph.text)
    if not outcome.clean or outcome.text is None:
        raise ValidationError(
            "The paragraph was changed while you were writing, where the modified text "
            "changes it. Your text is kept below; compare it with today's text and send it "
            "again.",
            code="paragraph_changed",
            params={RESTART_FROM: latest.history_id},
        )
    return outcome.text


def _modified(amendment: Amendment, paragraph: Paragraph, text: str, seen: Any) -> dict[str, Any]:
    refuse_long_text(text)
    base = _modified_base(amendment, paragraph)
    kind = Amendment.Kind.INSERT if amendment.kind == Amendment.Kind.INSERT else "replace"
    shaped = proposed_paragraph_text(kind=kind, base_text=base, text=text)
    if not shaped:
        raise _field_error("text", "Write the modified text.", "text_missing")
    if paragraph.is_deleted and amendment.kind != Amendment.Kind.INSERT:
        raise _field_error(
            "text", "The paragraph was deleted: there is no text to modify.", "paragraph_deleted"
        )
    version = None
    if amendment.kind != Amendment.Kind.INSERT:
        shaped, version = _onto_today(paragraph, seen, shaped), latest_version(paragraph)
    return {
        "modified_text": shaped,
        "modified_base_text": base,
        "modified_base_version": version,
        "conflict_reason": "",
    }


def _fields(
    amendment: Amendment,
    paragraph: Paragraph,
    *,
    kind: str,
    text: str,
    reason: str,
    target_number: int | None,
    refer_to: str,
    contested: bool,
    seen_version_id: int | None,
) -> dict[str, Any]:
    """The recommendation's new fields, validated."""
    seen = _seen_version(paragraph, seen_version_id)
    if kind not in Recommendation.Kind.values:
        raise _field_error("kind", "Choose a recommendation.", "kind_unknown")
    reason = reason.strip()
    refer_to = normalise_text(refer_to)
    _refuse_long("reason", "The reason", reason, MAX_RECOMMENDATION_REASON_CHARS)
    _refuse_long("refer_to", "“Refer to”", refer_to, MAX_REFER_TO_CHARS)
    if kind == Recommendation.Kind.REJECT and not reason:
        raise _field_error("reason", "Give the reason to reject it.", "reason_missing")
    if kind == Recommendation.Kind.REFER and not refer_to:
        raise _field_error("refer_to", "Say whom or when it is referred to.", "refer_missing")
    fields: dict[str, Any] = {
        "kind": kind,
        "reason": reason,
        "refer_to": refer_to if kind == Recommendation.Kind.REFER else "",
        "contested": contested,
        "target": None,
        "modified_text": "",
        "modified_base_text": "",
        "modified_base_version": None,
        "conflict_reason": "",
    }
    if kind in Recommendation.TARGETED_KINDS:
        fields["target"] = _target_of(amendment, target_number)
    if kind == Recommendation.Kind.ACCEPT_MODIFIED:
        fields.update(_modified(amendment, paragraph, text, seen))
    return fields


def _refuse_recommending(amendment: Amendment, editor: User) -> None:
    if amendment.author_id == editor.pk:
        raise ValidationError(
            "You proposed this amendment: another editor recommends on it.",
            code="own_amendment",
        )
    if amendment.status not in Amendment.OPEN_STATUSES:
        raise ValidationError(
            "Only an open amendment (pending or in conflict) gets a recommendation.",
            code="not_open",
        )


def recommendation_set(
    *,
    amendment: Amendment,
    editor: User,
    kind: str,
    text: str = "",
    reason: str = "",
    target_number: int | None = None,
    refer_to: str = "",
    contested: bool = False,
    seen_version_id: int | None = None,
) -> Recommendation:
    """Record (or change) the committee's recommendation on an open amendment. A modified
    text written against an older version of the paragraph (``seen_version_id``) is carried
    onto today's. A change after the proposer answered resets the answer."""
    require_editor(editor)
    with transaction.atomic():
        locked = lock_rows(paragraphs=[amendment.paragraph_id], amendments=[amendment.pk])
        current = locked.amendments[amendment.pk]
        paragraph = locked.paragraphs[amendment.paragraph_id]
        _refuse_recommending(current, editor)
        fields = _fields(
            current,
            paragraph,
            kind=kind,
            text=text,
            reason=reason,
            target_number=target_number,
            refer_to=refer_to,
            contested=contested,
            seen_version_id=seen_version_id,
        )
        recommendation = recommendation_of(current) or Recommendation(amendment=current)
        is_new = recommendation.pk is None
        changed = any(getattr(recommendation, name) != value for name, value in fields.items())
        for name, value in fields.items():
            setattr(recommendation, name, value)
        label = "recommendation recorded"
        if changed and recommendation.answer:
            recommendation.answer = Recommendation.Answer.NONE
            recommendation.answer_comment = ""
            recommendation.answered_at = None
            label = "recommendation changed; the proposer's answer reset"
        recommendation.drafted_by = editor
        recommendation.drafted_at = clock.now()
        _save(recommendation, label, editor)
        if (is_new or changed) and recommendations_published(current.chapter):
            # Public at once: a draft (the chapter not published yet) is never told of.
            notify_recommendation(
                amendment=current, recommendation=recommendation, actor=editor, changed=not is_new
            )
        return recommendation


def _save(recommendation: Recommendation, reason: str, user: User | None) -> None:
    recommendation._change_reason = reason
    recommendation._history_user = user
    recommendation.save()


def recommendations_publish(
    *, chapter: Chapter, editor: User, at: datetime | None = None
) -> RecommendationRelease:
    """Publish the chapter's recommendations now, or from ``at`` on (the pages compare it with
    the clock; the proposers and followers are told now, or by a task at that time).
    Published ones stay published."""
    require_editor(editor)
    now = clock.now()
    when = max(at, now) if at is not None else now
    with transaction.atomic():
        locked = lock_rows(chapters=[chapter.pk]).chapters[chapter.pk]
        release = RecommendationRelease.objects.filter(chapter=locked).first()
        if release is not None and release.published_at <= now:
            raise ValidationError(
                "This chapter's recommendations are already published.", code="published"
            )
        release = release or RecommendationRelease(chapter=locked)
        release.published_at = when
        release.published_by = editor
        if when == now:
            notify_recommendations_published(chapter=locked, actor=editor)
            release.told_at = now
        else:
            transaction.on_commit(lambda: _tell_at(when), robust=True)
        release.save()
        log_decision(
            chapter=locked,
            action=Decision.Action.RECOMMENDATIONS_PUBLISHED,
            actor=editor,
            reason="Published now."
            if when == now
            else f"To be published at {when:%Y-%m-%d %H:%M} UTC.",
        )
        return release


def _tell_at(when: datetime) -> None:
    """Have the worker tell of a publication set for ``when`` at that time. A backend that
    cannot wait (the tests' immediate one), or a lost task, leaves it to the daily
    ``send_digest``, which tells of every publication whose time came."""
    if default_task_backend.supports_defer:
        tell_recommendations.using(run_after=when).enqueue()


def recommendations_tell_due() -> int:
    """Tell the proposers and followers of each chapter whose recommendations' publication
    time has come and who were not told yet, once (the chapter's lock and ``told_at`` see to
    it); returns how many chapters were told of. Run by the worker and by ``send_digest``."""
    now = clock.now()
    due = RecommendationRelease.objects.filter(told_at__isnull=True, published_at__lte=now)
    told = 0
    for chapter_id in due.order_by("chapter_id").values_list("chapter_id", flat=True):
        with transaction.atomic():
            chapter = lock_rows(chapters=[chapter_id]).chapters[chapter_id]
            release = due.filter(chapter=chapter).select_related("published_by").first()
            if release is None:  # told meanwhile, or moved to a later time
                continue
            notify_recommendations_published(chapter=chapter, actor=release.published_by)
            release.told_at = now
            release.save(update_fields=["told_at"])
            told += 1
    return told


def recommendation_answer(
    *, amendment: Amendment, member: User, agree: bool, comment: str = ""
) -> Recommendation:
    """The proposer agrees with the published recommendation (no vote needed) or disagrees,
    with a comment; logged, and kept in the recommendation's history."""
    comment = comment.strip()
    _refuse_long("comment", "The comment", comment, MAX_ANSWER_COMMENT_CHARS)
    with transaction.atomic():
        locked = lock_rows(paragraphs=[amendment.paragraph_id], amendments=[amendment.pk])
        current = locked.amendments[amendment.pk]
        current.chapter = locked.paragraphs[amendment.paragraph_id].chapter
        recommendation = recommendation_of(current)
        if current.author_id != member.pk:
            raise ValidationError("Only its proposer answers a recommendation.", code="not_author")
        if recommendation is None or not recommendations_published(current.chapter):
            raise ValidationError("There is no published recommendation to answer.", code="none")
        if current.status not in Amendment.OPEN_STATUSES:
            raise ValidationError("The amendment is no longer open.", code="not_open")
        if not agree and not comment:
            raise _field_error(
                "comment", "Say why you disagree: the congress reads it.", "comment_missing"
            )
        recommendation.answer = (
            Recommendation.Answer.AGREED if agree else Recommendation.Answer.DISAGREED
        )
        recommendation.answer_comment = comment
        recommendation.answered_at = clock.now()
        _save(recommendation, f"the proposer {recommendation.answer}", member)
        log_decision(
            chapter=current.chapter,
            action=Decision.Action.PROPOSER_AGREED if agree else Decision.Action.PROPOSER_DISAGREED,
            actor=member,
            amendment=current,
            reason=comment,
        )
        return recommendation


def carry_recommendations(*, paragraph: Paragraph, version: Any, cause: Amendment | None) -> None:
    """After ``paragraph`` changed, carry each "accept as modified" text written against it
    onto the new text, or mark it in conflict. Called by ``carry_forward``, under its locks."""
    recommendations = (
        Recommendation.objects.filter(
            kind=Recommendation.Kind.ACCEPT_MODIFIED,
            amendment__paragraph=paragraph,
            amendment__status__in=Amendment.OPEN_STATUSES,
            conflict_reason="",
        )
        .exclude(amendment__kind=Amendment.Kind.INSERT)
        .order_by("pk")
    )
    if cause is not None:
        recommendations = recommendations.exclude(amendment=cause)
    by = f"amendment #{cause.pk}" if cause else "an editor"
    for recommendation in recommendations:
        if recommendation.modified_base_version_id == version.history_id:
            continue
        if paragraph.is_deleted:
            recommendation.conflict_reason = f"The paragraph was deleted by {by}."
            _save(recommendation, "modified text in conflict", None)
            continue
        outcome = rebase(
            recommendation.modified_base_text, recommendation.modified_text, paragraph.text
        )
        if not outcome.clean or outcome.text is None:
            recommendation.conflict_reason = (
                f"The paragraph was changed by {by} where the modified text changes it, so it "
                "can no longer be applied as written: record the recommendation again."
            )
            _save(recommendation, "modified text in conflict", None)
            continue
        recommendation.modified_text = outcome.text
        recommendation.modified_base_text = paragraph.text
        recommendation.modified_base_version = version
        _save(recommendation, f"modified text carried forward after {by}", None)
