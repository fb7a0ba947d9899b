"""Bearer-token check for the catalog service (settings.SERVICE_TOKEN)."""

import hmac

from django.conf import settings
from rest_framework.permissions import BasePermission


class HasServiceToken(BasePermission):
    message = "A valid bearer token is required."

    def has_permission(self, request, view):
        token = settings.SERVICE_TOKEN
        if not token:
            return True
        sent = request.headers.get("Authorization", "")
        return hmac.compare_digest(sent.encode(), f"Bearer {token}".encode())
