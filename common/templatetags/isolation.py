"""One rule for showing what people wrote inline: isolated, so that its direction (a
right-to-left name, or an override left open) cannot turn the text around it.

``{{ amendment.title|isolate }}`` in HTML (``<bdi>``), ``{{ title|isolate_text }}`` in plain
text (e-mails, the page title, option labels: FIRST STRONG ISOLATE … POP DIRECTIONAL ISOLATE),
and ``{% person user %}`` / ``{{ user|person_text }}`` for a person's name with their role.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from textcore.oneline import balance_isolates, end_sentence, isolate

register = template.Library()


@register.filter(name="isolate")
def isolate_html(value: object) -> SafeString:
    """``value`` escaped, in a ``<bdi>`` element."""
    return format_html("<bdi>{}</bdi>", balance_isolates(str(value)))


@register.filter
def isolate_text(value: object) -> str:
    """``value`` between FSI and PDI, for plain text and places markup cannot go."""
    return isolate(str(value))


@register.inclusion_tag("_partials/person.html")
def person(user: Any) -> dict[str, Any]:
    """A person's public name, isolated, with their role if they are an editor or admin."""
    return {"name": balance_isolates(user.public_name), "role": user.role_label}


@register.filter
def person_text(user: Any) -> str:
    """A person's public name in plain text, isolated, with their role: "Erin Editor (editor)"."""
    role = user.role_label
    return isolate(user.public_name) + (f" ({role})" if role else "")


@register.filter
def full_stop(value: object) -> str:
    """The full stop to write after ``value`` at the end of a sentence: none if it has one."""
    return end_sentence(str(value))
