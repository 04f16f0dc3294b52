"""``python manage.py issue_token USERNAME [--name NAME] [--days N]``: print a new API token's key, once.

The user's live token of the same name stops working (rotation); tokens of other names stay.
Only the key's hash is kept: lose the printed key and issue another.
"""
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from credit_platform import tokens


class Command(BaseCommand):
    help = "Issue a new API token for an active user, revoking their live token of the same name; prints only the key."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default=tokens.DEFAULT_NAME, help="What the token is for (default: %(default)s).")
        parser.add_argument("--days", type=int, default=None, help="Validity in days (default: settings.API_TOKEN_DAYS).")

    def handle(self, *args, username, name, days, **options):
        User = get_user_model()
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"No user named {username!r}.") from None
        if not user.is_active:
            raise CommandError(f"User {username!r} is inactive; activate the account before issuing a token.")
        try:
            token, key = tokens.api_token_issue(user=user, actor=None, name=name, days=days, replace=True)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stderr.write(f"Token {token} for {username}, valid until {token.expires_at:%Y-%m-%d %H:%M %Z}. The key is shown only now:")
        self.stdout.write(key)
