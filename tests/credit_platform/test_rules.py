import datetime
import importlib
from datetime import date

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.urls import reverse

from credit_platform.models import AuditEvent, RuleSet, User
from credit_platform.rules import publication_bounds, rule_set_in_force, rule_set_save

seed = importlib.import_module("credit_platform.migrations.0002_seed_rule_sets")


@pytest.mark.django_db
def test_seeded_rule_sets_carry_the_national_values():
    order_58, order_36 = RuleSet.objects.get(code="order-58"), RuleSet.objects.get(code="order-36")
    assert order_58.effective_from == date(2016, 5, 30)
    assert "2026年4月1日前" in order_58.source
    assert order_36.effective_from == date(2026, 4, 1)
    for rule_set in (order_58, order_36):
        assert (rule_set.general_min_months, rule_set.general_max_months) == (3, 12)
        assert (rule_set.severe_min_months, rule_set.severe_max_months) == (12, 36)
        assert (rule_set.minor_published, rule_set.minor_min_months, rule_set.minor_max_months) == (False, 0, 3)
        assert (rule_set.sign_for_days, rule_set.feedback_days, rule_set.lift_confirm_days) == (1, 5, 3)
        assert (rule_set.objection_accept_days, rule_set.objection_verify_days, rule_set.objection_extension_days) == (1, 5, 5)
        assert (rule_set.repair_answer_days, rule_set.repair_decide_days, rule_set.repair_bar_months) == (10, 3, 36)
    assert not order_58.severe_repair_requires_training and order_58.non_repairable_domains == []
    assert order_36.severe_repair_requires_training
    assert order_36.non_repairable_domains == ["internet_fraud", "illegal_fundraising", "counterfeit_vaccines"]


@pytest.mark.django_db
def test_seed_migration_is_idempotent():
    RuleSet.objects.filter(code="order-36").update(feedback_days=9)

    seed.seed_rule_sets(apps, None)
    seed.seed_rule_sets(apps, None)

    assert RuleSet.objects.count() == 2
    assert RuleSet.objects.get(code="order-36").feedback_days == 5


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "code"),
    [
        (date(2026, 3, 31), "order-58"),
        (date(2026, 4, 1), "order-36"),
        (date(2027, 6, 1), "order-36"),
        (date(2019, 7, 15), "order-58"),
        (date(2010, 1, 4), "order-58"),  # before every rule set: the earliest
    ],
)
def test_rule_set_in_force(day, code):
    assert rule_set_in_force(day).code == code


@pytest.mark.django_db
def test_rule_set_in_force_takes_the_local_date_of_a_datetime():
    # 2026-03-31 16:30 UTC is already 1 April in Beijing.
    decided_at = datetime.datetime(2026, 3, 31, 16, 30, tzinfo=datetime.timezone.utc)
    assert rule_set_in_force(decided_at).code == "order-36"


@pytest.mark.django_db
def test_rule_set_in_force_without_any_rule_set_is_a_configuration_error():
    RuleSet.objects.all().delete()
    with pytest.raises(ImproperlyConfigured):
        rule_set_in_force(date(2026, 4, 1))


@pytest.mark.django_db
def test_publication_bounds_by_severity():
    order_36 = RuleSet.objects.get(code="order-36")
    assert publication_bounds(order_36, "general", date(2026, 4, 15)) == (date(2026, 7, 15), date(2027, 4, 15))
    assert publication_bounds(order_36, "severe", date(2026, 4, 15)) == (date(2027, 4, 15), date(2029, 4, 15))
    assert publication_bounds(order_36, "minor", date(2026, 4, 15)) == (date(2026, 4, 15), date(2026, 7, 15))


def test_publication_bounds_clamp_to_the_end_of_shorter_months():
    one_month = RuleSet(general_min_months=1, general_max_months=13, severe_min_months=12, severe_max_months=36)
    assert publication_bounds(one_month, "general", date(2026, 1, 31)) == (date(2026, 2, 28), date(2027, 2, 28))
    assert publication_bounds(one_month, "general", date(2028, 1, 31)) == (date(2028, 2, 29), date(2029, 2, 28))
    assert publication_bounds(one_month, "general", date(2026, 3, 31)) == (date(2026, 4, 30), date(2027, 4, 30))
    # A decision of 29 February: one and three years later there is no 29 February.
    assert publication_bounds(one_month, "severe", date(2028, 2, 29)) == (date(2029, 2, 28), date(2031, 2, 28))


def test_publication_bounds_refuse_an_unknown_severity():
    with pytest.raises(ValueError):
        publication_bounds(RuleSet(), "serious", date(2026, 1, 31))


@pytest.mark.django_db
def test_rule_set_save_audits_the_changed_fields():
    clerk = User.objects.create_user(username="rules-clerk", password="x")
    rule_set = RuleSet.objects.get(code="order-36")
    rule_set.feedback_days = 7

    rule_set_save(rule_set=rule_set, actor=clerk)

    assert RuleSet.objects.get(code="order-36").feedback_days == 7
    event = AuditEvent.objects.get(object_id=str(rule_set.pk), action="rule_set_changed")
    assert event.extra == {"changes": {"feedback_days": [5, 7]}}
    assert event.actor == clerk


@pytest.mark.django_db
def test_rule_set_save_refuses_a_minimum_above_the_maximum():
    rule_set = RuleSet.objects.get(code="order-36")
    rule_set.general_min_months = 13

    with pytest.raises(ValidationError) as caught:
        rule_set_save(rule_set=rule_set, actor=None)

    assert "general_min_months" in caught.value.message_dict
    assert RuleSet.objects.get(code="order-36").general_min_months == 3
    assert not AuditEvent.objects.filter(action="rule_set_changed").exists()


@pytest.mark.django_db
def test_admin_edits_a_rule_set_through_the_service(client, dept_user):
    clerk = dept_user(roles=["credit_office"], is_staff=True)
    rule_set = RuleSet.objects.get(code="order-36")
    client.force_login(clerk)
    url = reverse("admin:credit_platform_ruleset_change", args=[rule_set.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {name: ("on" if value is True else "" if value is False else value) for name, value in data.items()}

    response = client.post(url, {**data, "feedback_days": "7"})

    assert response.status_code == 302
    assert RuleSet.objects.get(pk=rule_set.pk).feedback_days == 7
    event = AuditEvent.objects.get(object_id=str(rule_set.pk), action="rule_set_changed")
    assert event.actor == clerk and event.extra == {"changes": {"feedback_days": [5, 7]}}

    refused = client.post(url, {**data, "general_min_months": "13"})
    assert refused.status_code == 200
    assert RuleSet.objects.get(pk=rule_set.pk).general_min_months == 3


@pytest.mark.django_db
def test_admin_rule_sets_are_read_only_for_the_leadership_office(client, dept_user):
    leader = dept_user(roles=["leadership_office"], is_staff=True)
    rule_set = RuleSet.objects.get(code="order-36")
    client.force_login(leader)

    assert client.get(reverse("admin:credit_platform_ruleset_change", args=[rule_set.pk])).status_code == 200
    response = client.post(reverse("admin:credit_platform_ruleset_change", args=[rule_set.pk]), {"feedback_days": "9"})
    assert response.status_code == 403
    assert RuleSet.objects.get(pk=rule_set.pk).feedback_days == 5
