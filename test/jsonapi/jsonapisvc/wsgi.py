"""WSGI entry point of the JSON:API test service (gunicorn jsonapisvc.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jsonapisvc.settings")
application = get_wsgi_application()
