import datetime

import pytest

from credit_platform import demo
from credit_platform.models import Department, Subject, User
from sanctions import services
from sanctions.models import Memorandum


class DemoWorld:
    """The demo district, with short-hands for the users and objects the tests use."""

    def user(self, code: str) -> User:
        return User.objects.select_related("department").get(username=code)

    def department(self, code: str) -> Department:
        return Department.objects.get(code=code)

    def subject(self, identifier: str) -> Subject:
        return Subject.objects.get(identifier=identifier)

    def memorandum(self, code: str) -> Memorandum:
        return Memorandum.objects.get(code=code)

    @property
    def company(self) -> Subject:
        # 示范区金川建筑工程有限公司, legal representative 王建国
        return self.subject("91620702MAQJWYL7XF")

    def defaulter_case(self, *, subject=None, actor="court", measures=None):
        return services.case_create(
            actor=self.user(actor),
            subject=subject or self.company,
            kind="punishment",
            memorandum=self.memorandum("judgement-defaulters"),
            basis="（2026）甘0702执123号 失信被执行人",
            basis_document="（2026）甘0702执123号",
            period_start=datetime.date(2026, 11, 1),
            period_end=datetime.date(2029, 10, 31),
            measures=measures,
        )

    def pushed_case(self, **kwargs):
        case = self.defaulter_case(**kwargs)
        court = self.user(kwargs.get("actor", "court"))
        services.case_initiate(case=case, actor=court)
        return services.case_push(case=case, actor=court)


@pytest.fixture
def world(db):
    demo.seed()
    return DemoWorld()
