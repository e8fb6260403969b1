"""Reading the size of a database column, for the limits that forms and services repeat."""

from __future__ import annotations

from django.db import models


def column_length(model: type[models.Model], field_name: str) -> int:
    """The ``max_length`` of ``model``'s field ``field_name``; refuses a field without one."""
    field = model._meta.get_field(field_name)
    if not isinstance(field, models.Field) or field.max_length is None:
        raise ValueError(f"{model.__name__}.{field_name} has no max_length")
    return field.max_length
