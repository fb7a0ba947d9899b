"""JSON for rows read with values(): what DRF's serializers would write
(decimals as strings, ISO 8601 dates and times, UTC as "Z"), made by
converting only the columns whose values JSON cannot hold, column by
column, and encoding the rest with the json module's C encoder."""

import datetime
import decimal
import json
import uuid

from django.db import models
from django.utils import timezone
from django.utils.duration import duration_string
from rest_framework import renderers

from .fields import column_field


def _datetime(value, tz):
    if tz is not None and timezone.is_aware(value):
        value = value.astimezone(tz)
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _isoformat(value, tz):
    return value.isoformat()


def _str(value, tz):
    return str(value)


def _duration(value, tz):
    return duration_string(value)


def converter(field):
    """How to write a value of a model field DRF writes as a string, or None."""
    field = column_field(field)
    if isinstance(field, models.DateTimeField):
        return _datetime
    if isinstance(field, (models.DateField, models.TimeField)):
        return _isoformat
    if isinstance(field, (models.DecimalField, models.UUIDField)):
        return _str
    if isinstance(field, models.DurationField):
        return _duration
    return None


def convert_rows(rows, converters):
    """Convert, in place, the values of `rows` (dicts from values()) that
    `converters` (column -> function, from converter()) name; the rows."""
    tz = timezone.get_current_timezone() if _use_tz() else None
    for row in rows:
        for column, convert in converters:
            value = row[column]
            if value is not None:
                row[column] = convert(value, tz)
    return rows


def _use_tz():
    from django.conf import settings

    return settings.USE_TZ


def _default(value):
    """JSON for values no converter handled (rows a view built itself)."""
    tz = timezone.get_current_timezone() if _use_tz() else None
    if isinstance(value, datetime.datetime):
        return _datetime(value, tz)
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, datetime.timedelta):
        return duration_string(value)
    raise TypeError(f"cannot encode {type(value).__name__} as JSON")


_encoder = json.JSONEncoder(default=_default, separators=(",", ":"), ensure_ascii=False,
                            allow_nan=False)


def dumps(data):
    """The JSON of `data`, as UTF-8 bytes."""
    return _encoder.encode(data).encode()


class JSONRenderer(renderers.JSONRenderer):
    """DRF's JSON renderer with the encoder above (compact, non-ASCII text
    unescaped)."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        return dumps(data)
