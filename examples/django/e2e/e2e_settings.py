"""Settings for the e2e suite: the webapp's own settings, and a database per
mode (shop_monolith or shop_services, from E2E_MODE) so that the two runs
never share webapp state."""

import os

from shop.settings import *  # noqa: F401,F403
from shop.settings import DATABASES

E2E_MODE = os.environ.get("E2E_MODE", "")
if E2E_MODE not in ("monolith", "services"):
    raise RuntimeError("set E2E_MODE to monolith or services (see run_e2e.sh)")

DATABASES["default"]["NAME"] = f"shop_{E2E_MODE}"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
