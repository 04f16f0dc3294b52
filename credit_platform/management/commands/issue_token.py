"""``python manage.py issue_token USERNAME``: print a new API token for a user (the old one stops working)."""
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from rest_framework.authtoken.models import Token

from credit_platform import audit


class Command(BaseCommand):
    help = "Issue a new API token for an active user, revoking the one they had; prints only the key."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        User = get_user_model()
        try:
            user = User.objects.select_related("department").get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"No user named {username!r}.") from None
        if not user.is_active:
            raise CommandError(f"User {username!r} is inactive; activate the account before issuing a token.")
        if user.department is None and not user.is_superuser:
            self.stderr.write(
                self.style.WARNING(f"User {username!r} belongs to no department: the API will refuse the token (403).")
            )
        with transaction.atomic():
            # Lock the user so two rotations at once cannot both create a token or fork the audit stream.
            User.objects.select_for_update().filter(pk=user.pk).first()
            # A user holds at most one token: rotating revokes the old key in the same transaction.
            Token.objects.filter(user=user).delete()
            token = Token.objects.create(user=user)
            audit.record(obj=user, action="api_token_issued", department=user.department)
        self.stdout.write(token.key)
