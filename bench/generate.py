"""Data generator: N subjects (valid unified social credit codes), list entries on a tenth of them,
and cases with their pushes, permission rows and feedback (bench/dashboard_bench.py's loader) on
the same subjects, by COPY in batches of 20,000 rows. Parameters for 10 M: ``--subjects 10000000
--cases 1000000`` (about 9 M push rows; a few GB of disk)."""
import argparse
import datetime
import random
import time

from bench import harness


def subjects_and_entries(n_subjects: int, entry_every: int, seed: int) -> dict:
    from django.db import connection
    from django.utils import timezone

    from bench import dashboard_bench as loader
    from bench.common import uscc
    from credit_platform.models import RuleSet, Subject
    from lists.models import ListEntry
    from sanctions.models import Memorandum

    rng = random.Random(seed)
    now = timezone.now()
    first = loader.next_id(Subject)
    rule_set = RuleSet.objects.order_by("-effective_from").first()
    black = [(m.initiators.order_by("pk").first().pk, m.domain) for m in Memorandum.objects.filter(list_type="black").order_by("pk")]
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")  # tally triggers off: generated rows are consistent
    started = time.monotonic()
    batch, entries, written = [], [], {"subjects": 0, "entries": 0}
    first_entry = loader.next_id(ListEntry)
    today = timezone.localdate()
    for i in range(n_subjects):
        pk = first + i
        # The identifier's serial comes from the id: unique across runs into one database.
        batch.append({"id": pk, "kind": "legal_person", "name": f"基准测试企业{pk}", "identifier": uscc(10_000_000 + pk),
                      "created_at": now, "updated_at": now})
        if entry_every and i % entry_every == 0:
            department, domain = rng.choice(black)
            decided = today - datetime.timedelta(days=rng.randrange(700))
            entries.append({"id": first_entry + len(entries) + written["entries"], "subject_id": pk, "list_type": "black",
                            "severity": "general", "domain": domain, "basis": "bench", "decision_number": f"GEN-{pk}",
                            "decided_on": decided, "identifying_department_id": department, "rule_set_id": rule_set.pk,
                            "repair_possible_from": decided + datetime.timedelta(days=90),
                            "publication_ends_on": decided + datetime.timedelta(days=1095), "state": "published",
                            "created_at": now, "updated_at": now})
        if len(batch) >= loader.CHUNK:
            written["subjects"] += loader.copy_rows(Subject, batch)
            written["entries"] += loader.copy_rows(ListEntry, entries)
            batch.clear()
            entries.clear()
    written["subjects"] += loader.copy_rows(Subject, batch)
    written["entries"] += loader.copy_rows(ListEntry, entries)
    loader.fix_sequence(Subject)
    loader.fix_sequence(ListEntry)
    with connection.cursor() as cursor:
        cursor.execute("RESET session_replication_role")
    written["seconds"] = round(time.monotonic() - started, 2)
    written["first_subject"] = first
    return written


def generate(subjects: int, cases: int, entry_every: int = 10, seed: int = 1) -> dict:
    from bench import dashboard_bench as loader

    harness.prepare()
    made = subjects_and_entries(subjects, entry_every, seed)
    rows = made["subjects"] + made["entries"]
    seconds = made["seconds"]
    harness.emit("generate.subjects_entries", rows=rows, seconds=seconds, rows_per_sec=round(rows / seconds) if seconds else None,
                 target_rows_per_sec=20_000, subjects=made["subjects"], entries=made["entries"])
    if cases:
        args = argparse.Namespace(cases=cases, days=3 * 365, seed=seed, subject_range=(made["first_subject"], made["subjects"]))
        totals = loader.load(args)
        case_rows = totals["cases"] + 2 * totals["assignments"] + totals["feedback"] + totals["objections"] + totals["cases"]
        harness.emit("generate.cases_pushes", rows=case_rows, seconds=totals["load_seconds"],
                     rows_per_sec=round(case_rows / totals["load_seconds"]) if totals["load_seconds"] else None, target_rows_per_sec=20_000,
                     cases=totals["cases"], assignments=totals["assignments"], feedback=totals["feedback"],
                     tally_rebuild_seconds=totals["tally_rebuild_seconds"], vacuum_seconds=totals["vacuum_seconds"])
    return made
