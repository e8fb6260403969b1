"""The form field for every text a person types on the desk.

One class, so that every text is counted alike: line breaks count as one character each, as
the browser's ``maxlength`` counts them (a form sends them as CR LF); a text over its limit is
refused with the limit named; and a NUL character, which no database column here can hold, is
removed and reported, so the form comes back with the text the person typed, less the NUL.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator

from textcore.limits import normalise_line_breaks, too_long_message

NUL_REMOVED = (
    "It held a NUL character (U+0000), which no text here can hold; it sometimes comes with "
    "text pasted from another program. It has been removed: check the text and send it again."
)


class DeskCharField(forms.CharField):
    """A text field with a limit (``max_length``, which the browser's ``maxlength`` repeats).

    ``what`` starts the refusal for length ("The reason" → "The reason is 3,012 characters;
    the maximum is 3,000."); it defaults to "The" and the field's label.
    """

    def __init__(self, *, max_length: int, what: str = "", **kwargs: Any) -> None:
        self.what = what
        super().__init__(max_length=max_length, **kwargs)
        # validate() checks both, with messages that say what happened and what to do.
        self.validators = [
            validator
            for validator in self.validators
            if not isinstance(validator, MaxLengthValidator | ProhibitNullCharactersValidator)
        ]

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = normalise_line_breaks(value)
            if "\x00" in value:
                raise ValidationError(NUL_REMOVED, code="null_characters_not_allowed")
        return super().to_python(value)

    def validate(self, value: Any) -> None:
        super().validate(value)
        limit = self.max_length
        if limit is not None and isinstance(value, str) and len(value) > limit:
            raise ValidationError(
                too_long_message(self._what(), len(value), limit), code="max_length"
            )

    def bound_data(self, data: Any, initial: Any) -> Any:
        # What the refused form shows again: the typed text, counted as it was checked and
        # without a NUL (which a browser would show as a replacement character).
        data = super().bound_data(data, initial)
        if isinstance(data, str):
            return normalise_line_breaks(data).replace("\x00", "")
        return data

    def _what(self) -> str:
        if self.what:
            return self.what
        return f"The {str(self.label).lower()}" if self.label else "The text"


class DeskEmailField(DeskCharField, forms.EmailField):
    """An e-mail address, counted and refused like every other text."""


class DeskSlugField(DeskCharField, forms.SlugField):
    """A slug (letters, digits, hyphens), counted and refused like every other text."""
