"""Settings of the test authorization server and API (test/oauth).

One process, one thread, an in-memory SQLite database: serve.py migrates
it and creates the OAuth applications before it serves.
"""

SECRET_KEY = "test-only-not-a-secret"
DEBUG = False
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "authsvc.urls"
USE_TZ = True
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "oauth2_provider",
    "rest_framework",
]
MIDDLEWARE = ["authsvc.views.RequestLog"]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3",
                         "NAME": ":memory:"}}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"


def token_lifetime(request):
    """Seconds an access token lives: 3 for the application "short"."""
    return 3 if request.client.name == "short" else 3600


OAUTH2_PROVIDER = {
    "SCOPES": {"read": "Read the API", "write": "Write the API"},
    "DEFAULT_SCOPES": ["read"],
    "ACCESS_TOKEN_EXPIRE_SECONDS": token_lifetime,
}
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["authsvc.auth.ApiAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": [
        "oauth2_provider.contrib.rest_framework.TokenHasReadWriteScope"],
    "UNAUTHENTICATED_USER": None,
}
