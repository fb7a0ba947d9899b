"""RestFdwContextMiddleware: who is asking, and which trace a web request
belongs to, sent to the services behind rest_fdw foreign tables.

rest_fdw sends the members of the setting rest_fdw.context (a JSON object)
as the headers a server's `context_headers` option names.  This middleware
sets that setting, per web request, on every database connection of the
rest_fdw backend (rest_fdw_django.backend), from

    REST_FDW_CONTEXT = {"user": "user", "trace": "trace"}

whose keys say what to send ("user": request.user.pk when authenticated;
"trace": a W3C traceparent, the incoming `traceparent` header when it is
valid, a new one otherwise) and whose values name the JSON members, the
names `context_headers` maps to headers:

    REST_FDW_SERVICES = {"shop": {..., "context_headers": "X-User-Id=user, traceparent=trace"}}

The value is set with set_config(..., false), for the session, and reset
after the response, also when the view raised.  SET LOCAL would end with the
transaction by itself, but needs one: in Django's autocommit mode (without
ATOMIC_REQUESTS) every query is its own transaction, so a SET LOCAL would be
gone before the first query of the view.  A session value outlives the
request on a persistent connection (CONN_MAX_AGE), hence the reset in a
`finally`; a connection whose reset fails is closed, so that its value never
reaches the next request.  The setting is made outside any transaction (a
middleware runs before ATOMIC_REQUESTS opens the view's), so a rollback in
the view cannot undo it.
"""

import json
import re
import secrets

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections

ROLES = ("user", "trace")
TRACEPARENT = re.compile(r"^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")


def context_members():
    """REST_FDW_CONTEXT checked: role -> JSON member name (empty: off)."""
    configured = getattr(settings, "REST_FDW_CONTEXT", None) or {}
    if not isinstance(configured, dict) or set(configured) - set(ROLES):
        raise ImproperlyConfigured(
            "REST_FDW_CONTEXT must be a dict whose keys are among: " + ", ".join(ROLES)
        )
    return {role: str(name) for role, name in configured.items() if name}


def valid_traceparent(value):
    """Whether `value` is a W3C traceparent this middleware propagates:
    version 00 (or a later one, not ff), non-zero trace and parent ids."""
    match = TRACEPARENT.match(value or "")
    if not match:
        return False
    version, trace_id, parent_id, _ = match.groups()
    return version != "ff" and trace_id != "0" * 32 and parent_id != "0" * 16


def new_traceparent():
    """A new W3C traceparent: version 00, random ids, sampled (flags 01)."""
    return f"00-{secrets.token_hex(16)}-{secrets.token_hex(8)}-01"


def request_context(request, members):
    """The JSON object of rest_fdw.context for `request`."""
    context = {}
    if "user" in members:
        user = getattr(request, "user", None)
        if user is not None and getattr(user, "is_authenticated", False):
            context[members["user"]] = str(user.pk)
    if "trace" in members:
        incoming = request.headers.get("traceparent", "").strip().lower()
        context[members["trace"]] = incoming if valid_traceparent(incoming) else new_traceparent()
    return context


def rest_fdw_connections():
    """The configured connections whose backend is rest_fdw's."""
    from .backend.base import DatabaseWrapper

    return [connections[alias] for alias in connections
            if isinstance(connections[alias], DatabaseWrapper)]


def set_context(connection, value):
    """Set rest_fdw.context for the session of `connection`."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('rest_fdw.context', %s, false)", [value])


def clear_context(connection):
    """Reset rest_fdw.context; close the connection if that fails."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("RESET rest_fdw.context")
    except Exception:
        connection.close()


class RestFdwContextMiddleware:
    """Set rest_fdw.context for each web request, clear it after."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.members = context_members()

    def __call__(self, request):
        if not self.members:
            return self.get_response(request)
        value = json.dumps(request_context(request, self.members), separators=(",", ":"))
        targets = rest_fdw_connections()
        try:
            for connection in targets:
                set_context(connection, value)
            return self.get_response(request)
        finally:
            for connection in targets:
                clear_context(connection)
