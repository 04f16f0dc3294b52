"""Running totals behind the dashboard's all-time figures, kept by PostgreSQL triggers.

At a million cases the scorecard cannot aggregate the pushes on every page view (seconds per
query). Instead three small tables hold signed totals per key:

- ``AssignmentTally`` per (executing department, initiating department, day pushed): pushes
  received, signed for / fed back on time and late, sums of working days, lifts confirmed late,
  returned, urged, measures applied and hits (from the feedback records);
- ``CaseTally`` per (initiating department, day opened, memorandum, kind, state, months pushed,
  completed, ended): a count of cases;
- ``OpenWorkTally`` per (executing department, initiating department, day pushed, state, due
  dates) for the pushes whose deadline still runs: "overdue now" is the sum over the rows past
  their due date today, with the very predicate the drill-down list uses (``overdue_q``).

How they stay exact:

- **Triggers, not application code.** An ``AFTER INSERT OR UPDATE OR DELETE`` row trigger on the
  pushes, the feedback records and the cases appends the row's contribution with a minus sign for
  the old row and a plus sign for the new one. Every path that writes those tables (services,
  FSM transitions, bulk ``update()`` of an objection's hold, COPY) moves the totals in the same
  transaction, so the figures equal the live lists at every commit. ``TRUNCATE`` fires no row
  trigger: truncate the tallies with their tables, or ``rebuild()``.
- **Append, then fold.** A trigger only inserts (no row of the tally is ever updated by a writer,
  so concurrent pushes never wait on each other). ``compact()`` (hourly task) folds the deltas
  into one row per key in one statement; readers SUM over whatever rows there are.
- **One definition.** The SQL of each measure below is used by the trigger (over the changed row)
  and by ``rebuild()`` (over the whole table); ``verify()`` compares the tallies with a fresh
  aggregate of the tables, the dashboard tests compare every figure with the live query.

The tallies exist on PostgreSQL. Elsewhere (the SQLite demo) ``enabled()`` is false and the
dashboard aggregates the tables directly, which is what it would do anyway at demo size.
"""
from django.conf import settings
from django.db import connection, transaction

from sanctions.models import AssignmentState, MeasureFeedback, Outcome

ASSIGNMENT_TABLE = "sanctions_assignment"
FEEDBACK_TABLE = "sanctions_measurefeedback"
CASE_TABLE = "sanctions_jointcase"
ASSIGNMENT_TALLY = "credit_platform_assignmenttally"
CASE_TALLY = "credit_platform_casetally"
OPEN_WORK_TALLY = "credit_platform_openworktally"

# Each measure of a push, as an SQL expression over the push row ``r``.
ASSIGNMENT_MEASURES = {
    "received": "1",
    "signed_for": "(r.sign_for_working_days IS NOT NULL)::int",
    "signed_for_on_time": "(r.signed_for_on_time IS TRUE)::int",
    "signed_for_late": "(r.signed_for_on_time IS FALSE)::int",
    "sign_for_working_days": "COALESCE(r.sign_for_working_days, 0)",
    "fed_back": "(r.feedback_working_days IS NOT NULL)::int",
    "fed_back_on_time": "(r.fed_back_on_time IS TRUE)::int",
    "fed_back_late": "(r.fed_back_on_time IS FALSE)::int",
    "feedback_working_days": "COALESCE(r.feedback_working_days, 0)",
    "lifts_late": "(r.lift_confirmed_on_time IS FALSE)::int",
    "returned": "(r.returned_at IS NOT NULL)::int",
    "urged": "(r.urge_count > 0)::int",
    "times_urged": "r.urge_count",
}
# The columns those expressions read, plus the key.
ASSIGNMENT_MEASURED = [
    "department_id", "case_id", "pushed_on", "sign_for_working_days", "signed_for_on_time", "feedback_working_days",
    "fed_back_on_time", "lift_confirmed_on_time", "returned_at", "urge_count",
]
# Open work: the pushes whose deadline still runs, counted by the columns "overdue now" reads.
OPEN_WORK_STATES = [AssignmentState.PENDING.value, AssignmentState.ACKNOWLEDGED.value, AssignmentState.LIFTING.value]
OPEN_WORK_COLUMNS = ["state", "sign_for_due", "feedback_due", "lift_due"]
OPEN_WORK_KEY = ["department_id", "initiating_department_id", "pushed_on", *OPEN_WORK_COLUMNS]
# An UPDATE touching none of these moves nothing (the trigger's WHEN clause).
ASSIGNMENT_WATCHED = [*ASSIGNMENT_MEASURED, *OPEN_WORK_COLUMNS]
# Each measure of a feedback record ``f`` (the predicates of selectors.FEEDBACK_FIGURE_LOOKUPS).
_Source = MeasureFeedback.Source
FEEDBACK_MEASURES = {
    "applied": f"(f.outcome = '{Outcome.APPLIED}' AND f.source = '{_Source.FEEDBACK}')::int",
    "hits": f"(f.source IN ('{_Source.LATER}', '{_Source.CREDIT_CHECK}'))::int",
}
FEEDBACK_WATCHED = ["assignment_id", "outcome", "source"]
ASSIGNMENT_KEY = ["department_id", "initiating_department_id", "pushed_on"]
ALL_ASSIGNMENT_MEASURES = [*ASSIGNMENT_MEASURES, *FEEDBACK_MEASURES]


def _month(column: str) -> str:
    return f"date_trunc('month', r.{column} AT TIME ZONE '{settings.TIME_ZONE}')::date"


# Each key column of a case, as an SQL expression over the case row ``r`` (dates in local time,
# as the dashboard's date filters and TruncMonth read them).
CASE_KEY = {
    "initiating_department_id": "r.initiating_department_id",
    "created_on": f"(r.created_at AT TIME ZONE '{settings.TIME_ZONE}')::date",
    "memorandum_id": "r.memorandum_id",
    "kind": "r.kind",
    "state": "r.state",
    "pushed_month": _month("pushed_at"),
    "completed_month": _month("completed_at"),
    "ended_month": _month("ended_at"),
}
CASE_WATCHED = ["initiating_department_id", "created_at", "memorandum_id", "kind", "state", "pushed_at", "completed_at", "ended_at"]


def enabled() -> bool:
    """Whether the dashboard reads the tallies (PostgreSQL, and not switched off in settings)."""
    return connection.vendor == "postgresql" and getattr(settings, "DASHBOARD_TALLIES", True)


# --- the SQL ------------------------------------------------------------------------------------


def _signed(measures: dict[str, str], sign: str) -> str:
    return ", ".join(f"{sign}({sql})" for sql in measures.values())


def _assignment_insert(row: str, sign: str, *, with_feedback: bool) -> str:
    """INSERT of one push's contribution (``row`` is NEW or OLD); with its feedback records' when
    the push changes key (a rare path: the key of a push does not change in the product)."""
    columns = [*ASSIGNMENT_KEY, *ASSIGNMENT_MEASURES, *(FEEDBACK_MEASURES if with_feedback else [])]
    values = [f"r.department_id, c.initiating_department_id, r.pushed_on, {_signed(ASSIGNMENT_MEASURES, sign)}"]
    if with_feedback:
        values += [
            f"{sign}(SELECT COALESCE(SUM({sql}), 0) FROM {FEEDBACK_TABLE} f WHERE f.assignment_id = r.id)"
            for sql in FEEDBACK_MEASURES.values()
        ]
    return (
        f"INSERT INTO {ASSIGNMENT_TALLY} ({', '.join(columns)}) "
        f"SELECT {', '.join(values)} FROM (SELECT {row}.*) r JOIN {CASE_TABLE} c ON c.id = r.case_id;"
    )


def _assignment_update_same_key() -> str:
    """One INSERT of the difference NEW − OLD when a push changes without changing key."""
    differences = ", ".join(f"({sql}) - ({sql.replace('r.', 'o.')})" for sql in ASSIGNMENT_MEASURES.values())
    return (
        f"INSERT INTO {ASSIGNMENT_TALLY} ({', '.join([*ASSIGNMENT_KEY, *ASSIGNMENT_MEASURES])}) "
        f"SELECT r.department_id, c.initiating_department_id, r.pushed_on, {differences} "
        f"FROM (SELECT NEW.*) r CROSS JOIN (SELECT OLD.*) o JOIN {CASE_TABLE} c ON c.id = r.case_id;"
    )


def _open_work_insert(row: str, sign: str) -> str:
    return (
        f"INSERT INTO {OPEN_WORK_TALLY} ({', '.join(OPEN_WORK_KEY)}, n) "
        f"SELECT r.department_id, c.initiating_department_id, r.pushed_on, {', '.join(f'r.{col}' for col in OPEN_WORK_COLUMNS)}, {sign}1 "
        f"FROM (SELECT {row}.*) r JOIN {CASE_TABLE} c ON c.id = r.case_id;"
    )


def _feedback_insert(row: str, sign: str) -> str:
    columns = [*ASSIGNMENT_KEY, *FEEDBACK_MEASURES]
    return (
        f"INSERT INTO {ASSIGNMENT_TALLY} ({', '.join(columns)}) "
        f"SELECT a.department_id, c.initiating_department_id, a.pushed_on, {_signed(FEEDBACK_MEASURES, sign)} "
        f"FROM (SELECT {row}.*) f JOIN {ASSIGNMENT_TABLE} a ON a.id = f.assignment_id JOIN {CASE_TABLE} c ON c.id = a.case_id;"
    )


def _case_insert(row: str, sign: str) -> str:
    return (
        f"INSERT INTO {CASE_TALLY} ({', '.join(CASE_KEY)}, n) "
        f"SELECT {', '.join(CASE_KEY.values())}, {sign}1 FROM (SELECT {row}.*) r;"
    )


def _changed(columns: list[str]) -> str:
    return f"({', '.join(f'OLD.{c}' for c in columns)}) IS DISTINCT FROM ({', '.join(f'NEW.{c}' for c in columns)})"


def _function(name: str, *, on_old: str, on_new: str) -> str:
    return f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    {on_old}
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    {on_new}
  END IF;
  RETURN NULL;
END;
$$;
"""


def install_sql() -> list[str]:
    """The functions and triggers (idempotent: CREATE OR REPLACE, DROP TRIGGER IF EXISTS)."""
    rekey = _changed(["department_id", "case_id", "pushed_on"])
    open_states = ", ".join(f"'{state}'" for state in OPEN_WORK_STATES)
    open_rekey = _changed(["department_id", "case_id", "pushed_on", *OPEN_WORK_COLUMNS])
    statements = [
        # A push: its own measures (and its feedback records' when its key changes), and its entry
        # in the open work while its state has a running deadline. Nested IFs: no NEW on DELETE.
        f"""
CREATE OR REPLACE FUNCTION dashboard_tally_assignment() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    {_assignment_insert('OLD', '-', with_feedback=False)}
  ELSIF TG_OP = 'INSERT' THEN
    {_assignment_insert('NEW', '+', with_feedback=False)}
  ELSIF {rekey} THEN
    {_assignment_insert('OLD', '-', with_feedback=True)}
    {_assignment_insert('NEW', '+', with_feedback=True)}
  ELSIF {_changed(ASSIGNMENT_MEASURED)} THEN
    {_assignment_update_same_key()}
  END IF;
  IF TG_OP = 'DELETE' THEN
    IF OLD.state IN ({open_states}) THEN
      {_open_work_insert('OLD', '-')}
    END IF;
  ELSIF TG_OP = 'INSERT' THEN
    IF NEW.state IN ({open_states}) THEN
      {_open_work_insert('NEW', '+')}
    END IF;
  ELSIF {open_rekey} THEN
    IF OLD.state IN ({open_states}) THEN
      {_open_work_insert('OLD', '-')}
    END IF;
    IF NEW.state IN ({open_states}) THEN
      {_open_work_insert('NEW', '+')}
    END IF;
  END IF;
  RETURN NULL;
END;
$$;
""",
        _function("dashboard_tally_feedback", on_old=_feedback_insert("OLD", "-"), on_new=_feedback_insert("NEW", "+")),
        _function("dashboard_tally_case", on_old=_case_insert("OLD", "-"), on_new=_case_insert("NEW", "+")),
    ]
    for trigger, table, function, watched in (
        ("dashboard_tally_assignment", ASSIGNMENT_TABLE, "dashboard_tally_assignment", ASSIGNMENT_WATCHED),
        ("dashboard_tally_feedback", FEEDBACK_TABLE, "dashboard_tally_feedback", FEEDBACK_WATCHED),
        ("dashboard_tally_case", CASE_TABLE, "dashboard_tally_case", CASE_WATCHED),
    ):
        statements += [
            f"DROP TRIGGER IF EXISTS {trigger}_ins_del ON {table};",
            f"DROP TRIGGER IF EXISTS {trigger}_upd ON {table};",
            f"CREATE TRIGGER {trigger}_ins_del AFTER INSERT OR DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION {function}();",
            f"CREATE TRIGGER {trigger}_upd AFTER UPDATE ON {table} FOR EACH ROW WHEN ({_changed(watched)}) EXECUTE FUNCTION {function}();",
        ]
    return statements


def uninstall_sql() -> list[str]:
    statements = []
    for trigger, table in (
        ("dashboard_tally_assignment", ASSIGNMENT_TABLE), ("dashboard_tally_feedback", FEEDBACK_TABLE), ("dashboard_tally_case", CASE_TABLE),
    ):
        statements += [f"DROP TRIGGER IF EXISTS {trigger}_ins_del ON {table};", f"DROP TRIGGER IF EXISTS {trigger}_upd ON {table};"]
    statements += [f"DROP FUNCTION IF EXISTS {name}();" for name in ("dashboard_tally_assignment", "dashboard_tally_feedback", "dashboard_tally_case")]
    return statements


def _assignment_aggregate_sql() -> str:
    """The true totals, from the tables (what the tally must equal)."""
    per_assignment_feedback = ", ".join(f"SUM({sql}) AS {name}" for name, sql in FEEDBACK_MEASURES.items())
    return (
        f"SELECT t.department_id, t.initiating_department_id, t.pushed_on, {', '.join(f'SUM(t.{m})' for m in ALL_ASSIGNMENT_MEASURES)} FROM ("
        f"  SELECT r.department_id, c.initiating_department_id, r.pushed_on, {', '.join(f'{sql} AS {name}' for name, sql in ASSIGNMENT_MEASURES.items())},"
        f"         {', '.join(f'COALESCE(fb.{name}, 0) AS {name}' for name in FEEDBACK_MEASURES)}"
        f"  FROM {ASSIGNMENT_TABLE} r JOIN {CASE_TABLE} c ON c.id = r.case_id"
        f"  LEFT JOIN (SELECT f.assignment_id, {per_assignment_feedback} FROM {FEEDBACK_TABLE} f GROUP BY f.assignment_id) fb"
        f"    ON fb.assignment_id = r.id"
        f") t GROUP BY t.department_id, t.initiating_department_id, t.pushed_on"
    )


def _open_work_aggregate_sql() -> str:
    key = ["r.department_id", "c.initiating_department_id", "r.pushed_on", *(f"r.{col}" for col in OPEN_WORK_COLUMNS)]
    open_states = ", ".join(f"'{state}'" for state in OPEN_WORK_STATES)
    return (
        f"SELECT {', '.join(key)}, COUNT(*) FROM {ASSIGNMENT_TABLE} r JOIN {CASE_TABLE} c ON c.id = r.case_id "
        f"WHERE r.state IN ({open_states}) GROUP BY {', '.join(key)}"
    )


def _case_aggregate_sql() -> str:
    return f"SELECT {', '.join(CASE_KEY.values())}, COUNT(*) FROM {CASE_TABLE} r GROUP BY {', '.join(CASE_KEY.values())}"


def _tally_folded_sql(table: str, key: list[str], measures: list[str]) -> str:
    """The tally with its deltas folded: one row per key, keys whose measures are all zero dropped."""
    sums = ", ".join(f"SUM({m})" for m in measures)
    nonzero = " OR ".join(f"SUM({m}) <> 0" for m in measures)
    return f"SELECT {', '.join(key)}, {sums} FROM {table} GROUP BY {', '.join(key)} HAVING {nonzero}"


# --- maintenance ------------------------------------------------------------------------------


def _tallies() -> list[tuple[str, list[str], list[str], str]]:
    """(table, key columns, measures, the SQL of the true totals) of each tally."""
    return [
        (ASSIGNMENT_TALLY, ASSIGNMENT_KEY, ALL_ASSIGNMENT_MEASURES, _assignment_aggregate_sql()),
        (CASE_TALLY, list(CASE_KEY), ["n"], _case_aggregate_sql()),
        (OPEN_WORK_TALLY, OPEN_WORK_KEY, ["n"], _open_work_aggregate_sql()),
    ]


def install() -> None:
    with connection.cursor() as cursor:
        for statement in install_sql():
            cursor.execute(statement)


@transaction.atomic
def rebuild() -> dict:
    """Recompute the tallies from the tables. Holds off writers of the three tables meanwhile
    (SHARE lock: reads go on), so no change slips between the aggregate and the triggers."""
    rows = {}
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {CASE_TABLE}, {ASSIGNMENT_TABLE}, {FEEDBACK_TABLE} IN SHARE MODE")
        for table, key, measures, truth in _tallies():
            cursor.execute(f"DELETE FROM {table}")
            cursor.execute(f"INSERT INTO {table} ({', '.join([*key, *measures])}) {truth}")
            rows[table] = cursor.rowcount
    return rows


def compact() -> dict:
    """Fold the deltas into one row per key (hourly task). One statement per tally: the rows it
    deletes are exactly those it sums (its snapshot); deltas committed meanwhile stay as they are.
    A second run at the same time waits for the first (advisory lock) and then finds little to do."""
    folded = {}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('dashboard_tally_compact'))")
        for table, key, measures, _truth in _tallies():
            columns = [*key, *measures]
            sums = ", ".join(f"SUM({m})" for m in measures)
            nonzero = " OR ".join(f"SUM({m}) <> 0" for m in measures)
            cursor.execute(
                f"WITH moved AS (DELETE FROM {table} RETURNING {', '.join(columns)}) "
                f"INSERT INTO {table} ({', '.join(columns)}) "
                f"SELECT {', '.join(key)}, {sums} FROM moved GROUP BY {', '.join(key)} HAVING {nonzero}"
            )
            folded[table] = cursor.rowcount
    return folded


def verify() -> dict:
    """Compare each tally, folded, with a fresh aggregate of the tables. Returns the number of keys
    that differ per tally (0 and 0 when the tallies are right). Reads everything: for the
    ``dashboard_tallies --verify`` command and the tests, not for page views."""
    differences = {}
    with connection.cursor() as cursor:
        for table, key, measures, truth in _tallies():
            folded = _tally_folded_sql(table, key, measures)
            # One statement, so both sides read the same snapshot.
            cursor.execute(
                f"SELECT (SELECT COUNT(*) FROM (({folded}) EXCEPT ({truth})) a) + (SELECT COUNT(*) FROM (({truth}) EXCEPT ({folded})) b)"
            )
            differences[table] = cursor.fetchone()[0]
    return differences
