"""Settings of the differential test's Django REST framework service: one
model over a database in the test's throwaway cluster.

Environment: ORACLE_DB_NAME, ORACLE_DB_HOST, ORACLE_DB_PORT, ORACLE_DB_USER.
"""

import os

SECRET_KEY = "difftest-service-not-a-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "rest_framework",
    "django_filters",
    "oraclesvc",
]

MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]

ROOT_URLCONF = "oraclesvc.urls"
WSGI_APPLICATION = "oraclesvc.wsgi.application"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("ORACLE_DB_NAME", "drfsvc"),
        "HOST": os.environ.get("ORACLE_DB_HOST", "127.0.0.1"),
        "PORT": os.environ.get("ORACLE_DB_PORT", "5432"),
        "USER": os.environ.get("ORACLE_DB_USER", "postgres"),
        "CONN_MAX_AGE": None,
    }
}

USE_TZ = True
TIME_ZONE = "UTC"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 10,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
}
