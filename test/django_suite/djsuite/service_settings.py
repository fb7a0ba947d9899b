"""Settings of the service: the same Django test apps (their models.py, from
the source distribution's tests/ on sys.path) over the service's own
database, every model served through the kit (service_urls.py)."""

import os

from .modules import modules

SECRET_KEY = "djsuite-service-not-a-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
# aware datetimes: rest_fdw sends timestamptz values with their offset,
# and with USE_TZ = False Django REST framework would store them as naive
# UTC times in a database session of another time zone
USE_TZ = True
TIME_ZONE = "UTC"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sites",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
] + modules()
ROOT_URLCONF = "djsuite.service_urls"
MIDDLEWARE = []

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "djsuite_service",
        "HOST": os.environ["PGHOST"],
        "PORT": os.environ["PGPORT"],
        "USER": os.environ.get("PGUSER", "postgres"),
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_PAGINATION_CLASS": "rest_fdw_django.kit.pagination.ServicePagination",
    "PAGE_SIZE": 100,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums",
                             "rest_fdw_django.kit.schema.answers_have_every_member"],
}
# as runtests.py does: the contrib apps synced with the test apps, whose
# models point at them
MIGRATION_MODULES = {"auth": None, "contenttypes": None, "sites": None}

# a 500's traceback goes to the service's log (run.sh: kit_service.log)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"handlers": ["console"], "level": "ERROR"}},
}
