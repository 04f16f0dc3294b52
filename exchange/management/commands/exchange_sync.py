from django.core.management.base import BaseCommand

from exchange import services


class Command(BaseCommand):
    help = "On a lower instance: one upload round and one download round (what the periodic tasks do). Idempotent."

    def handle(self, *args, **options):
        fed = services.own_items_to_feed()
        up = services.upload_round()
        self.stdout.write(f"upload: sent {up.sent}, accepted {up.accepted}, refused {len(up.refused)}")
        for item_id, reason in up.refused:
            self.stdout.write(f"  refused {item_id}: {reason}")
        if up.error:
            self.stdout.write(self.style.WARNING(f"  upload stopped: {up.error}"))
        down = services.download_round()
        self.stdout.write(f"download: applied {down.applied}, stored {down.stored}, failed {len(down.failed)}")
        for item_id, reason in down.failed:
            self.stdout.write(f"  failed {item_id}: {reason}")
        if down.error:
            self.stdout.write(self.style.WARNING(f"  download stopped: {down.error}"))
        if fed:
            self.stdout.write(f"feed: {fed} own items put in the feed for the lower regions")
