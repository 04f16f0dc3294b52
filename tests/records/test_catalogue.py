"""The information catalogue: forbidden categories refused as whole terms, consent categories need
consent, and only the credit office manages it (征信业管理条例 第十四条)."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from credit_platform.models import AuditEvent
from records import catalogue, services
from records.models import RecordType


def field(name, label, required=False):
    return {"name": name, "label": label, "required": required}


@pytest.mark.parametrize("name, label", [
    ("blood_type", "血型"),
    ("bt", "血型"),
    ("bloodType", "类别"),
    ("x", "Blood type"),
    ("religion", "信仰"),
    ("belief", "宗教信仰"),
    ("gene", "基因"),
    ("dna", "基因信息"),
    ("fingerprints", "指纹"),
    ("prints", "申请人指纹"),
    ("illness", "病"),
    ("diseases", "疾病"),
    ("history", "病史"),
    ("medical_history", "既往"),
])
def test_a_field_naming_a_forbidden_category_is_refused_with_the_rule(world, name, label):
    with pytest.raises(ValidationError) as exc:
        services.record_type_create(
            actor=world.user("credit_office"), code="t1", name="测试", kind="basic", fields=[field(name, label)],
        )

    message = " ".join(exc.value.message_dict["fields"])
    assert "征信业管理条例 第十四条" in message
    assert not RecordType.objects.filter(code="t1").exists()


@pytest.mark.parametrize("name, label", [
    ("gmo_licence", "转基因生物安全证书"),
    ("gmo", "转基因"),
    ("venue", "宗教活动场所"),
    ("general_manager", "总经理"),
    ("genealogy", "族谱"),
    ("disease_control", "防疫"),
])
def test_words_that_only_contain_a_forbidden_term_pass(world, name, label):
    record_type = services.record_type_create(
        actor=world.user("credit_office"), code="t2", name="转基因生物安全审批", kind="licensing", fields=[field(name, label)],
    )

    assert record_type.pk


def test_a_consent_category_needs_the_consent_flag(world):
    office = world.user("credit_office")
    fields = [field("annual_income", "年收入")]

    with pytest.raises(ValidationError) as exc:
        services.record_type_create(actor=office, code="t3", name="收入证明", kind="basic", fields=fields)
    assert "written consent" in " ".join(exc.value.message_dict["fields"])

    assert services.record_type_create(actor=office, code="t3", name="收入证明", kind="basic", fields=fields, needs_consent=True).needs_consent


def test_only_the_credit_office_manages_the_catalogue_and_each_change_is_audited(world):
    with pytest.raises(PermissionDenied):
        services.record_type_create(actor=world.user("market"), code="t4", name="测试", kind="basic")
    record_type = services.record_type_create(actor=world.user("credit_office"), code="t4", name="测试", kind="basic",
                                              departments=[world.department("market")])

    services.record_type_update(record_type=record_type, actor=world.user("credit_office"), public=True, fields=[field("note", "备注")])

    actions = list(AuditEvent.objects.filter(object_id=str(record_type.pk), action__startswith="record_type_").values_list("action", flat=True))
    assert actions == ["record_type_created", "record_type_changed"]
    with pytest.raises(ValidationError):
        services.record_type_update(record_type=record_type, actor=world.user("credit_office"), fields=[field("blood", "血型")])
    record_type.refresh_from_db()
    assert record_type.fields == [field("note", "备注")]


def test_the_matching_is_on_whole_terms():
    assert catalogue.forbidden_category("BloodType") == ("血型", "blood type")
    assert catalogue.forbidden_category("个人病史信息") == ("病史", "medical history")
    assert catalogue.forbidden_category("转基因") is None
    assert catalogue.forbidden_category("generic") is None
    assert catalogue.consent_category("tax_amount") == ("纳税数额", "tax amount")


def test_the_demo_catalogue_is_seeded_once(world):
    from credit_platform import demo

    again = demo.seed()

    assert again["record_types"] == 0
    penalty = RecordType.objects.get(code="administrative-penalty")
    assert penalty.kind == "penalty" and penalty.public
    assert "market" in set(penalty.departments.values_list("code", flat=True))
    assert RecordType.objects.get(code="tax-arrears").needs_consent
