from __future__ import annotations

from typing import TYPE_CHECKING

from django import template
from django.utils.safestring import SafeString, mark_safe

from common import clock
from manifesto.rounds import RoundShown, chapter_round, round_shown
from textcore import words
from textcore.diff import ops_html

if TYPE_CHECKING:
    from amendments.models import Amendment
    from manifesto.models import Chapter

register = template.Library()


@register.filter
def signed(value: int) -> str:
    """+12, −30 (a real minus sign) or 0."""
    value = int(value or 0)
    if value > 0:
        return f"+{value}"
    if value < 0:
        return f"−{abs(value)}"
    return "0"


@register.filter
def pluralize_abs(value: int) -> str:
    return "" if abs(int(value or 0)) == 1 else "s"


@register.filter
def get_item(mapping: dict, key: object) -> object:
    return mapping.get(key)


@register.filter
def trim_edges(text: str) -> str:
    """A paragraph's text without the spaces at its ends, as every page and export shows it."""
    return words.trim_edges(str(text))


@register.filter
def round_now(chapter: Chapter) -> RoundShown:
    """The chapter's round as pages show it now: phase, deadline, whether it takes proposals."""
    return round_shown(chapter_round(chapter), clock.now())


@register.filter
def supporters_needed(amendment: Amendment) -> int:
    """How many more supporters an amendment collecting support needs to enter the review
    queue (its ``support_count`` annotated, its chapter's Manifesto read with it)."""
    minimum = chapter_round(amendment.chapter).minimum_supporters
    return max(0, minimum - int(getattr(amendment, "support_count", 0) or 0))


@register.filter
def stored_diff(amendment: Amendment) -> SafeString:
    """The amendment's change as its stored word diff (``diff_ops``), never diffed here; every
    word is escaped by ``ops_html``. Empty for a row stored without one."""
    ops = amendment.diff_ops
    return mark_safe(ops_html(ops)) if ops is not None else mark_safe("")  # noqa: S308  # nosec B308 B703
