"""The recommendation an amendment's row may show: ``{% shown_recommendation amendment as r %}``
(an editor sees drafts; everyone else only published ones). Reads only what the row's query
selected (``amendments.recommendations.RECOMMENDATION_RELATED``)."""

from __future__ import annotations

from typing import Any

from django import template

from amendments.models import Amendment, Recommendation
from amendments.recommendations import visible_recommendation

register = template.Library()


@register.simple_tag(takes_context=True)
def shown_recommendation(context: dict[str, Any], amendment: Amendment) -> Recommendation | None:
    request = context.get("request")
    return visible_recommendation(amendment, getattr(request, "user", None))
