"""The REST_FDW_SERVICES setting: the services models may move into.

    REST_FDW_SERVICES = {
        "catalog": {
            "url": os.environ["CATALOG_SERVICE_URL"],   # the API root, ending in /
            "token": os.environ["SERVICE_TOKEN"],       # bearer token, or "" / absent
            "dialect": "drf",                            # drf (default), postgrest, json-server
            "openapi": "schema/?format=json",            # the OpenAPI document, relative to url
            "server": "catalog",                         # the rest_fdw server (default: the key)
            "options": {"collation_matches": "true"},    # more foreign table options
            "server_options": {"undo": True},            # more options of the server
            "reset": "myproject.tests.reset_catalog",    # tests: empties and reloads the service
            "context_headers": "X-User-Id=user, traceparent=trace",  # the server's option
        },
    }

Only "url" is required.  The token goes into a user mapping (PostgreSQL
shows it only to its user and superusers); it is never printed.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DIALECTS = ("drf", "postgrest", "json-server")
KEYS = {
    "url", "token", "dialect", "openapi", "server", "options", "server_options", "reset",
    "context_headers",
}
# Server options the entry sets through its own keys.
OWN_SERVER_OPTIONS = {"base_url", "dialect", "context_headers"}


@dataclass(frozen=True)
class Service:
    """One entry of REST_FDW_SERVICES, checked and with its defaults."""

    name: str
    url: str
    token: str = ""
    dialect: str = "drf"
    openapi: str = "schema/?format=json"
    server: str = ""
    options: dict = field(default_factory=dict)
    server_options: dict = field(default_factory=dict)
    reset: str = ""
    context_headers: str = ""


def services():
    """Every configured service, by name."""
    configured = getattr(settings, "REST_FDW_SERVICES", {})
    if not isinstance(configured, dict):
        raise ImproperlyConfigured("REST_FDW_SERVICES must be a dict of service name -> settings.")
    return {name: _service(name, entry) for name, entry in configured.items()}


def service(name):
    """The service called `name` in REST_FDW_SERVICES."""
    configured = services()
    if name not in configured:
        raise ImproperlyConfigured(
            f"REST_FDW_SERVICES has no service {name!r}; it names: "
            + (", ".join(sorted(configured)) or "none")
        )
    return configured[name]


def service_of_server(server):
    """The configured service whose rest_fdw server is `server`, or None."""
    for entry in services().values():
        if entry.server == server:
            return entry
    return None


def _service(name, entry):
    if not isinstance(entry, dict):
        raise ImproperlyConfigured(f"REST_FDW_SERVICES[{name!r}] must be a dict.")
    unknown = set(entry) - KEYS
    if unknown:
        raise ImproperlyConfigured(
            f"REST_FDW_SERVICES[{name!r}] has unknown keys: {', '.join(sorted(unknown))}"
        )
    dialect = entry.get("dialect") or "drf"
    if dialect not in DIALECTS:
        raise ImproperlyConfigured(
            f"REST_FDW_SERVICES[{name!r}]['dialect'] must be one of {', '.join(DIALECTS)}."
        )
    options = entry.get("options", {})
    if not isinstance(options, dict):
        raise ImproperlyConfigured(f"REST_FDW_SERVICES[{name!r}]['options'] must be a dict.")
    server_options = entry.get("server_options", {})
    if not isinstance(server_options, dict):
        raise ImproperlyConfigured(
            f"REST_FDW_SERVICES[{name!r}]['server_options'] must be a dict."
        )
    own = OWN_SERVER_OPTIONS & set(map(str, server_options))
    if own:
        raise ImproperlyConfigured(
            f"REST_FDW_SERVICES[{name!r}]['server_options'] cannot set {', '.join(sorted(own))}: "
            "use the entry's own keys (url, dialect, context_headers)."
        )
    return Service(
        name=name,
        url=entry.get("url") or "",
        token=entry.get("token") or "",
        dialect=dialect,
        openapi=entry.get("openapi") or "schema/?format=json",
        server=entry.get("server") or name,
        options={str(k): option_value(v) for k, v in options.items()},
        server_options={str(k): option_value(v) for k, v in server_options.items()},
        reset=entry.get("reset") or "",
        context_headers=entry.get("context_headers") or "",
    )


def option_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
