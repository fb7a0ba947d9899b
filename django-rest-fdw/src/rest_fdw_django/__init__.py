"""django-rest-fdw: Django models whose tables live in REST services.

rest_fdw (a PostgreSQL foreign data wrapper) turns a table into a foreign
table whose rows a REST service holds; the ORM keeps its SQL.  This package
is the Django side of that move:

* rest_fdw_django.backend: the database ENGINE (Django's PostgreSQL backend
  with what foreign tables need);
* rest_fdw_django.operations: MoveToService and MoveBackFromService,
  migration operations that read the service's OpenAPI document;
* manage.py rest_fdw_check: models on foreign tables against their service;
* rest_fdw_django.testing: resetting services' data in tests;
* rest_fdw_django.kit: a Django REST framework service in a few lines,
  serving exactly what rest_fdw sends.

Settings: REST_FDW_SERVICES (see rest_fdw_django.conf).
"""

__version__ = "0.1.0"
