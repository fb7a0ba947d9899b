"""The app configuration (INSTALLED_APPS = [..., "rest_fdw_django"]), which
makes manage.py rest_fdw_check available."""

from django.apps import AppConfig


class RestFdwDjangoConfig(AppConfig):
    name = "rest_fdw_django"
    verbose_name = "rest_fdw"
