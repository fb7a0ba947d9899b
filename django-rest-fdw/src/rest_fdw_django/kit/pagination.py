"""Limit/offset pagination with a large max_limit."""

from rest_framework.pagination import LimitOffsetPagination
from rest_framework.settings import api_settings


class ServicePagination(LimitOffsetPagination):
    """DRF's limit/offset pages ({count, next, previous, results}): the
    REST_FRAMEWORK["PAGE_SIZE"] rows (100 without it) unless ?limit= says
    otherwise, up to 10,000 per request, so that a scan with a large
    page_size needs few requests."""

    max_limit = 10_000

    @property
    def default_limit(self):
        return api_settings.PAGE_SIZE or 100
