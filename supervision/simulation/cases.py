"""Opening cases (directly, or through the list procedure) and pushing them."""
import datetime

from credit_platform.models import User
from lists import services as list_services
from sanctions import services as sanctions_services
from sanctions.models import JointCase, Memorandum


class CaseSteps:
    """Steps of ``Simulation`` (``do_<action>`` run from its agenda)."""

    # --- opening cases --------------------------------------------------------------------------

    def _memoranda(self):
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
        short = self.rng.random() < 0.15
        period_end = day + datetime.timedelta(days=self.rng.randint(20, 120) if short else self.rng.randint(365, 3 * 365))
        case = self.attempt(
            "cases_opened", sanctions_services.case_create, actor=actor, subject=subject, kind=memorandum.kind, memorandum=memorandum,
            basis=f"示范区{memorandum.name}：认定文书 {self.seed}-{self.serial}", basis_document=f"示信〔{day.year}〕{self.serial}号",
            period_start=day, period_end=period_end,
        )
        if case is None:
            return
        roll = self.rng.random()
        if roll < 0.02:
            self.attempt("cases_discarded", sanctions_services.case_discard, case=case, actor=actor, reason="重复录入")
            return
        if roll < 0.04:
            return  # left as a draft
        if self.attempt("cases_initiated", sanctions_services.case_initiate, case=case, actor=actor) is None:
            return
        if roll < 0.06:
            return  # initiated, never pushed
        self.later(day, self.rng.choice([0, 0, 0, 0, 1, 2]), "push", case.pk, actor.pk)

    def _open_through_list(self, day, memorandum, actor, subject):
        repairable = memorandum.list_type == "black" and self.rng.random() < 0.5
        decided_on = day - datetime.timedelta(days=self.rng.randint(80, 100) if repairable else self.rng.randint(0, 5))
        entry = self.attempt(
            "list_entries", list_services.entry_propose, actor=actor, subject=subject, list_type=memorandum.list_type,
            severity="" if memorandum.list_type == "red" else "general", domain=memorandum.domain, basis=f"依据{memorandum.name}认定", decision_number=f"示认〔{day.year}〕{self.seed}-{self.serial}号",
            decided_on=decided_on, facts=f"示范区模拟认定事实 {self.seed}-{self.serial}", exit_conditions="履行全部义务后可申请移出",
            remedies="可提出异议、申请行政复议或提起行政诉讼",
        )
        if entry is None:
            return
        steps = [
            ("list_entries_notified", list_services.entry_notify, {"method": "直接送达", "notified_on": day}),
            ("list_entries_statement", list_services.entry_record_statement, {"text": "", "waived": True}),
            ("list_entries_published", list_services.entry_publish, {}),
        ]
        for name, func, kwargs in steps:
            if self.attempt(name, func, entry=entry, actor=actor, **kwargs) is None:
                return
        case = JointCase.objects.filter(list_entry_id=entry.pk).order_by("-pk").first()
        if case is None:
            return
        self.counts["cases_opened"] += 1
        self.later(day, self.rng.choice([0, 0, 1]), "push", case.pk, self.users[entry.identifying_department.code].pk)
        if repairable:
            when = max(entry.repair_possible_from, day) + datetime.timedelta(days=self.rng.randint(0, 30))
            if when <= self.end and self.rng.random() < 0.6:
                self.agenda[when].append(("repair_apply", (entry.pk,)))

    def do_push(self, day, case_id, actor_id):
        case = JointCase.objects.get(pk=case_id)
        if case.state != "initiated":
            return
        if self.attempt("cases_pushed", sanctions_services.case_push, case=case, actor=User.objects.get(pk=actor_id)) is None:
            return
        for assignment_id, department_id in case.assignments.order_by("pk").values_list("pk", "department_id"):
            self._plan_assignment(day, assignment_id, department_id)
        if self.rng.random() < 0.06:
            self.later(day, self.rng.randint(2, 15), "object", case_id)
