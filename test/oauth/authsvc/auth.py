"""The API's authentication: django-oauth-toolkit's bearer tokens, but
never those of the application named "refused".

Apart from authsvc.views, which imports rest_framework.views, so that the
REST framework settings can name it without a circular import.
"""

from oauth2_provider.contrib.rest_framework import OAuth2Authentication


class ApiAuthentication(OAuth2Authentication):
    """OAuth2Authentication that refuses the tokens of "refused"."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None and result[1].application.name == "refused":
            return None
        return result
