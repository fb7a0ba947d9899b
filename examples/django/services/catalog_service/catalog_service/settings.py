"""Settings of the catalog service: a Django REST framework API over its
own PostgreSQL database, made with django-rest-fdw's service kit
(catalog_service/urls.py).

Environment: CATALOG_DB_NAME, CATALOG_DB_HOST, CATALOG_DB_PORT,
CATALOG_DB_USER, CATALOG_DB_PASSWORD (the database), SERVICE_TOKEN (the
bearer token clients must send; empty accepts everyone).
"""

import os

SECRET_KEY = os.environ.get("CATALOG_SECRET_KEY", "catalog-service-not-a-secret")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "api",
]

MIDDLEWARE = [
    "api.stats.RequestStatsMiddleware",
    "django.middleware.common.CommonMiddleware",
]

ROOT_URLCONF = "catalog_service.urls"
WSGI_APPLICATION = "catalog_service.wsgi.application"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("CATALOG_DB_NAME", "catalog"),
        "HOST": os.environ.get("CATALOG_DB_HOST", "127.0.0.1"),
        "PORT": os.environ.get("CATALOG_DB_PORT", "5432"),
        "USER": os.environ.get("CATALOG_DB_USER", "postgres"),
        "PASSWORD": os.environ.get("CATALOG_DB_PASSWORD", ""),
    }
}

SERVICE_TOKEN = os.environ.get("SERVICE_TOKEN", "")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TIME_ZONE = "UTC"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.HasServiceToken"],
    "UNAUTHENTICATED_USER": None,
    # rows per page when the client sends no ?limit= (the kit's
    # ServicePagination; up to 10,000 with ?limit=)
    "DEFAULT_PAGINATION_CLASS": "rest_fdw_django.kit.pagination.ServicePagination",
    "PAGE_SIZE": 10,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Catalog service",
    "DESCRIPTION": "Authors and books, moved out of the shop monolith.",
    "VERSION": "1.0.0",
    # answers carry every member (see rest_fdw_django.kit.schema)
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "rest_fdw_django.kit.schema.answers_have_every_member",
    ],
}
