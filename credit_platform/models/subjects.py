from django.db import models
from django.utils.translation import gettext_lazy as _

from credit_platform import identifiers


class SubjectKind(models.TextChoices):
    LEGAL_PERSON = "legal_person", _("legal person")
    OTHER_ORG = "other_org", _("unincorporated organisation")
    INDIVIDUAL_BUSINESS = "individual_business", _("individual business")
    NATURAL_PERSON = "natural_person", _("natural person")

    @classmethod
    def organisations(cls):
        return [cls.LEGAL_PERSON, cls.OTHER_ORG, cls.INDIVIDUAL_BUSINESS]


class Subject(models.Model):
    """A credit subject (信用主体): an organisation with a unified social credit code, or a person."""

    kind = models.CharField(_("kind"), max_length=32, choices=SubjectKind.choices)
    name = models.CharField(_("name"), max_length=200, db_index=True)
    identifier = models.CharField(
        _("identifier"),
        max_length=18,
        unique=True,
        help_text=_("Unified social credit code for organisations, citizen ID number for persons."),
    )
    # Derived from the citizen ID; minors are never published.
    birth_date = models.DateField(_("birth date"), null=True, blank=True, editable=False)
    # The department whose clerk registered the subject: a registration is work about a person
    # (credit_platform.selectors: need-to-know), so the registrant finds the person it entered.
    registered_by = models.ForeignKey(
        "credit_platform.Department", verbose_name=_("registered by"), null=True, blank=True, editable=False,
        on_delete=models.PROTECT, related_name="+",
    )
    is_watch_flagged = models.BooleanField(_("flagged: watch lists in several domains"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("subject")
        verbose_name_plural = _("subjects")
        ordering = ["id"]

    def __str__(self):
        return f"{self.name} ({self.identifier})"

    @property
    def is_person(self) -> bool:
        return self.kind == SubjectKind.NATURAL_PERSON

    @property
    def is_organisation(self) -> bool:
        return not self.is_person

    def clean(self):
        # Normalise and validate in one place; services call full_clean() before saving.
        self.identifier = identifiers.normalise(self.identifier)
        if self.kind:
            self.birth_date = identifiers.validate_for_kind(self.identifier, self.kind, field="identifier")


class ResponsiblePerson(models.Model):
    """Links an organisation to a natural person responsible for it (落实到人)."""

    class Role(models.TextChoices):
        LEGAL_REPRESENTATIVE = "legal_representative", _("legal representative")
        PRINCIPAL = "principal", _("principal")
        DIRECTLY_RESPONSIBLE = "directly_responsible", _("directly responsible person")

    organisation = models.ForeignKey(
        Subject, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="responsible_persons"
    )
    person = models.ForeignKey(Subject, verbose_name=_("person"), on_delete=models.PROTECT, related_name="responsible_for")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)

    class Meta:
        verbose_name = _("responsible person")
        verbose_name_plural = _("responsible persons")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "person", "role"], name="uniq_responsible_person_role"),
        ]

    def __str__(self):
        return f"{self.person.name} – {self.get_role_display()}"
