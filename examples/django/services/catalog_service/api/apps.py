"""App configuration of the catalog service's API app."""

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
