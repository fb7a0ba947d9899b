"""The database ENGINE for projects with rest_fdw foreign tables:
DATABASES["default"]["ENGINE"] = "rest_fdw_django.backend"."""
