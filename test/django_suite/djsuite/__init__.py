"""Django's own ORM tests against rest_fdw: settings, the test runner that
moves the test apps' tables into a service, the service, the report."""
