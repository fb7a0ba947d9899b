"""Settings of the shop webapp (the Django monolith).

The same settings serve both modes.  Which mode the webapp is in is decided
by the database alone: with the catalog and reviews migrations at 0001 the
tables are local (monolith); with every migration applied they are foreign
tables of rest_fdw that talk to the two services (services mode).

Everything that differs between machines comes from the environment:

* SHOP_DB_NAME, SHOP_DB_HOST, SHOP_DB_PORT, SHOP_DB_USER, SHOP_DB_PASSWORD:
  the webapp's PostgreSQL database.
* CATALOG_SERVICE_URL, REVIEWS_SERVICE_URL: the services' API roots (ending
  in /api/), read by the 0002 migrations that move the tables
  (REST_FDW_SERVICES, the setting of django-rest-fdw).
* SERVICE_TOKEN: the bearer token the services accept (put into the user
  mappings by the same migrations); empty means no token.
"""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = os.environ.get("SHOP_SECRET_KEY", "shop-example-not-a-secret")
DEBUG = os.environ.get("SHOP_DEBUG", "1") == "1"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_fdw_django",  # manage.py rest_fdw_check
    "catalog",
    "reviews",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # rest_fdw.context per request: the user's id and a traceparent, sent to
    # the services as the headers of context_headers (REST_FDW_SERVICES)
    "rest_fdw_django.middleware.RestFdwContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "shop.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "shop.wsgi.application"

DATABASES = {
    "default": {
        # Django's PostgreSQL backend with what foreign tables need
        # (django-rest-fdw; it groups by every selected column).
        "ENGINE": "rest_fdw_django.backend",
        "NAME": os.environ.get("SHOP_DB_NAME", "shop"),
        "HOST": os.environ.get("SHOP_DB_HOST", "127.0.0.1"),
        "PORT": os.environ.get("SHOP_DB_PORT", "5432"),
        "USER": os.environ.get("SHOP_DB_USER", "postgres"),
        "PASSWORD": os.environ.get("SHOP_DB_PASSWORD", ""),
    }
}

# What RestFdwContextMiddleware puts into rest_fdw.context: the member names
# the servers' context_headers below map to headers.
REST_FDW_CONTEXT = {"user": "user", "trace": "trace"}
CONTEXT_HEADERS = "X-User-Id=user, traceparent=trace"

# Where the moved tables live (django-rest-fdw).  Read by the 0002
# migrations and by manage.py rest_fdw_check.
REST_FDW_SERVICES = {
    "catalog": {
        "url": os.environ.get("CATALOG_SERVICE_URL", ""),
        "token": os.environ.get("SERVICE_TOKEN", ""),
        "dialect": "drf",
        # its database sorts text as the webapp's does (both C.UTF-8 here),
        # and it is Django on PostgreSQL: icontains and the other pattern
        # lookups match as the webapp's SQL does (counts and pages are sent)
        "options": {"collation_matches": True, "pattern_matches": True},
        "context_headers": CONTEXT_HEADERS,
        # a rolled-back transaction or atomic() block undoes its writes in
        # the service (rest_fdw's option undo, on the server)
        "server_options": {"undo": True},
    },
    "reviews": {
        "url": os.environ.get("REVIEWS_SERVICE_URL", ""),
        "token": os.environ.get("SERVICE_TOKEN", ""),
        "dialect": "drf",
        "openapi": "../openapi.json",  # FastAPI's document, beside /api/
        "context_headers": CONTEXT_HEADERS,
        "server_options": {"undo": True},
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
LOGIN_URL = "admin:login"
