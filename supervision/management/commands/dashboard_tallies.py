"""Check, fold or rebuild the dashboard's trigger-kept tallies (supervision/tallies.py)."""
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from supervision import tallies


class Command(BaseCommand):
    help = "Verify the dashboard tallies against the tables (default), fold their deltas (--compact) or rebuild them (--rebuild)."

    def add_arguments(self, parser):
        action = parser.add_mutually_exclusive_group()
        action.add_argument("--compact", action="store_true", help="Fold the delta rows into one row per key.")
        action.add_argument(
            "--rebuild", action="store_true",
            help="Reinstall the triggers and recompute the tallies (holds off writes to cases and pushes meanwhile).",
        )

    def handle(self, *args, compact=False, rebuild=False, **options):
        if not tallies.enabled():
            raise CommandError(_("The dashboard tallies exist only on PostgreSQL (and with DASHBOARD_TALLIES on)."))
        if compact:
            folded = tallies.compact()
            self.stdout.write(_("Folded: %(rows)s") % {"rows": folded})
            return
        if rebuild:
            tallies.install()
            rows = tallies.rebuild()
            self.stdout.write(self.style.SUCCESS(_("Rebuilt: %(rows)s") % {"rows": rows}))
            return
        differences = tallies.verify()
        if any(differences.values()):
            raise CommandError(_("The dashboard tallies differ from the tables (keys differing: %(diff)s). Run with --rebuild.") % {"diff": differences})
        self.stdout.write(self.style.SUCCESS(_("The dashboard tallies equal the tables.")))
