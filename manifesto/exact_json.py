"""Django's JSON serialization format (dumpdata, loaddata), keeping times to the microsecond.

Django's encoder follows ECMA-262 and cuts times to milliseconds, so a database dumped and
loaded again would not be the same: every timestamp of the history would move a little, and
two versions a few microseconds apart could trade places. settings.SERIALIZATION_MODULES puts
this in place of the built-in "json"; reading is Django's own, so fixtures load as before.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.serializers.json import Deserializer, DjangoJSONEncoder
from django.core.serializers.json import Serializer as DjangoJSONSerializer

__all__ = ["Deserializer", "ExactJSONEncoder", "Serializer"]


class ExactJSONEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder, but datetimes and times keep their microseconds."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
        if isinstance(o, datetime.time) and o.tzinfo is None:
            return o.isoformat()
        return super().default(o)


class Serializer(DjangoJSONSerializer):
    def _init_options(self) -> None:
        super()._init_options()  # type: ignore[misc]  # a private hook the stubs omit
        self.json_kwargs["cls"] = ExactJSONEncoder
