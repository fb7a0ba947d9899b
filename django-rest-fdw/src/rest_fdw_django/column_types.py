"""Do a local column's type and a service's declared type agree?

Types are compared by kind (whole numbers, numbers, text, dates, ...): a
service declaring int64 for a Django IntegerField is fine, text for a
DecimalField is not.  Used by the migration operations before a move and
by manage.py rest_fdw_check.
"""

import re

KINDS = {
    "smallint": "integer",
    "integer": "integer",
    "bigint": "integer",
    "numeric": "number",
    "real": "number",
    "double precision": "number",
    "text": "text",
    "character varying": "text",
    "character": "text",
    "boolean": "boolean",
    "date": "date",
    "timestamp with time zone": "timestamp",
    "timestamp without time zone": "timestamp",
    "time without time zone": "time",
    "time with time zone": "time",
    "interval": "interval",
    "uuid": "uuid",
    "json": "json",
    "jsonb": "json",
    "inet": "text",
    "cidr": "text",
}


def kind(sql_type):
    """The kind of a format_type() or db_type() string, e.g. "integer" for
    "bigint", "text" for "varchar(100)"; the bare type name if unknown."""
    base = re.sub(r"\(.*?\)", "", sql_type.lower()).strip()
    if base.endswith("[]"):
        return "array"
    base = {"varchar": "character varying", "timestamptz": "timestamp with time zone",
            "int": "integer", "int4": "integer", "int8": "bigint", "int2": "smallint",
            "bool": "boolean", "serial": "integer", "bigserial": "bigint",
            "double": "double precision", "float8": "double precision"}.get(base, base)
    return KINDS.get(base, base)


def mismatch(local_type, service_type):
    """Why a local column of `local_type` cannot hold the service's
    `service_type` values (or the reverse), or None if they agree."""
    local, remote = kind(local_type), kind(service_type)
    if local == remote:
        return None
    if local == "number" and remote == "integer":
        return None  # every whole number is a number
    if local == "json" or (local == "array" and remote == "json"):
        return None  # JSON holds anything; arrays travel as JSON arrays
    return f"the service declares {service_type}, the table has {local_type}"
