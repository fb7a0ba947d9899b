"""App configuration of the catalog app."""

from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"
