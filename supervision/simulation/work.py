"""The executing departments' work: signing for, feedback, later hits, returns and reassignment, lifting."""
import datetime

from sanctions import services as sanctions_services
from sanctions.models import Assignment, MeasureFeedback


class WorkSteps:
    """Steps of ``Simulation`` (``do_<action>`` run from its agenda)."""

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
        return Assignment.objects.select_related("department").get(pk=assignment_id)

    def _wait_if_held(self, day, action, assignment, *args) -> bool:
        """A held push (objection being verified) waits: try again a few working days later."""
        if assignment.state == "suspended":
            self.later(day, 3, action, assignment.pk, *args)
            return True
        return False

    def do_acknowledge(self, day, assignment_id, feedback_after):
        assignment = self._assignment(assignment_id)
        if self._wait_if_held(day, "acknowledge", assignment, feedback_after) or assignment.state != "pending":
            return
        if self.attempt("signed_for", sanctions_services.assignment_acknowledge, assignment=assignment, actor=self.users[assignment.department.code]) is None:
            return
        if feedback_after is not None:
            self.later(day, feedback_after, "feedback", assignment_id)

    def do_feedback(self, day, assignment_id):
        assignment = self._assignment(assignment_id)
        if self._wait_if_held(day, "feedback", assignment) or assignment.state != "acknowledged":
            return
        items = []
        for measure in assignment.measures.order_by("code"):
            roll = self.rng.random()
            if roll < 0.85:
                items.append(sanctions_services.FeedbackItem(measure=measure, outcome="applied", business_reference=f"YW-{assignment_id}-{measure.code}"))
            elif roll < 0.95:
                items.append(sanctions_services.FeedbackItem(measure=measure, outcome="not_applicable", note="期内该主体未在本部门办理相关业务"))
            else:
                items.append(sanctions_services.FeedbackItem(measure=measure, outcome="failed", note="业务系统尚未完成对接，已人工提示"))
        if self.attempt("fed_back", sanctions_services.assignment_feedback, assignment=assignment, actor=self.users[assignment.department.code], items=items) is None:
            return
        if self.rng.random() < 0.12:
            when = day + datetime.timedelta(days=self.rng.randint(10, 60))
            if when <= self.end:
                self.agenda[when].append(("hit", (assignment_id,)))

    def do_hit(self, day, assignment_id):
        assignment = self._assignment(assignment_id)
        measure = assignment.measures.order_by("code").first()
        if assignment.state != "fed_back" or measure is None:
            return
        source = self.rng.choice([MeasureFeedback.Source.LATER, MeasureFeedback.Source.CREDIT_CHECK])
        self.attempt(
            "later_hits", sanctions_services.assignment_record_feedback, assignment=assignment, actor=self.users[assignment.department.code], source=source,
            items=[sanctions_services.FeedbackItem(measure=measure, outcome="applied", note="信用核查命中，依法限制", business_reference=f"HC-{assignment_id}-{day:%m%d}")],
        )

    def do_return(self, day, assignment_id):
        assignment = self._assignment(assignment_id)
        if assignment.state not in ("pending", "acknowledged"):
            return
        if self.attempt("returned", sanctions_services.assignment_return, assignment=assignment, actor=self.users[assignment.department.code],
                        reason="该措施不属于本部门职责范围，请改派") is not None:
            self.later(day, self.rng.choice([1, 2]), "reassign", assignment_id)

    def do_reassign(self, day, assignment_id):
        assignment = Assignment.objects.select_related("case__initiating_department").get(pk=assignment_id)
        taken = set(Assignment.objects.filter(case_id=assignment.case_id, target_id=assignment.target_id).values_list("department_id", flat=True))
        candidates = [d for d in self.executing if d.pk not in taken]
        if not candidates:
            return
        department = self.rng.choice(candidates)
        new = self.attempt("reassigned", sanctions_services.assignment_reassign, assignment=assignment, actor=self.users[assignment.case.initiating_department.code],
                           department=department)
        if new is not None:
            self._plan_assignment(day, new.pk, department.pk)

    # --- lifting ------------------------------------------------------------------------------

    def _schedule_lift_confirmations(self, day):
        for assignment_id in Assignment.objects.filter(state="lifting", lift_opened_on=day).order_by("pk").values_list("pk", flat=True):
            roll = self.rng.random()
            if roll < 0.05:
                continue  # never confirmed
            self.later(day, self.rng.randint(0, 3) if roll < 0.88 else self.rng.randint(4, 8), "confirm_lift", assignment_id)

    def do_confirm_lift(self, day, assignment_id):
        assignment = self._assignment(assignment_id)
        if assignment.state == "lifting":
            self.attempt("lifts_confirmed", sanctions_services.assignment_confirm_lift, assignment=assignment, actor=self.users[assignment.department.code])
