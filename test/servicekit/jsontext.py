"""JSON whose numbers keep their source text.

A service that echoes numbers must not round them: a parsed JSON fraction is
a JNum, a Decimal that remembers the text it was read from, and dumps()
writes it back verbatim (integers are Python ints, exact anyway).  dumps()
writes compact JSON, UTF-8 friendly (no \\u escapes), or indented.
"""

import json
from decimal import Decimal


class JNum(Decimal):
    """A JSON non-integer number that remembers its source text."""

    raw = None


def _parse_float(text):
    """Parse a JSON fraction/exponent number keeping its text."""
    num = JNum(text)
    num.raw = text
    return num


def _reject_constant(name):
    """Reject NaN/Infinity, which are not JSON."""
    raise ValueError("invalid JSON constant " + name)


def loads(data):
    """Parse JSON text or UTF-8 bytes; numbers keep their exact value."""
    if isinstance(data, bytes):
        data = data.decode("utf-8")
    return json.loads(data, parse_float=_parse_float,
                      parse_constant=_reject_constant)


def dumps(value, indent=None, level=0):
    """Serialize to JSON text (UTF-8 friendly, numbers verbatim)."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, JNum) and value.raw is not None:
        return value.raw
    if isinstance(value, (int, Decimal)):
        return str(value)
    if isinstance(value, float):
        return json.dumps(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        items = [(json.dumps(str(k), ensure_ascii=False), v)
                 for k, v in value.items()]
        if not items:
            return "{}"
        if indent is None:
            return "{" + ",".join(k + ":" + dumps(v) for k, v in items) + "}"
        pad = " " * (indent * (level + 1))
        inner = (",\n").join(pad + k + ": " + dumps(v, indent, level + 1)
                             for k, v in items)
        return "{\n" + inner + "\n" + " " * (indent * level) + "}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        if indent is None:
            return "[" + ",".join(dumps(v) for v in value) + "]"
        pad = " " * (indent * (level + 1))
        inner = (",\n").join(pad + dumps(v, indent, level + 1) for v in value)
        return "[\n" + inner + "\n" + " " * (indent * level) + "]"
    raise TypeError("cannot serialize %r" % (value,))
