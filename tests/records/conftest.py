import datetime

import pytest
from django.utils import timezone

from credit_platform import demo
from records import services
from records.models import CreditRecord, RecordType
from tests.lists.conftest import api  # noqa: F401 - the same API clients, over this world
from tests.sanctions.conftest import DemoWorld

PENALTY_NUMBER = "甘示市监处罚〔2026〕15号"
LICENCE_NUMBER = "甘示市监许可〔2026〕88号"
PENALTY_BASIS = "《中华人民共和国食品安全法》第一百二十四条"
PENALTY_CONTENT = {"violation_type": "生产经营超范围使用食品添加剂的食品", "facts": "抽检不合格", "penalty_content": "警告，罚款人民币五万元"}
LICENCE_CONTENT = {"licence_name": "食品经营许可证", "licence_content": "预包装食品销售"}


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


class RecordWorld(DemoWorld):
    """The demo district with its information catalogue, and short-hands for records."""

    def type(self, code: str) -> RecordType:
        return RecordType.objects.get(code=code)

    @property
    def food_company(self):
        return self.subject("91620702MAP3MR1488")  # 示范区绿洲食品有限公司

    def penalty(self, *, actor="market", subject=None, severity="general", decision_number=PENALTY_NUMBER, decided_on=None,
                publish=False, **kwargs) -> CreditRecord:
        return services.record_create(
            actor=self.user(actor), subject=subject or self.food_company, record_type=self.type("administrative-penalty"),
            decision_number=decision_number, decided_on=decided_on or days_ago(2), severity=severity, domain="food_drug",
            basis=PENALTY_BASIS, content=kwargs.pop("content", PENALTY_CONTENT), publish=publish, **kwargs,
        )

    def licence(self, *, actor="market", subject=None, decision_number=LICENCE_NUMBER, decided_on=None, valid_until=None,
                publish=False) -> CreditRecord:
        return services.record_create(
            actor=self.user(actor), subject=subject or self.food_company, record_type=self.type("administrative-licensing"),
            decision_number=decision_number, decided_on=decided_on or days_ago(2), valid_until=valid_until,
            basis="《中华人民共和国食品安全法》第三十五条", content=LICENCE_CONTENT, publish=publish,
        )


@pytest.fixture
def world(db):
    demo.seed()
    return RecordWorld()
