from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from exchange import services
from exchange.signing import LinkError


class Command(BaseCommand):
    help = "On a lower instance: compare counts and checksums per type with the upper platform and name every item that differs."

    def handle(self, *args, **options):
        if not settings.EXCHANGE_REGION or not settings.EXCHANGE_UPSTREAM_URL:
            raise CommandError("No upper platform configured (EXCHANGE_REGION, EXCHANGE_UPSTREAM_URL, EXCHANGE_KEY).")
        try:
            local, upper, differences = services.reconcile(settings.EXCHANGE_REGION)
        except LinkError as exc:
            raise CommandError(f"The upper platform cannot be reached: {exc}") from None
        for type_, figures in local["types"].items():
            theirs = upper["types"].get(type_, {})
            self.stdout.write(f"{type_}: local {figures['count']} ({figures['checksum'][:12]}), upper {theirs.get('count', 0)} ({str(theirs.get('checksum', ''))[:12]})")
        if not differences:
            self.stdout.write(self.style.SUCCESS("No difference."))
            return
        for line in differences:
            self.stdout.write(self.style.WARNING(line))
        raise CommandError(f"{len(differences)} difference(s).")
