"""Migrations of the reviews app."""
