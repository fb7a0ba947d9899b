"""The bearer token the tests' service requires (settings.SERVICE_TOKEN)."""

import hmac

from django.conf import settings
from rest_framework.permissions import BasePermission


class HasServiceToken(BasePermission):
    def has_permission(self, request, view):
        sent = request.headers.get("Authorization", "")
        return hmac.compare_digest(sent.encode(), f"Bearer {settings.SERVICE_TOKEN}".encode())
