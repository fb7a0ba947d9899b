"""The optional capabilities of a kit service (the package README,
"Optional capabilities: a protocol over plain REST"), plain GET parameters
of the list, combined with its filters:

* ``?fields=id,title``: each row with those members only;
* ``?distinct=author_id``: a row ``{"author_id": 2}`` per distinct value,
  NULL one of its own;
* ``?group_by=author_id&aggregate=count``: rows ``{"author_id": 2,
  "count": 3}``, count being the number of rows the filters select in the
  group, as SQL's count(*).

Rows of values and groups are paged as usual (limit/offset, with their
``count``) and ordered by ``?ordering=``, which may name the grouped column
and, for counts, ``count`` (by the grouped column otherwise, so that pages
are stable).  A member that is not one of the view's, an ordering by
another member, or parameters that do not go together are a 400: a
mistake must not look like data.

CapabilitiesFilter declares the parameters in the OpenAPI document
(drf-spectacular reads a filter backend's get_schema_operation_parameters),
each with an enum of the member names, which rest_fdw's IMPORT FOREIGN
SCHEMA reads into the foreign table's option ``capabilities``.
"""

from django.db.models import Count
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend

FIELDS = "fields"
DISTINCT = "distinct"
GROUP_BY = "group_by"
AGGREGATE = "aggregate"
COUNT = "count"
PARAMETERS = (FIELDS, DISTINCT, GROUP_BY, AGGREGATE)

# the count's name in the query (a column may be named "count")
_COUNT_ALIAS = "_rest_fdw_count"


class Request:
    """What a list request asks of the capabilities: members (fields=), or
    a grouped column (distinct= or group_by=) with or without counts, and
    the order of the groups; nothing when it names none."""

    def __init__(self, fields=None, column=None, count=False, ordering=None):
        self.fields = fields
        self.column = column
        self.count = count
        self.ordering = ordering or []

    @property
    def grouped(self):
        return self.column is not None

    def groups(self, queryset):
        """The values or groups of the filtered queryset, ordered, as
        values() rows ({column: v} or {column: v, _COUNT_ALIAS: n})."""
        rows = queryset.order_by().values(self.column)
        if self.count:
            rows = rows.annotate(**{_COUNT_ALIAS: Count("*")})
        else:
            rows = rows.distinct()
        order = []
        for descending, name in self.ordering:
            name = _COUNT_ALIAS if name == COUNT and self.count else name
            order.append(("-" if descending else "") + name)
        if all(name.lstrip("-") != self.column for name in order):
            order.append(self.column)
        return rows.order_by(*order)

    def group_rows(self, rows):
        """values() rows of groups() as the answer's rows."""
        if not self.count:
            return rows
        for row in rows:
            row[COUNT] = row.pop(_COUNT_ALIAS)
        return rows

    def project(self, rows):
        """Rows (dicts) with the members of fields= only, in that order."""
        return [{name: row[name] for name in self.fields} for row in rows]


def _names(params, name):
    """The comma-separated member names of a parameter."""
    names = [n.strip() for n in params.get(name, "").split(",")]
    if not names or any(n == "" for n in names):
        raise ValidationError({name: ["A comma-separated list of members is required."]})
    return names


def _check_members(name, names, members):
    unknown = [n for n in names if n not in members]
    if unknown:
        raise ValidationError({name: [f"Unknown member: {n}." for n in unknown]})


def parse(params, members, group_members, ordering_param="ordering"):
    """The capabilities a request's query parameters ask for (a Request),
    or None when it names none; ValidationError (400) on anything the
    protocol does not allow.  members: the names fields= may list;
    group_members: those distinct= and group_by= may name."""
    if not any(p in params for p in PARAMETERS):
        return None
    if AGGREGATE in params and GROUP_BY not in params:
        raise ValidationError({AGGREGATE: ["aggregate needs group_by."]})
    if len([p for p in (FIELDS, DISTINCT, GROUP_BY) if p in params]) > 1:
        raise ValidationError({"detail": "fields, distinct and group_by do not go together."})
    if FIELDS in params:
        fields = _names(params, FIELDS)
        _check_members(FIELDS, fields, members)
        return Request(fields=fields)

    name = DISTINCT if DISTINCT in params else GROUP_BY
    columns = _names(params, name)
    if len(columns) != 1:
        raise ValidationError({name: ["One member."]})
    _check_members(name, columns, group_members)
    count = name == GROUP_BY
    if count and params.get(AGGREGATE) != COUNT:
        raise ValidationError({AGGREGATE: ['aggregate=count is the one aggregate.']})
    column = columns[0]

    ordering = []
    if params.get(ordering_param):
        for term in params[ordering_param].split(","):
            term = term.strip()
            descending = term.startswith("-")
            field = term[1:] if descending else term
            if field != column and not (count and field == COUNT):
                raise ValidationError(
                    {ordering_param: [f"Values and groups are ordered by {column}"
                                      + (" or count" if count else "") + f", not {field}."]})
            ordering.append((descending, field))
    return Request(column=column, count=count, ordering=ordering)


class CapabilitiesFilter(BaseFilterBackend):
    """Declares fields, distinct, group_by and aggregate in the OpenAPI
    document of a ServiceViewSet's list; the view itself applies them
    (ServiceViewSet.list), so filtering leaves the queryset as it is."""

    def filter_queryset(self, request, queryset, view):
        return queryset

    def get_schema_operation_parameters(self, view):
        members = view.capability_members()
        group = view.capability_group_members()

        def param(name, schema, description, array=False):
            declared = {"name": name, "required": False, "in": "query",
                        "description": description, "schema": schema}
            if array:
                declared.update(style="form", explode=False)
            return declared

        return [
            param(FIELDS, {"type": "array", "items": {"type": "string", "enum": members}},
                  "Only these members in each row.", array=True),
            param(DISTINCT, {"type": "string", "enum": group},
                  "A row per distinct value of this member (null included)."),
            param(GROUP_BY, {"type": "string", "enum": group},
                  "A row per value of this member with its count (with aggregate=count)."),
            param(AGGREGATE, {"type": "string", "enum": [COUNT]},
                  "count: the number of rows in each group of group_by."),
        ]
