"""Walk the audit trail's hash chains and checkpoints; exit non-zero at the first broken link."""
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from credit_platform import audit


class Command(BaseCommand):
    help = "Verify the audit trail: every stream's hash chain and the daily checkpoints."

    def add_arguments(self, parser):
        parser.add_argument("--stream", help="Verify only this stream (app_label.model:pk).")

    def handle(self, *args, stream=None, **options):
        stats = audit.VerifyStats()
        broken = audit.verify_stream(stream, stats=stats) if stream else audit.verify_all(stats=stats)
        summary = _("Checked %(streams)s streams, %(events)s events, %(checkpoints)s checkpoints (%(heads)s sealed heads).") % {
            "streams": stats.streams,
            "events": stats.events,
            "checkpoints": stats.checkpoints,
            "heads": stats.heads,
        }
        self.stdout.write(summary)
        if broken is not None:
            # CommandError: the message on stderr and exit status 1 from the command line.
            raise CommandError(_("The audit trail is broken. First broken link: %(link)s") % {"link": broken})
        self.stdout.write(self.style.SUCCESS(_("The audit trail is intact.")))
