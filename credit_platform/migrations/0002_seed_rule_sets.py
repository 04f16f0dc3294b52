"""Seed the two national rule sets (RULES.md), idempotently (update_or_create by code).

Names and sources are data, in the language of the documents they cite. A migration runs once per
database, so the credit office's later edits in the admin (a province's own deadlines) are kept.
"""
import datetime

from django.db import migrations

COMMON = {
    # Publication periods (months from the decision date)
    "minor_published": False,  # not published in principle; at most 3 months if it is
    "minor_min_months": 0,
    "minor_max_months": 3,
    "general_min_months": 3,
    "general_max_months": 12,
    "severe_min_months": 12,
    "severe_max_months": 36,
    # Listing procedure (working days)
    "statement_window_days": 5,
    "publication_due_days": 7,
    "watch_domains_threshold": 3,
    # Executing departments (working days)
    "sign_for_days": 1,
    "feedback_days": 5,
    "lift_confirm_days": 3,
    # Objections (working days)
    "objection_accept_days": 1,
    "objection_verify_days": 5,
    "objection_extension_days": 5,
    # Credit repair
    "repair_answer_days": 10,
    "repair_decide_days": 3,
    "repair_bar_months": 36,
}

RULE_SETS = [
    {
        "code": "order-58",
        "name": "《失信行为纠正后的信用信息修复管理办法（试行）》（国家发展改革委令第58号）",
        # 58号令 itself took effect on 2023-05-01; the rule set starts on 2016-05-30 (国发〔2016〕33号)
        # so that entries decided under the earlier practice get periods and deadlines too.
        "effective_from": datetime.date(2016, 5, 30),
        "source": (
            "国家发展改革委令第58号（2023年5月1日施行）；适用于2026年4月1日前作出认定的失信信息，"
            "含58号令施行前按国发〔2016〕33号等文件的做法"
        ),
        **COMMON,
        "severe_repair_requires_training": False,
        "non_repairable_domains": [],
    },
    {
        "code": "order-36",
        "name": "《信用修复管理办法》（国家发展改革委令第36号）",
        "effective_from": datetime.date(2026, 4, 1),
        "source": "国家发展改革委令第36号、国办发〔2025〕22号；2026年4月1日起施行，取代58号令",
        **COMMON,
        "severe_repair_requires_training": True,
        "non_repairable_domains": ["internet_fraud", "illegal_fundraising", "counterfeit_vaccines"],
    },
]


def seed_rule_sets(apps, schema_editor):
    RuleSet = apps.get_model("credit_platform", "RuleSet")
    for values in RULE_SETS:
        values = dict(values)
        RuleSet.objects.update_or_create(code=values.pop("code"), defaults=values)


class Migration(migrations.Migration):
    dependencies = [("credit_platform", "0001_initial")]

    operations = [migrations.RunPython(seed_rule_sets, migrations.RunPython.noop)]
