"""Migrations of the catalog service's own database."""
