"""The API's authentication: a browser session, or ``Authorization: Token <key>`` for departmental systems.

DRF answers an unauthenticated request with 401 only when the *first* authentication class names a
``WWW-Authenticate`` challenge; plain ``SessionAuthentication`` names none, so DRF would answer 403.
Both classes here name one, so either order gives 401.
"""
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from credit_platform import tokens


class SessionAuthentication(authentication.SessionAuthentication):
    def authenticate_header(self, request):
        # Not a challenge a browser acts on (no login dialog), but it makes the answer a 401.
        return 'Session realm="api"'


class TokenAuthentication(authentication.TokenAuthentication):
    """``Authorization: Token <key>``: an ``ApiToken`` (credit_platform.tokens) that is neither
    revoked nor expired, of an active user. DRF parses the header; the key is looked up by its hash
    in one query (with the user and department), and every refusal is a 401."""

    def authenticate_credentials(self, key):
        token = tokens.api_token_for_key(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        now = timezone.now()
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("Token revoked."))
        if token.expires_at <= now:
            raise exceptions.AuthenticationFailed(_("Token expired."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        tokens.api_token_touch(token=token, now=now)
        return (token.user, token)


API_AUTHENTICATION_CLASSES = [SessionAuthentication, TokenAuthentication]
