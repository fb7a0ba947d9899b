"""Settings of the benchmark's DRF service.

A minimal production-like Django REST framework service: DEBUG off, no
sessions, no authentication, JSON only.  Its database is its own ("drfsvc"
in the throwaway cluster), read from DRF_DB_HOST, DRF_DB_PORT, DRF_DB_NAME,
DRF_DB_USER.  Two APIs over the same table:

- /api/items/  plain DRF: ModelViewSet, django-filter, OrderingFilter,
  LimitOffsetPagination (1000 rows a page): what rest_fdw reads;
- /dyn/items/  dynamic-rest (dynamic-rest-bse), the API django-rest-models
  requires.
"""
import os

SECRET_KEY = "bench-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
USE_TZ = True
TIME_ZONE = "UTC"
ROOT_URLCONF = "benchsvc.urls"
WSGI_APPLICATION = "benchsvc.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "rest_framework",
    "django_filters",
    "dynamic_rest",
    "benchsvc",
]
MIDDLEWARE = []

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "HOST": os.environ.get("DRF_DB_HOST", "127.0.0.1"),
        "PORT": os.environ.get("DRF_DB_PORT", "5432"),
        "NAME": os.environ.get("DRF_DB_NAME", "drfsvc"),
        "USER": os.environ.get("DRF_DB_USER", "postgres"),
        "CONN_MAX_AGE": None,
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 1000,
}

DYNAMIC_REST = {
    "ENABLE_LINKS": False,
    "ENABLE_BROWSABLE_API": False,
    "DEBUG": False,
    "PAGE_SIZE": 1000,
    "MAX_PAGE_SIZE": 10000,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,  # keep gunicorn's access log
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
