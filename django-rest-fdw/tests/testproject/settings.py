"""Settings of the package's tests: one database (a throwaway cluster's,
from PGHOST/PGPORT) holding both the monolith's tables (shopapp) and the
service's (svcapp); the service runs in the test process (conftest.py),
on the port in REST_FDW_TEST_PORT."""

import os
import socket


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# the port conftest.py serves the service on
os.environ.setdefault("REST_FDW_TEST_PORT", str(_free_port()))

SECRET_KEY = "tests-not-a-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
USE_TZ = True
TIME_ZONE = "UTC"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "rest_fdw_django",
    "shopapp",
    "svcapp",
]
ROOT_URLCONF = "testproject.urls"
MIDDLEWARE = ["testproject.web.RecordServiceHeaders", "testproject.web.TestUser",
              "rest_fdw_django.middleware.RestFdwContextMiddleware"]
REST_FDW_CONTEXT = {"user": "user", "trace": "trace"}
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True,
              "OPTIONS": {"context_processors": []}}]

DATABASES = {
    "default": {
        "ENGINE": "rest_fdw_django.backend",
        "NAME": "rest_fdw_django_tests",
        "HOST": os.environ["PGHOST"],  # a throwaway cluster's (run_tests.sh)
        "PORT": os.environ["PGPORT"],
        "USER": os.environ.get("PGUSER", "postgres"),
    }
}

SERVICE_TOKEN = "tests-service-token"
REST_FDW_SERVICES = {
    "shop": {
        "url": f"http://127.0.0.1:{os.environ['REST_FDW_TEST_PORT']}/api/",
        "token": SERVICE_TOKEN,
        "options": {"collation_matches": True},
        "reset": "helpers.reset_service",
        "context_headers": "X-User-Id=user, traceparent=trace",
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["testproject.permissions.HasServiceToken"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_PAGINATION_CLASS": "rest_fdw_django.kit.pagination.ServicePagination",
    "PAGE_SIZE": 5,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums",
                             "rest_fdw_django.kit.schema.answers_have_every_member"],
}
