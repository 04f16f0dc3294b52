from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from exchange import services


class Command(BaseCommand):
    help = "On an upper instance: register a lower region (GB/T 2260 code) with the key it signs with. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("code")
        parser.add_argument("name")
        parser.add_argument("--key", required=True, help="The shared key (the lower instance's EXCHANGE_KEY).")

    def handle(self, *args, code, name, key, **options):
        try:
            link = services.region_register(code=code, name=name, key=key, actor=None)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        self.stdout.write(self.style.SUCCESS(f"Region {link.region} registered."))
