"""Models on rest_fdw foreign tables, compared with their services.

check_models() finds every model whose table is a rest_fdw foreign table
and compares it with what its service declares (its OpenAPI document, read
through IMPORT FOREIGN SCHEMA, see openapi.py) and answers (one page of the
collection, fetched over HTTP):

* fields the service has no member for, types of another kind, nullability
  the model does not allow, members the model does not read;
* lookups the ORM and the admin will send (foreign keys, prefetches,
  Meta.ordering, list_filter, search_fields, date_hierarchy, sortable
  list_display columns) that the foreign table cannot send to the service,
  with what each costs.

manage.py rest_fdw_check prints the findings.
"""

import json
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.apps import apps as global_apps
from django.db import connections

from . import conf
from .column_types import mismatch
from .openapi import ServiceDocumentError, _options, read_collections
from .usage import needed_lookups

ERROR, WARNING, INFO = "error", "warning", "info"


@dataclass(frozen=True)
class Finding:
    level: str
    model: str
    message: str


def foreign_tables(connection):
    """rest_fdw foreign tables of the database: name -> (server, options,
    {column: member})."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, s.srvname, t.ftoptions FROM pg_foreign_table t "
            "JOIN pg_class c ON c.oid = t.ftrelid JOIN pg_foreign_server s ON s.oid = t.ftserver "
            "JOIN pg_foreign_data_wrapper w ON w.oid = s.srvfdw "
            "WHERE w.fdwname = 'rest_fdw' AND pg_table_is_visible(c.oid)"
        )
        tables = {name: (server, _options(options), {}) for name, server, options in cursor.fetchall()}
        cursor.execute(
            "SELECT c.relname, a.attname, a.attfdwoptions FROM pg_attribute a "
            "JOIN pg_class c ON c.oid = a.attrelid "
            "WHERE c.relname = ANY(%s) AND c.relkind = 'f' AND a.attnum > 0 AND NOT a.attisdropped",
            [list(tables)],
        )
        for table, column, options in cursor.fetchall():
            tables[table][2][column] = _options(options).get("field", column)
    return tables


def check_models(using="default", apps=global_apps, fetch_rows=True):
    """Findings for every model on a rest_fdw foreign table of `using`."""
    connection = connections[using]
    tables = foreign_tables(connection)
    documents = {}
    findings = []
    for model in apps.get_models():
        entry = tables.get(model._meta.db_table)
        if entry is None:
            continue
        server, options, members = entry
        label = model._meta.label
        service = conf.service_of_server(server)
        if service is None:
            findings.append(Finding(WARNING, label, f"server {server} is not in REST_FDW_SERVICES: "
                                    "not compared with its service"))
            continue
        if service.name not in documents:
            try:
                documents[service.name] = read_collections(connection, service)
            except ServiceDocumentError as error:
                documents[service.name] = error
        document = documents[service.name]
        if isinstance(document, Exception):
            findings.append(Finding(ERROR, label, str(document)))
            continue
        resource = options.get("resource", "")
        collection = document.get(resource)
        if collection is None:
            findings.append(Finding(ERROR, label, f"the OpenAPI document of service {service.name} "
                                    f"has no collection {resource}"))
            continue
        found = _check_fields(connection, model, members, collection)
        if fetch_rows:
            found += _check_answers(model, members, service, resource)
        found += _check_lookups(model, options)
        findings += [Finding(level, label, message) for level, message in found]
    return findings


def _check_fields(connection, model, members, collection):
    found = []
    read = set()
    for field in model._meta.concrete_fields:
        member = members.get(field.column, field.column)
        read.add(member)
        declared = collection.by_member.get(member)
        name = f"field {field.name}" + (f" (column {field.column})" if field.column != field.name else "")
        if declared is None:
            found.append((ERROR, f"{name}: the service's document has no member {member!r}: "
                          "reads give NULL and writes of it are dropped"))
            continue
        why = mismatch(field.db_type(connection) or "", declared.type)
        if why:
            found.append((ERROR, f"{name}: {why}"))
        if not field.null and not declared.not_null:
            found.append((WARNING, f"{name}: the service may send null, which the model does not "
                          "allow (NOT NULL in the model, nullable or optional in the document)"))
    for member in sorted(set(collection.by_member) - read):
        found.append((INFO, f"the service's member {member!r} is not read by the model"))
    return found


def _check_answers(model, members, service, resource):
    """Members of one row of the live collection, against the model's."""
    url = urllib.parse.urljoin(service.url, resource)
    request = urllib.request.Request(url + ("&" if "?" in url else "?") + "limit=1",
                                     headers={"Accept": "application/json"})
    if service.token:
        request.add_header("Authorization", f"Bearer {service.token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            body = json.load(response)
    except (OSError, ValueError) as error:
        return [(ERROR, f"GET {url}: {error}")]
    rows = body if isinstance(body, list) else next(
        (body[k] for k in ("results", "data", "items", "value") if isinstance(body.get(k), list)), []
    )
    if not rows or not isinstance(rows[0], dict):
        return [(INFO, f"GET {url} answered no row: the answers were not compared")]
    return [
        (ERROR, f"field {field.name}: the service's answers have no member "
         f"{members.get(field.column, field.column)!r} (GET {url})")
        for field in model._meta.concrete_fields
        if members.get(field.column, field.column) not in rows[0]
    ]


def _check_lookups(model, options):
    filters = {f.strip() for f in options.get("filters", "").split(",") if f.strip()}
    ordering = {f.strip() for f in options.get("ordering", "").split(",") if f.strip()}
    text_order = options.get("collation_matches", "false").lower() in ("true", "on", "yes", "1")
    found = []
    for need in needed_lookups(model):
        if need.lookup == "ordering":
            if not ({need.column, "*"} & ordering):
                found.append((WARNING, f"ordering by {need.column} ({need.why}) is done locally: "
                              "every page reads the whole collection"))
            elif need.text and not text_order:
                found.append((WARNING, f"ordering by {need.column} ({need.why}) is done locally: "
                              "text order needs collation_matches, so every page reads the whole "
                              "collection"))
            continue
        declared = need.column if need.lookup == "exact" else f"{need.column}__{need.lookup}"
        if not ({declared, f"{need.column}__*", "*"} & filters):
            found.append((WARNING, f"filter {declared} ({need.why}) is not offered by the service: "
                          "such queries read the whole collection and filter locally"))
    return found
