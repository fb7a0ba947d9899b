"""Settings of the test run (tests/runtests.py --settings=djsuite.settings).

runtests.py adds the test modules to INSTALLED_APPS itself.  Both
databases are on the throwaway cluster (PGHOST, PGPORT); "default" is the
one whose test apps' tables the runner moves into the service in service
mode (DJSUITE_MODE: monolith, service or undo, see runner.py); "other" (the
multi-database tests) stays local."""

import os

_db = {
    "ENGINE": "rest_fdw_django.backend",
    "HOST": os.environ["PGHOST"],
    "PORT": os.environ["PGPORT"],
    "USER": os.environ.get("PGUSER", "postgres"),
}
DATABASES = {
    "default": dict(_db, NAME="djsuite", TEST={"NAME": "test_djsuite"}),
    "other": dict(_db, NAME="djsuite_other", TEST={"NAME": "test_djsuite_other"}),
}

SECRET_KEY = "django_tests_secret_key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
USE_TZ = False

TEST_RUNNER = "djsuite.runner.SuiteRunner"

# the service the test apps' tables move into (service.py serves it); in
# service mode its server has option undo, so Django's rollbacks (TestCase
# isolation, atomic() blocks that raise) undo the service's writes; the
# emulated mode leaves undo off and puts the tables back from outside
# (undo.py), for comparison
REST_FDW_SERVICES = {
    "suite": {
        "url": os.environ.get("DJSUITE_SERVICE_URL", ""),
        # the service's tables live in the same cluster: the same collation
        "options": {"collation_matches": True, "truncatable": True},
        "server_options": {"undo": os.environ.get("DJSUITE_MODE") == "service"},
    },
}
