"""``python manage.py simulate_activity --days 365 [--cases N] [--seed S]``: a year of realistic work.

On top of the demo world (``seed_demo``, run first if needed) it replays ``--days`` days ending
today, day by day, **through the real services** (cases, list entries, assignments, objections,
repairs, urges, the periodic scans), so every audit event, notification, due date and punctuality
column is what production would have written.

How "today" moves: ``django.utils.timezone.now`` and ``django.utils.timezone.localdate`` are
patched (``unittest.mock.patch.object``) for the duration of the command with a clock that starts
at 08:30 on each simulated day and advances 200 ms per call, so ``auto_now_add`` columns, service
timestamps and working-day due dates all follow the simulated calendar. Code that reads the clock
through ``timezone.now()`` (all of this project) follows it; nothing else is patched, and the clock
is restored when the command ends, even on error.

What happens (deterministic for a given ``--seed`` and database content):
- initiating departments open cases under their memoranda against demo and generated subjects:
  most directly (opened, initiated, pushed the same or a following working day; a few left
  initiated or discarded), about a quarter through the list procedure (proposed, notified, the
  subject waives its statement, published: the case opens and is pushed); some with short periods
  so that they expire within the year;
- executing departments sign for and feed back mostly on time, some late (each department has its
  own punctuality), a few never; a few return a push and the initiator reassigns it; later "hits"
  are recorded on some fed-back pushes;
- subjects object to some cases (accepted and dismissed, upheld, refused, a few left overdue) and
  apply for credit repair of some list entries (approved, rejected, a few left overdue); ended
  cases' pushes are lifted and confirmed, mostly on time;
- the leadership office urges some overdue pushes; each day the expiry scans, the overdue
  notifications, the escalation scan and the dashboard snapshot run, and each month's report is
  written on the first day of the next.
"""
import datetime
import random
import time
from collections import Counter, defaultdict
from contextlib import contextmanager
from unittest import mock

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from credit_platform import calendar, demo, identifiers
from credit_platform import services as platform_services
from credit_platform.exceptions import ApplicationError, IllegalTransition
from credit_platform.models import Department, ResponsiblePerson, Subject, SubjectKind, User

EXPECTED = (ValidationError, PermissionDenied, IllegalTransition, ApplicationError)

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜"
    "范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红娥建国志海峰宇浩凯鹏辉斌"
TRADES = ["建筑工程", "商贸", "物流", "食品", "房地产开发", "路桥建设", "化工", "农业科技", "餐饮管理", "劳务派遣", "机械制造", "环保科技",
          "矿业", "纺织", "医药", "电子科技", "运输", "装饰工程", "旅游开发", "能源"]
PLACES = ["金川", "祁连", "黑河", "丝路", "绿洲", "湿地", "张掖", "丹霞", "甘泉", "临泽", "焉支", "弱水", "大佛", "西来", "鼓楼", "山丹"]


class SimulatedClock:
    """The clock the patched ``timezone.now`` / ``timezone.localdate`` read."""

    STEP = datetime.timedelta(milliseconds=200)

    def __init__(self):
        self.current = None
        self._real_localdate = timezone.localdate

    def start_day(self, day: datetime.date, hour: int = 8, minute: int = 30) -> None:
        moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))
        self.current = max(moment, self.current) if self.current else moment

    def now(self):
        self.current += self.STEP
        return self.current

    def localdate(self, value=None, timezone=None):
        return self._real_localdate(value if value is not None else self.now(), timezone)

    @contextmanager
    def patched(self):
        with mock.patch.object(timezone, "now", self.now), mock.patch.object(timezone, "localdate", self.localdate):
            yield


@contextmanager
def fast_commits():
    """Thousands of small transactions: on PostgreSQL, do not wait for each commit to reach the disk
    (this session only; a crash can lose the last simulated seconds, never corrupt anything)."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO OFF")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SET synchronous_commit TO DEFAULT")
    else:
        yield


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


class Simulation:
    def __init__(self, *, rng: random.Random, start, end, cases: int, subjects: int, seed: int, stdout):
        self.rng, self.start, self.end, self.case_total, self.subject_total, self.seed = rng, start, end, cases, subjects, seed
        self.stdout = stdout
        self.cal = calendar.current_calendar()
        self.agenda: dict[datetime.date, list] = defaultdict(list)
        self.counts: Counter = Counter()
        self.refused: Counter = Counter()
        self.users = {u.department.code: u for u in User.objects.select_related("department").filter(department__isnull=False, is_superuser=False)}
        self.leader = User.objects.get(username="leader")
        departments = list(Department.objects.filter(is_active=True).order_by("code"))
        self.executing = [d for d in departments if d.is_executing]
        # Each executing department's habit: the probability it signs for and feeds back on time.
        self.punctuality = {d.pk: rng.choice([0.97, 0.95, 0.9, 0.85, 0.8, 0.7, 0.6]) for d in self.executing}
        self.serial = 0

    # --- the calendar ---------------------------------------------------------------------

    def working_days_after(self, day: datetime.date, n: int) -> datetime.date:
        return self.cal.add_working_days(day, n).date if n > 0 else day

    def later(self, day: datetime.date, n: int, action: str, *args) -> None:
        """Schedule ``action`` n working days after ``day`` (n=0: the same day, later on)."""
        when = self.working_days_after(day, n)
        if when <= self.end:
            self.agenda[when].append((action, args))

    def attempt(self, label: str, func, /, *args, **kwargs):
        """Call a service; a refusal the domain may give (not eligible, moved meanwhile) is counted, not raised."""
        try:
            result = func(*args, **kwargs)
        except EXPECTED:
            self.refused[label] += 1
            return None
        self.counts[label] += 1
        return result

    # --- the run ------------------------------------------------------------------------------

    def run(self, clock: SimulatedClock) -> None:
        from credit_platform.dashboard import services as dashboard_services
        from lists import services as list_services
        from sanctions import services as sanctions_services

        clock.start_day(self.start)
        self.subjects = self._subjects()
        working = [self.start + datetime.timedelta(days=i) for i in range((self.end - self.start).days + 1)]
        working = [d for d in working if self.cal.is_working_day(d)] or [self.end]
        for _ in range(self.case_total):
            self.agenda[self.rng.choice(working)].append(("open_case", ()))
        day = self.start
        while day <= self.end:
            clock.start_day(day, 0, 5)
            # The nightly scans (beat runs them just after midnight).
            self.attempt("entries_expired_scan", list_services.entries_expire_due, today=day)
            self.attempt("cases_expired_scan", sanctions_services.cases_expire_due, today=day)
            clock.start_day(day, 8, 0)
            if self.cal.is_working_day(day):
                sanctions_services.deadlines_notify_overdue(today=day)
                clock.start_day(day, 8, 30)
                dashboard_services.overdue_escalate(today=day)
                clock.start_day(day, 9, 0)
            index = 0
            while index < len(self.agenda.get(day, [])):  # actions may schedule more for the same day
                action, args = self.agenda[day][index]
                getattr(self, f"do_{action}")(day, *args)
                index += 1
            self.agenda.pop(day, None)
            if self.cal.is_working_day(day):
                self._leadership_urges(day)
            self._schedule_lift_confirmations(day)
            clock.start_day(day, 23, 50)
            dashboard_services.scorecard_snapshot_take(today=day)
            if day.day == 1 and day > self.start:
                dashboard_services.monthly_report_generate(month=dashboard_services.previous_month(day), replace=True)
                self.counts["monthly_reports"] += 1
            day += datetime.timedelta(days=1)

    # --- subjects -----------------------------------------------------------------------------

    def _subjects(self) -> list[Subject]:
        rng = self.rng
        created = []
        for _ in range(self.subject_total):
            kind = rng.choices(
                [SubjectKind.LEGAL_PERSON, SubjectKind.INDIVIDUAL_BUSINESS, SubjectKind.OTHER_ORG, SubjectKind.NATURAL_PERSON], [60, 12, 8, 20]
            )[0]
            if kind == SubjectKind.NATURAL_PERSON:
                birth = datetime.date(1960, 1, 1) + datetime.timedelta(days=rng.randrange(0, 14000))
                first17 = f"620702{birth:%Y%m%d}{rng.randrange(0, 1000):03d}"
                identifier = first17 + identifiers.citizen_id_check_character(first17)
                name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2])))
            else:
                prefix = {SubjectKind.LEGAL_PERSON: "91", SubjectKind.INDIVIDUAL_BUSINESS: "92", SubjectKind.OTHER_ORG: "93"}[kind]
                body = "".join(rng.choice(identifiers.USCC_CHARSET) for _ in range(9))
                first17 = f"{prefix}620702{body}"
                identifier = first17 + identifiers.uscc_check_character(first17)
                suffix = {"91": "有限公司", "92": "经营部", "93": "专业合作社"}[prefix]
                name = f"示范区{rng.choice(PLACES)}{rng.choice(TRADES)}{suffix}"
            subject = Subject.objects.filter(identifier=identifier).first()
            if subject is None:
                subject = self.attempt("subjects", platform_services.subject_create, kind=kind, identifier=identifier, name=name)
            if subject is not None:
                created.append(subject)
        persons = [s for s in created if s.is_person]
        for organisation in [s for s in created if s.kind == SubjectKind.LEGAL_PERSON]:
            if persons and rng.random() < 0.5 and not ResponsiblePerson.objects.filter(organisation=organisation).exists():
                self.attempt("responsible_persons", platform_services.subject_link_responsible_person,
                             organisation=organisation, person=rng.choice(persons), role=ResponsiblePerson.Role.LEGAL_REPRESENTATIVE)
        return list(Subject.objects.order_by("pk"))

    # --- opening cases --------------------------------------------------------------------------

    def _memoranda(self):
        from sanctions.models import Memorandum

        if not hasattr(self, "_memo_cache"):
            self._memo_cache = [
                (m, [d.code for d in m.initiators.order_by("code")]) for m in Memorandum.objects.filter(is_active=True).order_by("code")
            ]
        return self._memo_cache

    def do_open_case(self, day):
        memorandum, initiators = self.rng.choice(self._memoranda())
        initiator = self.users[self.rng.choice(initiators)]
        subject = self._subject_for(memorandum)
        self.serial += 1
        if self.rng.random() < 0.25 and memorandum.list_type in ("black", "red"):
            self._open_through_list(day, memorandum, initiator, subject)
        else:
            self._open_directly(day, memorandum, initiator, subject)

    def _subject_for(self, memorandum):
        organisations = [s for s in self.subjects if s.is_organisation]
        if memorandum.kind == "punishment" and self.rng.random() < 0.15:
            return self.rng.choice([s for s in self.subjects if s.is_person] or organisations)
        return self.rng.choice(organisations)

    def _open_directly(self, day, memorandum, actor, subject):
        from sanctions import services as s

        short = self.rng.random() < 0.15
        period_end = day + datetime.timedelta(days=self.rng.randint(20, 120) if short else self.rng.randint(365, 3 * 365))
        case = self.attempt(
            "cases_opened", s.case_create, actor=actor, subject=subject, kind=memorandum.kind, memorandum=memorandum,
            basis=f"示范区{memorandum.name}：认定文书 {self.seed}-{self.serial}", basis_document=f"示信〔{day.year}〕{self.serial}号",
            period_start=day, period_end=period_end,
        )
        if case is None:
            return
        roll = self.rng.random()
        if roll < 0.02:
            self.attempt("cases_discarded", s.case_discard, case=case, actor=actor, reason="重复录入")
            return
        if roll < 0.04:
            return  # left as a draft
        if self.attempt("cases_initiated", s.case_initiate, case=case, actor=actor) is None:
            return
        if roll < 0.06:
            return  # initiated, never pushed
        self.later(day, self.rng.choice([0, 0, 0, 0, 1, 2]), "push", case.pk, actor.pk)

    def _open_through_list(self, day, memorandum, actor, subject):
        from lists import services as lists_services
        from sanctions.models import JointCase

        repairable = memorandum.list_type == "black" and self.rng.random() < 0.5
        decided_on = day - datetime.timedelta(days=self.rng.randint(80, 100) if repairable else self.rng.randint(0, 5))
        entry = self.attempt(
            "list_entries", lists_services.entry_propose, actor=actor, subject=subject, list_type=memorandum.list_type,
            severity="general", domain=memorandum.domain, basis=f"依据{memorandum.name}认定", decision_number=f"示认〔{day.year}〕{self.seed}-{self.serial}号",
            decided_on=decided_on,
        )
        if entry is None:
            return
        steps = [
            ("list_entries_notified", lists_services.entry_notify, {"method": "直接送达", "notified_on": day}),
            ("list_entries_statement", lists_services.entry_record_statement, {"text": "", "waived": True}),
            ("list_entries_published", lists_services.entry_publish, {}),
        ]
        for name, func, kwargs in steps:
            if self.attempt(name, func, entry=entry, actor=actor, **kwargs) is None:
                return
        case = JointCase.objects.filter(list_entry=entry).order_by("-pk").first()
        if case is None:
            return
        self.counts["cases_opened"] += 1
        self.later(day, self.rng.choice([0, 0, 1]), "push", case.pk, self.users[entry.identifying_department.code].pk)
        if repairable:
            when = max(entry.repair_possible_from, day) + datetime.timedelta(days=self.rng.randint(0, 30))
            if when <= self.end and self.rng.random() < 0.6:
                self.agenda[when].append(("repair_apply", (entry.pk,)))

    def do_push(self, day, case_id, actor_id):
        from sanctions import services as s
        from sanctions.models import JointCase

        case = JointCase.objects.get(pk=case_id)
        if case.state != "initiated":
            return
        if self.attempt("cases_pushed", s.case_push, case=case, actor=User.objects.get(pk=actor_id)) is None:
            return
        for assignment_id, department_id in case.assignments.order_by("pk").values_list("pk", "department_id"):
            self._plan_assignment(day, assignment_id, department_id)
        if self.rng.random() < 0.06:
            self.later(day, self.rng.randint(2, 15), "object", case_id)

    # --- executing departments --------------------------------------------------------------

    def _plan_assignment(self, day, assignment_id, department_id):
        rng = self.rng
        on_time = self.punctuality.get(department_id, 0.85)
        roll = rng.random()
        if roll < 0.03:
            self.later(day, rng.choice([0, 1]), "return", assignment_id)
            return
        if roll < 0.06:
            return  # never signed for
        sign = rng.choice([0, 1]) if rng.random() < on_time else rng.randint(2, 5)
        never_feedback = rng.random() < 0.04
        feed = (rng.randint(max(sign, 2), 5) if rng.random() < on_time else rng.randint(max(sign + 1, 6), 12))
        self.later(day, sign, "acknowledge", assignment_id, None if never_feedback else feed - sign)

    def _assignment(self, assignment_id):
        from sanctions.models import Assignment

        return Assignment.objects.select_related("department").get(pk=assignment_id)

    def _wait_if_held(self, day, action, assignment, *args) -> bool:
        """A held push (objection being verified) waits: try again a few working days later."""
        if assignment.state == "suspended":
            self.later(day, 3, action, assignment.pk, *args)
            return True
        return False

    def do_acknowledge(self, day, assignment_id, feedback_after):
        from sanctions import services as s

        assignment = self._assignment(assignment_id)
        if self._wait_if_held(day, "acknowledge", assignment, feedback_after) or assignment.state != "pending":
            return
        if self.attempt("signed_for", s.assignment_acknowledge, assignment=assignment, actor=self.users[assignment.department.code]) is None:
            return
        if feedback_after is not None:
            self.later(day, feedback_after, "feedback", assignment_id)

    def do_feedback(self, day, assignment_id):
        from sanctions import services as s

        assignment = self._assignment(assignment_id)
        if self._wait_if_held(day, "feedback", assignment) or assignment.state != "acknowledged":
            return
        items = []
        for measure in assignment.measures.order_by("code"):
            roll = self.rng.random()
            if roll < 0.85:
                items.append(s.FeedbackItem(measure=measure, outcome="applied", business_reference=f"YW-{assignment_id}-{measure.code}"))
            elif roll < 0.95:
                items.append(s.FeedbackItem(measure=measure, outcome="not_applicable", note="期内该主体未在本部门办理相关业务"))
            else:
                items.append(s.FeedbackItem(measure=measure, outcome="failed", note="业务系统尚未完成对接，已人工提示"))
        if self.attempt("fed_back", s.assignment_feedback, assignment=assignment, actor=self.users[assignment.department.code], items=items) is None:
            return
        if self.rng.random() < 0.12:
            when = day + datetime.timedelta(days=self.rng.randint(10, 60))
            if when <= self.end:
                self.agenda[when].append(("hit", (assignment_id,)))

    def do_hit(self, day, assignment_id):
        from sanctions import services as s
        from sanctions.models import MeasureFeedback

        assignment = self._assignment(assignment_id)
        measure = assignment.measures.order_by("code").first()
        if assignment.state != "fed_back" or measure is None:
            return
        source = self.rng.choice([MeasureFeedback.Source.LATER, MeasureFeedback.Source.CREDIT_CHECK])
        self.attempt(
            "later_hits", s.assignment_record_feedback, assignment=assignment, actor=self.users[assignment.department.code], source=source,
            items=[s.FeedbackItem(measure=measure, outcome="applied", note="信用核查命中，依法限制", business_reference=f"HC-{assignment_id}-{day:%m%d}")],
        )

    def do_return(self, day, assignment_id):
        from sanctions import services as s

        assignment = self._assignment(assignment_id)
        if assignment.state not in ("pending", "acknowledged"):
            return
        if self.attempt("returned", s.assignment_return, assignment=assignment, actor=self.users[assignment.department.code],
                        reason="该措施不属于本部门职责范围，请改派") is not None:
            self.later(day, self.rng.choice([1, 2]), "reassign", assignment_id)

    def do_reassign(self, day, assignment_id):
        from sanctions import services as s
        from sanctions.models import Assignment

        assignment = Assignment.objects.select_related("case__initiating_department").get(pk=assignment_id)
        taken = set(Assignment.objects.filter(case_id=assignment.case_id, target_id=assignment.target_id).values_list("department_id", flat=True))
        candidates = [d for d in self.executing if d.pk not in taken]
        if not candidates:
            return
        department = self.rng.choice(candidates)
        new = self.attempt("reassigned", s.assignment_reassign, assignment=assignment, actor=self.users[assignment.case.initiating_department.code],
                           department=department)
        if new is not None:
            self._plan_assignment(day, new.pk, department.pk)

    # --- lifting ------------------------------------------------------------------------------

    def _schedule_lift_confirmations(self, day):
        from sanctions.models import Assignment

        for assignment_id in Assignment.objects.filter(state="lifting", lift_opened_on=day).order_by("pk").values_list("pk", flat=True):
            roll = self.rng.random()
            if roll < 0.05:
                continue  # never confirmed
            self.later(day, self.rng.randint(0, 3) if roll < 0.88 else self.rng.randint(4, 8), "confirm_lift", assignment_id)

    def do_confirm_lift(self, day, assignment_id):
        from sanctions import services as s

        assignment = self._assignment(assignment_id)
        if assignment.state == "lifting":
            self.attempt("lifts_confirmed", s.assignment_confirm_lift, assignment=assignment, actor=self.users[assignment.department.code])

    # --- objections ---------------------------------------------------------------------------

    def do_object(self, day, case_id):
        from objections import services as o
        from sanctions.models import JointCase

        case = JointCase.objects.select_related("subject", "initiating_department").get(pk=case_id)
        if case.state not in ("pushed", "executing", "feedback_complete"):
            return
        objection = self.attempt(
            "objections_filed", o.objection_file, subject=case.subject, case=case, grounds="认定事实有误，相关款项已于认定前结清",
            contact="0936-0000000", applicant_name=case.subject.name, channel="public",
        )
        if objection is None:
            return
        roll = self.rng.random()
        if roll < 0.08:
            return  # never answered: overdue
        if roll < 0.18:
            self.later(day, 1, "objection_refuse", objection.pk)
            return
        self.later(day, 1 if roll < 0.85 else self.rng.randint(2, 3), "objection_accept", objection.pk)

    def _objection(self, objection_id):
        from objections.models import Objection

        return Objection.objects.select_related("provider_department").get(pk=objection_id)

    def do_objection_refuse(self, day, objection_id):
        from objections import services as o

        objection = self._objection(objection_id)
        self.attempt("objections_refused", o.objection_refuse, objection=objection, actor=self.users[objection.provider_department.code],
                     reason="异议申请材料不齐全")

    def do_objection_accept(self, day, objection_id):
        from objections import services as o

        objection = self._objection(objection_id)
        if self.attempt("objections_accepted", o.objection_accept, objection=objection, actor=self.users[objection.provider_department.code]) is None:
            return
        roll = self.rng.random()
        if roll < 0.1:
            return  # verification never finished: overdue
        outcome = "dismiss" if roll < 0.7 else "uphold"
        self.later(day, self.rng.randint(2, 5) if self.rng.random() < 0.85 else self.rng.randint(6, 9), f"objection_{outcome}", objection_id)

    def do_objection_dismiss(self, day, objection_id):
        from objections import services as o

        objection = self._objection(objection_id)
        self.attempt("objections_dismissed", o.objection_dismiss, objection=objection, actor=self.users[objection.provider_department.code],
                     reason="经核实，原认定事实清楚、证据确凿")

    def do_objection_uphold(self, day, objection_id):
        from objections import services as o

        objection = self._objection(objection_id)
        self.attempt("objections_upheld", o.objection_uphold, objection=objection, actor=self.users[objection.provider_department.code],
                     outcome="revoke", reason="经核实，原认定有误，予以撤销")

    # --- credit repair --------------------------------------------------------------------------

    def do_repair_apply(self, day, entry_id):
        from lists.models import ListEntry
        from repair import services as r

        entry = ListEntry.objects.select_related("subject", "rule_set").get(pk=entry_id)
        application = self.attempt(
            "repairs_filed", r.repair_apply, entry=entry, evidence="已全部履行法定义务并消除不良影响", commitment_signed=True,
            contact="0936-0000000", applicant_name=entry.subject.name, training_completed=True, channel="public",
        )
        if application is None:
            return
        roll = self.rng.random()
        if roll < 0.08:
            return  # never taken for review: overdue
        self.later(day, self.rng.randint(1, 4) if roll < 0.9 else self.rng.randint(11, 14), "repair_accept", application.pk)

    def _repair(self, application_id):
        from repair.models import RepairApplication

        return RepairApplication.objects.select_related("deciding_department").get(pk=application_id)

    def do_repair_accept(self, day, application_id):
        from repair import services as r

        application = self._repair(application_id)
        if self.attempt("repairs_accepted", r.repair_accept, application=application, actor=self.users[application.deciding_department.code]) is None:
            return
        roll = self.rng.random()
        if roll < 0.07:
            return  # never decided: overdue
        decision = "repair_approve" if roll < 0.8 else "repair_reject"
        self.later(day, self.rng.randint(1, 3) if self.rng.random() < 0.85 else self.rng.randint(4, 7), decision, application_id)

    def do_repair_approve(self, day, application_id):
        from repair import services as r

        application = self._repair(application_id)
        self.attempt("repairs_approved", r.repair_approve, application=application, actor=self.users[application.deciding_department.code])

    def do_repair_reject(self, day, application_id):
        from repair import services as r

        application = self._repair(application_id)
        self.attempt("repairs_rejected", r.repair_reject, application=application, actor=self.users[application.deciding_department.code],
                     reason="尚未完全履行法定义务")

    # --- supervision --------------------------------------------------------------------------

    def _leadership_urges(self, day):
        from credit_platform.dashboard import services as d
        from sanctions.models import Assignment
        from sanctions.selectors import overdue_q

        if self.rng.random() > 0.35:
            return
        from objections.selectors import objections_overdue
        from repair.selectors import repairs_overdue

        overdue = list(Assignment.objects.filter(overdue_q(day)).order_by("pk").values_list("pk", flat=True)[:500])
        for assignment_id in self.rng.sample(overdue, min(len(overdue), self.rng.randint(1, 3))):
            self.attempt("urges", d.urge_send, actor=self.leader, kind="assignment", item_id=assignment_id, note="请立即办理并反馈")
        for kind, queryset in (("objection", objections_overdue(today=day)), ("repair", repairs_overdue(today=day))):
            late = list(queryset.order_by("pk").values_list("pk", flat=True)[:100])
            if late and self.rng.random() < 0.3:
                self.attempt("urges", d.urge_send, actor=self.leader, kind=kind, item_id=self.rng.choice(late), note="请抓紧核实办理")
