import pytest
from django.core.management import call_command

from credit_platform.models import AuditEvent, Department, ResponsiblePerson, Subject, User


def _counts():
    return {
        "departments": Department.objects.count(),
        "users": User.objects.count(),
        "subjects": Subject.objects.count(),
        "links": ResponsiblePerson.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


@pytest.mark.django_db
def test_seed_demo_twice_changes_nothing():
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    first = _counts()
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert _counts() == first
    assert first["departments"] == 15
    assert first["subjects"] == 23


@pytest.mark.django_db
def test_seed_demo_creates_department_users_in_their_groups():
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    court = User.objects.get(username="court")
    assert court.check_password("demo-pass-2026")
    assert court.department.code == "court"
    assert court.groups.filter(pk=court.department.group_id).exists()
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="leader").department.is_leadership_office
    company = Subject.objects.get(identifier="91620702MAQJWYL7XF")
    assert company.responsible_persons.get().person.identifier == "620702197804128519"
