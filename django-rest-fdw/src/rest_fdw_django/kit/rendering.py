"""A compact JSON encoder for rows read with values(): the JSON DRF's
serializers would give (decimals as strings, ISO 8601 dates and times,
UTC as "Z"), without building a serializer per row."""

import datetime
import decimal
import json
import uuid

from django.utils import timezone
from rest_framework import renderers


def _default(value):
    """JSON for the values json cannot encode itself, as DRF writes them."""
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        text = value.isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return _duration(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (bytes, memoryview)):
        raise TypeError("binary values have no JSON form")
    raise TypeError(f"cannot encode {type(value).__name__} as JSON")


def _duration(value):
    from django.utils.duration import duration_string

    return duration_string(value)


_encoder = json.JSONEncoder(default=_default, separators=(",", ":"), ensure_ascii=False,
                            allow_nan=False)


def dumps(data):
    """The JSON of `data`, as UTF-8 bytes."""
    return _encoder.encode(data).encode()


class JSONRenderer(renderers.JSONRenderer):
    """DRF's JSON renderer with the encoder above (compact, no escaping of
    non-ASCII text)."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        return dumps(data)
