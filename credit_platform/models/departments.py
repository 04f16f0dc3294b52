from django.contrib.auth.models import AbstractUser, Group
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class DepartmentQuerySet(models.QuerySet):
    def initiating(self):
        return self.filter(is_initiating=True)

    def executing(self):
        return self.filter(is_executing=True)


class DepartmentLevel(models.TextChoices):
    """The administrative level of a department, lowest first (``DepartmentLevel.rank``)."""

    TOWNSHIP = "township", _("township (乡镇、街道)")
    COUNTY = "county", _("county (县级)")
    CITY = "city", _("city (设区的市)")
    PROVINCE = "province", _("province (省级)")
    NATIONAL = "national", _("national (国家)")

    @classmethod
    def rank(cls, level: str) -> int:
        return cls.values.index(level)


# RULES.md, black list (国办发〔2020〕49号): serious dishonesty is decided at county level or above.
BLACK_LIST_MIN_LEVEL = DepartmentLevel.COUNTY


class Department(models.Model):
    """A government department taking part in joint rewards and punishments.

    Each department owns a Django Group: object permissions are granted to that group, and every
    user of the department is a member of it (see services.user_set_department).
    """

    code = models.SlugField(_("code"), max_length=64, unique=True, help_text=_("Stable code used by the API and departmental systems."))
    name = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    region_code = models.CharField(_("region code"), max_length=12, blank=True)
    level = models.CharField(
        _("administrative level"), max_length=16, choices=DepartmentLevel.choices, default=DepartmentLevel.COUNTY,
        help_text=_("Black-list decisions are made only at county level or above (国办发〔2020〕49号)."),
    )
    is_credit_office = models.BooleanField(_("credit office"), default=False)
    is_leadership_office = models.BooleanField(_("leadership office"), default=False)
    is_initiating = models.BooleanField(_("initiating department"), default=False)
    is_executing = models.BooleanField(_("executing department"), default=False)
    group = models.OneToOneField(Group, verbose_name=_("group"), on_delete=models.PROTECT, related_name="department")
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=50, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    webhook_url = models.URLField(_("webhook URL"), blank=True)
    webhook_secret = models.CharField(_("webhook secret"), max_length=128, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["code"]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        if get_language() and get_language().startswith("en") and self.name_en:
            return self.name_en
        return self.name

    @property
    def decides_black_list(self) -> bool:
        """County level or above: a black-list decision may come from this department."""
        return DepartmentLevel.rank(self.level) >= DepartmentLevel.rank(BLACK_LIST_MIN_LEVEL)

    @property
    def roles(self) -> list[str]:
        flags = [
            ("credit_office", self.is_credit_office),
            ("leadership_office", self.is_leadership_office),
            ("initiating", self.is_initiating),
            ("executing", self.is_executing),
        ]
        return [role for role, held in flags if held]


class User(AbstractUser):
    """A platform user; every working user belongs to exactly one department."""

    department = models.ForeignKey(
        Department, verbose_name=_("department"), null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("user")
        verbose_name_plural = _("users")
