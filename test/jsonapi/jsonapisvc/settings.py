"""Settings of the JSON:API test service: djangorestframework-jsonapi's
renderer, parser, exception handler, pagination, filters and OpenAPI
schema, as its documentation sets them up, over a SQLite file.

The differential test's model (its items) comes from the app of its DRF
service, test/difftest/drfservice/oraclesvc, so that both serve one schema.

Environment: JSONAPI_DB (the SQLite file), JSONAPI_REQUEST_LOG (the file
the request log middleware appends to; none without it).
"""

import os
import sys

sys.path.append(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                             "..", "..", "difftest", "drfservice"))

SECRET_KEY = "jsonapi-test-service-not-a-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "jsonapi.test"]

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "rest_framework",
    "rest_framework_json_api",
    "django_filters",
    "oraclesvc",
    "jsonapisvc",
]

MIDDLEWARE = [
    "jsonapisvc.middleware.RequestLogMiddleware",
    "django.middleware.common.CommonMiddleware",
]

ROOT_URLCONF = "jsonapisvc.urls"
WSGI_APPLICATION = "jsonapisvc.wsgi.application"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("JSONAPI_DB", "jsonapi.sqlite3"),
    }
}

USE_TZ = True
TIME_ZONE = "UTC"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

REQUEST_LOG = os.environ.get("JSONAPI_REQUEST_LOG")

# resource types "books" and "authors", as the library's documentation
# configures them (else the model's name, "Book")
JSON_API_FORMAT_TYPES = "dasherize"
JSON_API_PLURALIZE_TYPES = True

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "UNAUTHENTICATED_USER": None,
    "PAGE_SIZE": 5,
    "EXCEPTION_HANDLER": "rest_framework_json_api.exceptions.exception_handler",
    "DEFAULT_PAGINATION_CLASS":
        "rest_framework_json_api.pagination.JsonApiPageNumberPagination",
    "DEFAULT_PARSER_CLASSES": ["rest_framework_json_api.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework_json_api.renderers.JSONRenderer"],
    "DEFAULT_METADATA_CLASS": "rest_framework_json_api.metadata.JSONAPIMetadata",
    "DEFAULT_SCHEMA_CLASS": "rest_framework_json_api.schemas.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": [
        "rest_framework_json_api.filters.QueryParameterValidationFilter",
        "rest_framework_json_api.filters.OrderingFilter",
        "rest_framework_json_api.django_filters.DjangoFilterBackend",
    ],
}
