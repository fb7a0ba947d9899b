"""WSGI entry point of the catalog service (run by gunicorn, one worker)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "catalog_service.settings")
application = get_wsgi_application()
