"""Migrations of the catalog app."""
