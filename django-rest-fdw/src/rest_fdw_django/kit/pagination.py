"""Limit/offset pagination with a large max_limit."""

from rest_framework.pagination import LimitOffsetPagination
from rest_framework.settings import api_settings


class ServicePagination(LimitOffsetPagination):
    """DRF's limit/offset pages ({count, next, previous, results}): the
    REST_FRAMEWORK["PAGE_SIZE"] rows (100 without it) unless ?limit= says
    otherwise, up to 10,000 per request, so that a scan with a large
    page_size needs few requests."""

    max_limit = 10_000

    def get_schema_operation_parameters(self, view):
        """DRF's limit and offset parameters, with the largest limit served
        declared as the limit's maximum: rest_fdw's IMPORT FOREIGN SCHEMA
        reads it into max_page_size, so that scans ask for pages that size."""
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.limit_query_param:
                parameter["schema"] = {**parameter["schema"], "minimum": 1,
                                       "maximum": self.max_limit}
            elif parameter["name"] == self.offset_query_param:
                parameter["schema"] = {**parameter["schema"], "minimum": 0}
        return parameters

    @property
    def default_limit(self):
        return api_settings.PAGE_SIZE or 100
