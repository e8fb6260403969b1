"""The base of our forms."""

from __future__ import annotations

from typing import Any

from django import forms


class DeskForm(forms.Form):
    """Our forms' labels read as plain labels, without a trailing colon."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
