"""The API's authentication: a browser session, or ``Authorization: Token <key>`` for departmental systems.

DRF answers an unauthenticated request with 401 only when the *first* authentication class names a
``WWW-Authenticate`` challenge; plain ``SessionAuthentication`` names none, so DRF would answer 403.
Both classes here name one, so either order gives 401.
"""
from rest_framework import authentication


class SessionAuthentication(authentication.SessionAuthentication):
    def authenticate_header(self, request):
        # Not a challenge a browser acts on (no login dialog), but it makes the answer a 401.
        return 'Session realm="api"'


class TokenAuthentication(authentication.TokenAuthentication):
    """``Authorization: Token <key>``; ``python manage.py issue_token USERNAME`` prints a key."""


API_AUTHENTICATION_CLASSES = [SessionAuthentication, TokenAuthentication]
