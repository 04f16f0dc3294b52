from django.core.management.base import BaseCommand

from credit_platform import demo


class Command(BaseCommand):
    help = "Load the demo district (departments, users, subjects, measures, memoranda). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--region", default="", help="Seed the same world under another region code, e.g. 620700: the demo city (the exchange's upper platform).")

    def handle(self, *args, **options):
        created = demo.seed(region_code=options["region"])
        summary = ", ".join(f"{name}: {count}" for name, count in created.items())
        self.stdout.write(self.style.SUCCESS(f"Demo world ready (created {summary})."))
        self.stdout.write(
            "\nLog in at http://127.0.0.1:8000/admin/ with password "
            f"'{demo.DEMO_PASSWORD}' as:\n"
            "  admin   superuser, credit office (信用办)\n"
            "  leader  leadership office (领导小组办公室)\n"
            "  court, tax, market, finance, trading, ...   one user per department, named by its code\n"
            "The API is at http://127.0.0.1:8000/api/v1/ (docs: /api/docs/)."
        )
