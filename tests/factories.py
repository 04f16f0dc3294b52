"""factory_boy factories that go through the services, so every object is one the platform could make.

    dept = DepartmentFactory(roles=["initiating"])
    user = UserFactory(department=dept)          # member of dept's group
    org = SubjectFactory()                       # legal person, valid unified social credit code
    person = PersonFactory()                     # natural person, valid citizen ID
"""
import datetime

import factory

from credit_platform import identifiers, services
from credit_platform.models import Department, Subject, SubjectKind, User

PASSWORD = "test-pass-2026"


def make_uscc(n: int, division: str = "110105") -> str:
    """A valid unified social credit code, distinct for each ``n``: 91 + division + 9-char body + check."""
    charset = identifiers.USCC_CHARSET
    body = ""
    for _i in range(9):
        n, digit = divmod(n, len(charset))
        body = charset[digit] + body
    first17 = f"91{division}{body}"
    return first17 + identifiers.uscc_check_character(first17)


def make_citizen_id(n: int, birth: datetime.date = datetime.date(1980, 1, 1), division: str = "110105") -> str:
    """A valid citizen ID, distinct for each ``n`` (up to 1000 per birth date)."""
    birth = birth + datetime.timedelta(days=n // 1000)
    first17 = f"{division}{birth:%Y%m%d}{n % 1000:03d}"
    return first17 + identifiers.citizen_id_check_character(first17)


class DepartmentFactory(factory.Factory):
    """Through ``services.department_upsert``: a department with its own group."""

    class Meta:
        model = Department

    code = factory.Sequence(lambda n: f"dept-{n}")
    name = factory.Sequence(lambda n: f"部门{n}")
    name_en = factory.Sequence(lambda n: f"Department {n}")
    roles = ("initiating", "executing")
    parent = None

    @classmethod
    def _create(cls, model_class, *, code, name, name_en, roles, parent, **fields):
        department, _created = services.department_upsert(
            code=code, name=name, name_en=name_en, roles=list(roles), parent=parent, **fields
        )
        return department

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        raise NotImplementedError("A department needs its group: use DepartmentFactory() (create).")

    class Params:
        credit_office = factory.Trait(code="credit-office", name="信用办", name_en="Credit office", roles=("credit_office",))
        leadership = factory.Trait(
            code="leadership", name="领导小组办公室", name_en="Leadership office", roles=("leadership_office",)
        )


class UserFactory(factory.django.DjangoModelFactory):
    """A user of ``department`` (a new initiating+executing one unless given; ``department=None`` for none)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.gov.cn")
    password = factory.django.Password(PASSWORD)
    department = factory.SubFactory(DepartmentFactory)

    @factory.post_generation
    def membership(user, create, extracted, **kwargs):
        # The service puts the user in exactly its department's group.
        if create:
            services.user_set_department(user=user, department=user.department)


class SubjectFactory(factory.Factory):
    """Through ``services.subject_create``; an organisation (legal person) by default."""

    class Meta:
        model = Subject

    kind = SubjectKind.LEGAL_PERSON
    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")
    identifier = factory.LazyAttributeSequence(
        lambda o, n: make_citizen_id(n) if o.kind == SubjectKind.NATURAL_PERSON else make_uscc(n + 1)
    )

    @classmethod
    def _create(cls, model_class, *, kind, identifier, name, actor=None):
        return services.subject_create(kind=kind, identifier=identifier, name=name, actor=actor)


class PersonFactory(SubjectFactory):
    kind = SubjectKind.NATURAL_PERSON
    name = factory.Sequence(lambda n: f"张{n}")
