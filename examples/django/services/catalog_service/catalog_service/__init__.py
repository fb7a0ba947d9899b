"""The catalog service's Django project."""
