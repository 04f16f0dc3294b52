"""Objections, credit repair, and the leadership office's urges."""
from django.core.files.base import ContentFile

from lists.models import ListEntry
from objections import services as objection_services
from objections.models import Objection
from objections.selectors import objections_overdue
from repair import services as repair_services
from repair.models import RepairApplication
from repair.selectors import repairs_overdue
from sanctions.models import Assignment, JointCase
from sanctions.selectors import overdue_q
from supervision import services as supervision_services

SIMULATED_PDF = b"%PDF-1.4\n%%EOF\n"  # a repair application's documents: the smallest file the upload check takes


class AppealSteps:
    """Steps of ``Simulation`` (``do_<action>`` run from its agenda)."""

    # --- objections ---------------------------------------------------------------------------

    def do_object(self, day, case_id):
        case = JointCase.objects.select_related("subject", "initiating_department").get(pk=case_id)
        if case.state not in ("pushed", "executing", "feedback_complete"):
            return
        objection = self.attempt(
            "objections_filed", objection_services.objection_file, subject=case.subject, case=case, grounds="认定事实有误，相关款项已于认定前结清",
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
        return Objection.objects.select_related("provider_department").get(pk=objection_id)

    def do_objection_refuse(self, day, objection_id):
        objection = self._objection(objection_id)
        self.attempt("objections_refused", objection_services.objection_refuse, objection=objection, actor=self.users[objection.provider_department.code],
                     reason="异议申请材料不齐全")

    def do_objection_accept(self, day, objection_id):
        objection = self._objection(objection_id)
        if self.attempt("objections_accepted", objection_services.objection_accept, objection=objection, actor=self.users[objection.provider_department.code]) is None:
            return
        roll = self.rng.random()
        if roll < 0.1:
            return  # verification never finished: overdue
        outcome = "dismiss" if roll < 0.7 else "uphold"
        self.later(day, self.rng.randint(2, 5) if self.rng.random() < 0.85 else self.rng.randint(6, 9), f"objection_{outcome}", objection_id)

    def do_objection_dismiss(self, day, objection_id):
        objection = self._objection(objection_id)
        self.attempt("objections_dismissed", objection_services.objection_dismiss, objection=objection, actor=self.users[objection.provider_department.code],
                     reason="经核实，原认定事实清楚、证据确凿")

    def do_objection_uphold(self, day, objection_id):
        objection = self._objection(objection_id)
        self.attempt("objections_upheld", objection_services.objection_uphold, objection=objection, actor=self.users[objection.provider_department.code],
                     outcome="revoke", reason="经核实，原认定有误，予以撤销")

    # --- credit repair --------------------------------------------------------------------------

    def do_repair_apply(self, day, entry_id):
        entry = ListEntry.objects.select_related("subject", "rule_set").get(pk=entry_id)
        application = self.attempt(
            "repairs_filed", repair_services.repair_apply, entry=entry, evidence="已全部履行法定义务并消除不良影响", commitment_signed=True,
            contact="0936-0000000", applicant_name=entry.subject.name, channel="public",
            documents=[(kind, ContentFile(SIMULATED_PDF, name=f"{kind}.pdf")) for kind in ("proof", "commitment", "training")],
        )
        if application is None or application.state == "refused":  # refused by the platform as filed (not yet eligible)
            return
        roll = self.rng.random()
        if roll < 0.08:
            return  # never taken for review: overdue
        self.later(day, self.rng.randint(1, 4) if roll < 0.9 else self.rng.randint(11, 14), "repair_accept", application.pk)

    def _repair(self, application_id):
        return RepairApplication.objects.select_related("deciding_department").get(pk=application_id)

    def do_repair_accept(self, day, application_id):
        application = self._repair(application_id)
        if self.attempt("repairs_accepted", repair_services.repair_accept, application=application, actor=self.users[application.deciding_department.code]) is None:
            return
        roll = self.rng.random()
        if roll < 0.07:
            return  # never decided: overdue
        decision = "repair_approve" if roll < 0.8 else "repair_reject"
        self.later(day, self.rng.randint(1, 3) if self.rng.random() < 0.85 else self.rng.randint(4, 7), decision, application_id)

    def do_repair_approve(self, day, application_id):
        application = self._repair(application_id)
        self.attempt("repairs_approved", repair_services.repair_approve, application=application, actor=self.users[application.deciding_department.code])

    def do_repair_reject(self, day, application_id):
        application = self._repair(application_id)
        self.attempt("repairs_rejected", repair_services.repair_reject, application=application, actor=self.users[application.deciding_department.code],
                     reason="尚未完全履行法定义务")

    # --- supervision --------------------------------------------------------------------------

    def _leadership_urges(self, day):
        if self.rng.random() > 0.35:
            return
        overdue = list(Assignment.objects.filter(overdue_q(day)).order_by("pk").values_list("pk", flat=True)[:500])
        for assignment_id in self.rng.sample(overdue, min(len(overdue), self.rng.randint(1, 3))):
            self.attempt("urges", supervision_services.urge_send, actor=self.leader, kind="assignment", item_id=assignment_id, note="请立即办理并反馈")
        for kind, queryset in (("objection", objections_overdue(today=day)), ("repair", repairs_overdue(today=day))):
            late = list(queryset.order_by("pk").values_list("pk", flat=True)[:100])
            if late and self.rng.random() < 0.3:
                self.attempt("urges", supervision_services.urge_send, actor=self.leader, kind=kind, item_id=self.rng.choice(late), note="请抓紧核实办理")
