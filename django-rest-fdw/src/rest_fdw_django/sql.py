"""SQL text for rest_fdw objects: servers, user mappings, text arrays.

Every value is quoted as a literal, identifiers with quote_name.  The bearer token
is replaced by a placeholder when the SQL is only printed (sqlmigrate).
"""

import re

TOKEN_PLACEHOLDER = "<the token of REST_FDW_SERVICES[{name!r}]>"


def quote_literal(value):
    """A SQL string literal for `value` (standard_conforming_strings on,
    PostgreSQL's default since 9.1)."""
    return "'" + str(value).replace("'", "''") + "'"


def text_array(values):
    """A text[] literal: ARRAY['a', 'b']::text[] or '{}'::text[]."""
    values = list(values)
    if not values:
        return "'{}'::text[]"
    return "ARRAY[" + ", ".join(quote_literal(v) for v in values) + "]::text[]"


def server_sql(connection, service, show_token=True):
    """CREATE EXTENSION, SERVER and USER MAPPING statements for `service`,
    each a no-op where the object exists already."""
    qn = connection.ops.quote_name
    server = qn(service.server)
    options = {"base_url": service.url, "dialect": service.dialect}
    if service.context_headers:
        options["context_headers"] = service.context_headers
    options.update(service.server_options)
    listed = ", ".join(
        f"{k if re.fullmatch(r'[a-z_][a-z0-9_]*', k) else qn(k)} {quote_literal(v)}"
        for k, v in options.items()
    )
    statements = [
        "CREATE EXTENSION IF NOT EXISTS rest_fdw",
        f"CREATE SERVER IF NOT EXISTS {server} FOREIGN DATA WRAPPER rest_fdw OPTIONS ({listed})",
    ]
    if service.token:
        token = service.token if show_token else TOKEN_PLACEHOLDER.format(name=service.name)
        statements.append(
            f"CREATE USER MAPPING IF NOT EXISTS FOR CURRENT_USER SERVER {server} "
            f"OPTIONS (bearer_token {quote_literal(token)})"
        )
    else:
        statements.append(f"CREATE USER MAPPING IF NOT EXISTS FOR CURRENT_USER SERVER {server}")
    return statements


def drop_unused_server_sql(server):
    """A statement dropping `server` (and its user mappings) once no
    foreign table uses it."""
    literal = quote_literal(server)
    return (
        "DO $rest_fdw_django$ BEGIN "
        "IF NOT EXISTS (SELECT FROM pg_foreign_table t JOIN pg_foreign_server s "
        f"ON s.oid = t.ftserver WHERE s.srvname = {literal}) THEN "
        f"EXECUTE 'DROP SERVER IF EXISTS ' || quote_ident({literal}) || ' CASCADE'; "
        "END IF; END $rest_fdw_django$"
    )
