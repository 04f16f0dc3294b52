"""批准 (approve) of a credit repair asks for confirmation first and says what follows: the entry
leaves the list and the measures are lifted in N departments."""
from repair.models import RepairState
from sanctions.models import Assignment
from tests.repair.test_admin import application_url, apply, entry  # noqa: F401 - the fixture


def test_approve_asks_for_confirmation_and_names_the_departments_that_lift(world, client, entry):  # noqa: F811
    application = apply(world, entry)
    client.force_login(world.user("court"))
    client.post(application_url(application, "accept"))

    page = client.get(application_url(application)).content.decode()
    assert f'href="{application_url(application, "approve")}" data-action="approve"' in page

    confirm = client.get(application_url(application, "approve")).content.decode()
    application.refresh_from_db()
    assert application.state == RepairState.REVIEWING
    departments = Assignment.objects.filter(case__list_entry_id=entry.pk).values("department_id").distinct().count()
    assert departments > 1
    assert f"the measures are lifted in {departments} departments" in confirm
    assert entry.decision_number in confirm

    client.post(application_url(application, "approve"))
    application.refresh_from_db()
    assert application.state == RepairState.APPROVED
