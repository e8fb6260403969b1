"""Reading the committee's recommendations: who may see one, and the text "accept as
modified" would apply. A read: it imports no service. The rows it reads are the amendment's
``recommendation`` and its chapter's ``recommendation_release``; select them with the
amendment (``RECOMMENDATION_RELATED``) and nothing here queries again."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from amendments.models import Amendment, Recommendation, RecommendationRelease
from common import clock
from manifesto.models import Chapter

# What a list's query selects with each amendment so that its recommendation and whether it
# is published cost no query of their own.
RECOMMENDATION_RELATED = ("recommendation", "chapter__recommendation_release")

# The limits of what the committee and the proposer type.
MAX_RECOMMENDATION_REASON_CHARS = 3000
MAX_REFER_TO_CHARS = 200
MAX_ANSWER_COMMENT_CHARS = 3000

Viewer = User | AnonymousUser | None


def release_of(chapter: Chapter) -> RecommendationRelease | None:
    """The chapter's publication of its recommendations, if an editor set one."""
    try:
        return chapter.recommendation_release
    except RecommendationRelease.DoesNotExist:
        return None


def recommendations_published(chapter: Chapter, at: datetime | None = None) -> bool:
    """True once the chapter's recommendations are public (its publication time has come)."""
    release = release_of(chapter)
    return release is not None and release.published_at <= (at or clock.now())


def sees_drafts(viewer: Viewer) -> bool:
    """Editors (and admins) see recommendations before they are published."""
    return isinstance(viewer, User) and viewer.is_authenticated and viewer.is_editor


def recommendation_of(amendment: Amendment) -> Recommendation | None:
    """The amendment's recommendation, published or not (None without one)."""
    try:
        return amendment.recommendation
    except Recommendation.DoesNotExist:
        return None


def visible_recommendation(amendment: Amendment, viewer: Viewer) -> Recommendation | None:
    """The recommendation ``viewer`` may see: an editor any, everyone else only published."""
    recommendation = recommendation_of(amendment)
    if recommendation is None:
        return None
    if sees_drafts(viewer) or recommendations_published(amendment.chapter):
        return recommendation
    return None


def recommended_text(amendment: Amendment) -> str | None:
    """The paragraph text that "accept as modified" would apply (carried onto the paragraph's
    text of today), or None: no such recommendation, or its text no longer fits."""
    recommendation = recommendation_of(amendment)
    if (
        recommendation is None
        or recommendation.kind != Recommendation.Kind.ACCEPT_MODIFIED
        or recommendation.in_conflict
    ):
        return None
    return recommendation.modified_text


def may_answer(user: Viewer, amendment: Amendment) -> bool:
    """The proposer answers a published recommendation while the amendment is open."""
    return (
        isinstance(user, User)
        and user.is_authenticated
        and amendment.author_id == user.pk
        and amendment.status in Amendment.OPEN_STATUSES
        and recommendation_of(amendment) is not None
        and recommendations_published(amendment.chapter)
    )
