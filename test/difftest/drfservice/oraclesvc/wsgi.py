"""WSGI entry point of the differential test's service."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oraclesvc.settings")
application = get_wsgi_application()
