"""Milestones marked from the desk: the text store names the moment, the decision log says
who marked it."""

from __future__ import annotations

from django.db import transaction

from accounts.models import User
from amendments.models import Decision
from amendments.services.editorial import log_decision
from manifesto.models import Chapter, Milestone
from manifesto.services import milestone_create


def milestone_mark(*, chapter: Chapter, editor: User, name: str) -> Milestone:
    """An editor names the chapter's present state ("Congress draft"), so it can be exported
    and compared later; refused as ``milestone_create`` refuses, and logged."""
    with transaction.atomic():
        milestone = milestone_create(chapter=chapter, editor=editor, name=name)
        log_decision(
            chapter=chapter, action=Decision.Action.MILESTONE, actor=editor, reason=milestone.name
        )
    return milestone
