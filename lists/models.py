"""Red, black and watch list entries (红黑名单), their identification procedure and imports."""
import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition
from guardian.models import GroupObjectPermissionBase

from credit_platform.domains import Domain, ListType, Severity
from credit_platform.models.imports import ImportBatchBase, ImportRowErrorBase
from credit_platform.permissions import has_group_grant, is_credit_office


def may_manage_entry(entry, user) -> bool:
    """Notify, record the statement, publish, withdraw, remove: the identifying department and the
    credit office. The transitions' ``permission`` and ``lists.access.can_manage_entry``'s answer."""
    return is_credit_office(user) or has_group_grant(user, entry, ListEntryGroupObjectPermission, "manage_listentry")


SYSTEM = {"admin": False}


def publication_refusal(entry, today=None) -> str:
    """Why ``entry`` cannot be published on ``today`` (default: today), or "" when it can.

    The publish transition's condition, and the reason the service gives when it refuses (409).
    """
    today = today or timezone.localdate()
    if not entry.statement_waived:
        if entry.statement_due is None:
            return gettext("The subject has not been told; notify it before publishing.")
        if today <= entry.statement_due:
            return gettext(
                "The subject may make a statement and defence until %(due)s: the entry can be published from %(from)s "
                "unless the subject waives its statement."
            ) % {"due": entry.statement_due.isoformat(), "from": (entry.statement_due + datetime.timedelta(days=1)).isoformat()}
    if entry.severity == Severity.MINOR and not entry.rule_set.minor_published:
        return gettext("Minor dishonesty is not published under the rule set %(rule_set)s.") % {"rule_set": entry.rule_set.code}
    if entry.ends_on < today:
        if entry.list_type == ListType.RED:
            return gettext("The validity of this red-list decision ended on %(end)s.") % {"end": entry.ends_on.isoformat()}
        return gettext("The publication period of this decision ended on %(end)s.") % {"end": entry.ends_on.isoformat()}
    return ""


def black_domain_refusal(list_type: str, domain: str) -> str:
    """Why an entry of ``list_type`` may not be in ``domain`` ("" when it may): the black list holds
    only the categories the national guidance names (国办发〔2020〕49号), so never "other"."""
    if list_type == ListType.BLACK and domain == Domain.OTHER:
        return gettext(
            "The black list holds only the categories the national guidance names (国办发〔2020〕49号): choose the domain of the "
            "dishonesty; “other” is not one of them."
        )
    return ""


def _may_publish_now(instance) -> bool:
    return not publication_refusal(instance)


class EntryState(models.TextChoices):
    PROPOSED = "proposed", _("proposed")  # identified; the subject not yet told
    NOTIFIED = "notified", _("notified")  # told of reasons, basis and rights; statement window open
    PUBLISHED = "published", _("published")  # on the list and the public website
    WITHDRAWN = "withdrawn", _("withdrawn")  # statement upheld before publication
    SUSPENDED = "suspended", _("suspended (objection being verified)")  # marked under verification
    REMOVED = "removed", _("removed")  # off the list (expired, repaired, revoked, corrected); kept


class RemovalReason(models.TextChoices):
    EXPIRED = "expired", _("publication period ended")
    REPAIRED = "repaired", _("credit repaired")
    REVOKED = "revoked", _("revoked")
    CORRECTED = "corrected", _("corrected")


class Source(models.TextChoices):
    PROCEDURE = "procedure", _("identification procedure")
    IMPORT = "import", _("imported decided list")


# The longest legal basis the API, the forms and the import accept.
BASIS_MAX_LENGTH = 10_000


class ListEntry(ConcurrentTransitionMixin, models.Model):
    """One subject on one list for one decision. Records are never deleted."""

    subject = models.ForeignKey("credit_platform.Subject", verbose_name=_("subject"), on_delete=models.PROTECT, related_name="list_entries")
    list_type = models.CharField(_("list"), max_length=8, choices=ListType.choices)
    # Dishonesty only (black and watch entries); a red entry has none (empty).
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices, blank=True, default="")
    domain = models.CharField(_("domain"), max_length=32, choices=Domain.choices)
    basis = models.TextField(_("legal basis"))
    decision_number = models.CharField(_("decision number"), max_length=200)
    decided_on = models.DateField(_("decision date"))
    # The decision's content (国办发〔2020〕49号: facts, basis, measures, exit conditions, remedies),
    # printed on the notice (告知书). Required when a department proposes a black entry; an imported
    # decided list may lack it (the authority that decided it served its own notice).
    facts = models.TextField(_("facts"), blank=True)
    exit_conditions = models.TextField(_("conditions and procedure for leaving the list"), blank=True)
    remedies = models.TextField(_("remedies"), blank=True, help_text=_("Objection, administrative reconsideration, litigation, and their time limits."))
    identifying_department = models.ForeignKey(
        "credit_platform.Department", verbose_name=_("identifying department"), on_delete=models.PROTECT, related_name="list_entries"
    )
    rule_set = models.ForeignKey("credit_platform.RuleSet", verbose_name=_("rule set applied"), on_delete=models.PROTECT, related_name="+")
    # The periods of a dishonesty (black and watch entries; none for a red entry).
    repair_possible_from = models.DateField(_("repair possible from (minimum period)"), null=True, blank=True)
    publication_ends_on = models.DateField(_("publication ends on (maximum period)"), null=True, blank=True)
    # A red entry's own validity (default: the rule set's months from the decision); it then leaves the list by itself.
    valid_until = models.DateField(_("valid until (red list)"), null=True, blank=True)
    # A dishonesty of the subject while red-listed: the identifying department is asked to remove the red entry.
    removal_proposed_at = models.DateTimeField(_("removal proposed at"), null=True, blank=True)
    removal_proposal_reason = models.TextField(_("why removal is proposed"), blank=True)
    state = FSMField(_("state"), default=EntryState.PROPOSED, choices=EntryState.choices, protected=True)
    state_before_suspension = models.CharField(_("state before suspension"), max_length=16, blank=True)
    # An accepted objection holds the entry (RULES.md: the clocks stop): the day the hold began, and
    # the working days every hold lasted so far, by which both periods have moved forward.
    suspended_on = models.DateField(_("held since"), null=True, blank=True)
    held_working_days = models.PositiveIntegerField(_("working days held by objections"), default=0)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices, default=Source.PROCEDURE)
    import_batch = models.ForeignKey("lists.ImportBatch", null=True, blank=True, on_delete=models.PROTECT, related_name="entries")
    # An entry decided elsewhere and received through the exchange (docs/exchange.md): the region that
    # decided it and its item id there. Such an entry is never uploaded again.
    source_region = models.CharField(_("source region"), max_length=6, blank=True)
    exchange_item_id = models.CharField(_("exchange item"), max_length=120, blank=True)

    notified_on = models.DateField(_("notified on"), null=True, blank=True)
    notify_method = models.CharField(_("how the subject was told"), max_length=200, blank=True)
    statement_due = models.DateField(_("statement window ends"), null=True, blank=True)
    statement_text = models.TextField(_("statement and defence"), blank=True)
    statement_waived = models.BooleanField(_("subject waived the statement"), default=False)
    statement_at = models.DateTimeField(_("statement recorded at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # 双公示: the decision is published within the rule set's working days (7) of its date.
    publication_due = models.DateField(_("publish by (双公示)"), null=True, blank=True)
    published_on_time = models.BooleanField(_("published on time"), null=True, blank=True)
    publication_due_provisional = models.BooleanField(
        _("publication date provisional"), default=False,
        help_text=_("Computed through a year whose official calendar was not yet known; recomputed when it is."),
    )
    withdraw_reason = models.TextField(_("reason for withdrawal"), blank=True)
    removal_reason = models.CharField(_("reason for removal"), max_length=16, choices=RemovalReason.choices, blank=True)
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("list entry")
        verbose_name_plural = _("list entries")
        ordering = ["-id"]
        permissions = [("manage_listentry", _("Can manage the entry (identifying department)"))]
        constraints = [
            # Re-importing the same decided list, or entering a decision twice, never duplicates.
            models.UniqueConstraint(fields=["subject", "list_type", "domain", "decision_number"], name="uniq_list_entry_decision"),
            # One local entry per exchange item received.
            models.UniqueConstraint(fields=["exchange_item_id"], condition=~models.Q(exchange_item_id=""), name="uniq_list_entry_exchange_item"),
            # A red entry is no dishonesty: no severity, no repair or publication period, its own validity;
            # a black or watch entry has a severity and its periods, and no validity of its own.
            models.CheckConstraint(
                condition=(
                    models.Q(list_type=ListType.RED, severity="", repair_possible_from__isnull=True, publication_ends_on__isnull=True,
                             valid_until__isnull=False)
                    | (~models.Q(list_type=ListType.RED) & ~models.Q(severity="")
                       & models.Q(repair_possible_from__isnull=False, publication_ends_on__isnull=False, valid_until__isnull=True))
                ),
                name="entry_red_validity_else_severity",
            ),
        ]
        indexes = [
            # The expiry scan: published entries whose maximum period has ended.
            models.Index(fields=["state", "publication_ends_on"], name="entry_state_pub_end_idx"),
            # The public query and the subject's page.
            models.Index(fields=["subject", "state"], name="entry_subject_state_idx"),
            models.Index(fields=["list_type", "state", "-decided_on"], name="entry_list_state_idx"),
            models.Index(fields=["identifying_department", "state"], name="entry_dept_state_idx"),
            # The expiry scan of red entries (their validity, not a publication period).
            models.Index(fields=["state", "valid_until"], name="entry_state_valid_idx", condition=models.Q(list_type=ListType.RED)),
        ]

    def __str__(self):
        # The entry's own severity, not the list's usual one ("black list (severely dishonest)").
        if self.list_type == ListType.RED or not self.severity:
            kind = self.get_list_type_display()
        else:
            kind = gettext("%(list)s (%(severity)s dishonesty)") % {
                "list": gettext("black list") if self.list_type == ListType.BLACK else gettext("watch list"),
                "severity": self.get_severity_display(),
            }
        return f"{kind} · {self.subject.name} · {self.decision_number}"

    @property
    def ends_on(self) -> datetime.date | None:
        """The last day on the list: a red entry's validity, a dishonesty's maximum publication period."""
        return self.valid_until if self.list_type == ListType.RED else self.publication_ends_on

    @property
    def removal_pending(self) -> bool:
        """A red entry on the list whose removal was proposed (a dishonesty of the subject) and not yet decided."""
        return self.list_type == ListType.RED and self.removal_proposed_at is not None and self.state in (EntryState.PUBLISHED, EntryState.SUSPENDED)

    def actions_besides_transitions(self) -> list[str]:
        """What the state opens besides its transitions (a 409 names it): the statement while the subject is heard."""
        return ["statement"] if self.state == EntryState.NOTIFIED else []

    @transition(field=state, source=EntryState.PROPOSED, target=EntryState.NOTIFIED, permission=may_manage_entry, custom={"label": _("Notify the subject")})
    def notify(self, *, on, how, statement_due):
        # Not "method": django-fsm's change_state() takes the transition method under that name.
        self.notified_on, self.notify_method, self.statement_due = on, how, statement_due

    @transition(field=state, source=EntryState.NOTIFIED, target=EntryState.PUBLISHED, permission=may_manage_entry, conditions=[_may_publish_now],
                custom={"label": _("Publish")})
    def publish(self, *, at):
        self._published(at)

    @transition(field=state, source=EntryState.PROPOSED, target=EntryState.PUBLISHED, custom=SYSTEM)
    def publish_decided(self, *, at):
        """An authoritative decided list (imported): already notified and decided elsewhere."""
        self._published(at)

    def _published(self, at):
        self.published_at = at
        if self.publication_due is not None:
            self.published_on_time = timezone.localdate(at) <= self.publication_due

    @transition(field=state, source=EntryState.NOTIFIED, target=EntryState.WITHDRAWN, permission=may_manage_entry, custom={"label": _("Withdraw")})
    def withdraw(self, *, reason):
        self.withdraw_reason = reason

    @transition(field=state, source=EntryState.PUBLISHED, target=EntryState.SUSPENDED, custom=SYSTEM)
    def suspend(self, *, on):
        self.state_before_suspension, self.suspended_on = self.state, on

    @transition(field=state, source=EntryState.SUSPENDED, target=RETURN_VALUE(EntryState.PUBLISHED), custom=SYSTEM)
    def resume(self, *, held_days=0, repair_possible_from=None, publication_ends_on=None):
        """Back on the list; the periods move forward by the ``held_days`` working days of the hold."""
        previous, self.state_before_suspension, self.suspended_on = self.state_before_suspension, "", None
        if held_days:
            self.held_working_days += held_days
            self.repair_possible_from, self.publication_ends_on = repair_possible_from, publication_ends_on
        return previous

    @transition(field=state, source=[EntryState.PUBLISHED, EntryState.SUSPENDED], target=EntryState.REMOVED, permission=may_manage_entry,
                custom={"label": _("Remove from the list")})
    def remove(self, *, at, reason):
        self.removed_at, self.removal_reason = at, reason


class ImportBatch(ImportBatchBase):
    """One upload of an authoritative decided list (CSV or XLSX) and its row-by-row report."""

    # Without a broker the cases of a large import are opened after the response, in a background
    # thread (heartbeat_at moves on with it); cases the thread did not open are opened by the sweep.
    open_cases = models.BooleanField(_("open cases"), default=True)
    cases_opening = models.BooleanField(_("cases still being opened"), default=False)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["heartbeat_at"], name="import_batch_unfinished_idx", condition=models.Q(state__in=["queued", "running"])),
        ]


class ImportRowError(ImportRowErrorBase):
    """A refused row of an import, with its reason (the downloadable report)."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="row_errors")

    class Meta:
        ordering = ["batch", "row_number"]
        indexes = [models.Index(fields=["batch", "row_number"], name="import_error_row_idx")]


class ListEntryGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(ListEntry, on_delete=models.CASCADE, related_name="group_permissions")

