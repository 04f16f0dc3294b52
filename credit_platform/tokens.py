"""API tokens: issue, revoke, look up. Only a key's SHA-256 is stored; the key is shown once.

A key is 43 random URL-safe characters from ``secrets`` (256 bits). Nothing about it can be
guessed, so a fast unsalted hash is the right store: a slow hash would only slow every API call.
Looking a token up is one indexed query on the hash (with the user and the department, which the
permission checks read next); the key is never compared character by character, so the time an
answer takes tells nothing about how much of a key was right.

Issue and revoke are audited on the token holder's stream (``credit_platform.user:<pk>``), so a
user's history shows every key that could act as them; the key itself is never written there.
"""
import datetime
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from credit_platform import events, permissions
from credit_platform.models import ApiToken, User
from credit_platform.models.tokens import PREFIX_LENGTH

KEY_BYTES = 32  # 43 URL-safe characters
# The name of a token issued without one (``issue_token`` rotates the user's token of this name).
DEFAULT_NAME = "default"
# last_used_at is written at most this often per token, so authentication stays one read.
TOUCH_INTERVAL = datetime.timedelta(hours=1)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def generate_key() -> str:
    return secrets.token_urlsafe(KEY_BYTES)


def _require_credit_office(actor) -> None:
    # No actor: the command line (issue_token) or a migration, run by whoever holds the server.
    if actor is not None and not permissions.is_credit_office(actor):
        raise PermissionDenied(_("Only the credit office manages API tokens."))


def _validity_days(days) -> int:
    if days is None:
        return settings.API_TOKEN_DAYS
    if not isinstance(days, int) or not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        raise ValidationError(
            {"days": [_("A token is valid for 1 to %(max)d days.") % {"max": settings.API_TOKEN_MAX_DAYS}]}
        )
    return days


def _lock_user(user: User) -> User:
    # Lock the holder: issues and revocations of one user's tokens append to the user's audit
    # stream one at a time, and two rotations at once cannot both leave a live token.
    return User.objects.select_for_update(of=("self",)).select_related("department").get(pk=user.pk)


@transaction.atomic
def api_token_issue(*, user: User, actor: User | None, name: str = DEFAULT_NAME, days: int | None = None, replace: bool = False) -> tuple[ApiToken, str]:
    """Make a token for ``user``; return it and its key (shown once: only its hash is kept).

    ``replace`` revokes the user's live tokens of the same name in the same transaction (rotation).
    """
    _require_credit_office(actor)
    user = _lock_user(user)
    name = (name or "").strip()
    errors = {}
    if not user.is_active:
        errors["user"] = [_("User %(user)s is inactive; activate the account before issuing a token.") % {"user": user.username}]
    elif user.department_id is None and not user.is_superuser:
        errors["user"] = [_("User %(user)s belongs to no department: the API would refuse the token.") % {"user": user.username}]
    if not name:
        errors["name"] = [_("Say what the token is for.")]
    elif len(name) > ApiToken._meta.get_field("name").max_length:
        errors["name"] = [_("The name is too long.")]
    try:
        days = _validity_days(days)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    if replace:
        for old in ApiToken.objects.active(now).filter(user=user, name=name).order_by("pk").select_for_update():
            old.user = user
            _revoke(token=old, actor=actor, reason=_("Replaced by a new token."), now=now)
    key = generate_key()
    token = ApiToken.objects.create(
        user=user, name=name, prefix=key[:PREFIX_LENGTH], key_hash=hash_key(key),
        created_at=now, created_by=actor, expires_at=now + datetime.timedelta(days=days),
    )
    events.api_token_issued(
        user, actor, department=user.department,
        extra={"token": token.pk, "name": name, "prefix": token.prefix, "expires_at": token.expires_at},
    )
    return token, key


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: User | None, reason: str) -> ApiToken:
    """Stop a token working now; kept (with who revoked it and why) for the record."""
    _require_credit_office(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for revoking the token.")]})
    user = _lock_user(token.user)
    # Locked after its holder (the order every token service takes).
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    token.user = user
    if token.revoked_at is not None:
        raise ValidationError(_("This token is already revoked."))
    return _revoke(token=token, actor=actor, reason=reason, now=timezone.now())


def _revoke(*, token: ApiToken, actor: User | None, reason: str, now: datetime.datetime) -> ApiToken:
    token.revoked_at, token.revoked_by, token.revoke_reason = now, actor, reason[:500]
    token.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    events.api_token_revoked(
        token.user, actor, department=token.user.department, reason=reason,
        extra={"token": token.pk, "name": token.name, "prefix": token.prefix},
    )
    return token


def api_token_for_key(key: str) -> ApiToken | None:
    """The token with this key, whatever its state, with its user and department: one query."""
    return ApiToken.objects.select_related("user__department").filter(key_hash=hash_key(key)).first()


def api_token_touch(*, token: ApiToken, now: datetime.datetime) -> None:
    """Record that the token was used: at most one write per token per TOUCH_INTERVAL."""
    if token.last_used_at is not None and now - token.last_used_at < TOUCH_INTERVAL:
        return
    stale = Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - TOUCH_INTERVAL)
    ApiToken.objects.filter(stale, pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
