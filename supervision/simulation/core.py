"""The simulation: its calendar, its agenda of actions, the daily run and the generated subjects."""
import datetime
import random
from collections import Counter, defaultdict

from django.core.exceptions import PermissionDenied, ValidationError

from credit_platform import calendar, identifiers
from credit_platform import services as platform_services
from credit_platform.exceptions import ApplicationError, IllegalTransition
from credit_platform.models import Department, ResponsiblePerson, Subject, SubjectKind, User
from lists import services as list_services
from sanctions import services as sanctions_services
from supervision import services as supervision_services
from supervision.simulation.appeals import AppealSteps
from supervision.simulation.cases import CaseSteps
from supervision.simulation.clock import SimulatedClock
from supervision.simulation.work import WorkSteps

EXPECTED = (ValidationError, PermissionDenied, IllegalTransition, ApplicationError)

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜"
    "范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红娥建国志海峰宇浩凯鹏辉斌"
TRADES = ["建筑工程", "商贸", "物流", "食品", "房地产开发", "路桥建设", "化工", "农业科技", "餐饮管理", "劳务派遣", "机械制造", "环保科技",
          "矿业", "纺织", "医药", "电子科技", "运输", "装饰工程", "旅游开发", "能源"]
PLACES = ["金川", "祁连", "黑河", "丝路", "绿洲", "湿地", "张掖", "丹霞", "甘泉", "临泽", "焉支", "弱水", "大佛", "西来", "鼓楼", "山丹"]


class Simulation(CaseSteps, WorkSteps, AppealSteps):
    """One run: ``run(clock)`` replays the days from ``start`` to ``end`` (see the package docstring)."""

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
                supervision_services.overdue_escalate(today=day)
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
            supervision_services.scorecard_snapshot_take(today=day)
            if day.day == 1 and day > self.start:
                supervision_services.monthly_report_generate(month=supervision_services.previous_month(day), replace=True)
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
