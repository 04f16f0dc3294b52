"""``python manage.py simulate_activity --days 365 [--cases N] [--seed S]``: a year of realistic work
replayed through the real services with a simulated clock (``supervision.simulation``)."""
import datetime
import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from credit_platform import demo
from supervision.simulation import SimulatedClock, Simulation, fast_commits


class Command(BaseCommand):
    help = "Replay a year (--days) of realistic activity through the real services, with a simulated clock."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=365, help="Days to simulate, ending today (default 365).")
        parser.add_argument("--cases", type=int, default=300, help="Cases to open over the period (default 300).")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed: the same seed on the same database gives the same activity.")
        parser.add_argument("--subjects", type=int, default=60, help="Subjects to generate besides the demo ones (default 60).")
        parser.add_argument("--end", type=datetime.date.fromisoformat, default=None, help="Last simulated day (default: today).")

    def handle(self, *args, **options):
        if options["days"] < 1 or options["cases"] < 0:
            raise CommandError("--days must be at least 1 and --cases not negative.")
        started = time.monotonic()
        demo.seed()
        end = options["end"] or timezone.localdate()
        sim = Simulation(
            rng=random.Random(options["seed"]), start=end - datetime.timedelta(days=options["days"] - 1), end=end,
            cases=options["cases"], subjects=options["subjects"], seed=options["seed"], stdout=self.stdout,
        )
        clock = SimulatedClock()
        with fast_commits(), clock.patched():
            sim.run(clock)
        elapsed = time.monotonic() - started
        summary = ", ".join(f"{k} {v}" for k, v in sorted(sim.counts.items()))
        self.stdout.write(self.style.SUCCESS(f"Simulated {options['days']} days ({sim.start} – {sim.end}) in {elapsed:.1f}s: {summary}"))
        if sim.refused:
            self.stdout.write("Refused by the services (expected now and then): " + ", ".join(f"{k} {v}" for k, v in sorted(sim.refused.items())))
