"""pytest fixtures of django-rest-fdw (a pytest11 plugin, loaded when the
package is installed; nothing happens unless a test asks for a fixture).

    # conftest.py
    import pytest

    @pytest.fixture(autouse=True)
    def _services(rest_fdw_services):
        pass
"""

import pytest


@pytest.fixture
def rest_fdw_services():
    """Reset every service of REST_FDW_SERVICES that names a reset
    function, before the test; the names of those reset."""
    from .testing import reset_services

    return reset_services()
