"""manage.py rest_fdw_check on the moved models (services mode): the
catalog service (django-rest-fdw's kit) offers everything the ORM and the
admin use; the reviews service lacks the admin's text search."""

import pytest

from conftest import SERVICES
from rest_fdw_django.checking import ERROR, check_models

services_only = pytest.mark.skipif(not SERVICES, reason="services mode only")


@services_only
def test_rest_fdw_check():
    findings = check_models()
    assert [f for f in findings if f.level == ERROR] == []
    assert [f for f in findings if f.model.startswith("catalog.")] == []
    assert any(f.model == "reviews.Review" and f.message.startswith("filter reviewer__icontains")
               for f in findings), findings
