"""Amending a live case in the admin: the 变更措施 button and its form, the history on the case page,
and the executing department confirming a withdrawn measure lifted on its push's page."""
from sanctions import services
from sanctions.models import Assignment, CaseState, Measure, MeasureLifting
from tests.sanctions.test_admin_cases import buttons_on, case_url, messages_of


def _ids(*codes):
    return [str(pk) for pk in Measure.objects.filter(code__in=codes).values_list("pk", flat=True)]


def _case(world):
    return world.pushed_case(measures=list(Measure.objects.filter(code__in=["P-FIN-01", "P-CRD-01", "P-CRD-02"])))


def test_the_initiating_department_amends_the_case_through_its_button(world, client):
    case = _case(world)
    client.force_login(world.user("court"))
    assert "amend" in buttons_on(client.get(case_url(case)).content.decode())

    form = client.get(case_url(case, "amend"))
    assert form.status_code == 200
    offered_add = {str(m.pk) for m in form.context["form"].fields["add_measures"].queryset}
    assert _ids("P-TRD-01")[0] in offered_add and _ids("P-FIN-01")[0] not in offered_add  # the memorandum's, not yet on the case
    assert {str(m.pk) for m in form.context["form"].fields["withdraw_measures"].queryset} == set(_ids("P-FIN-01", "P-CRD-01", "P-CRD-02"))

    refused = client.post(case_url(case, "amend"), {"reason": "x"})
    assert refused.status_code == 200 and "add_measures" in refused.context["form"].errors

    done = client.post(case_url(case, "amend"), {"add_measures": _ids("P-TRD-01"), "withdraw_measures": _ids("P-CRD-02"), "reason": "补充招投标限制"}, follow=True)

    assert done.status_code == 200
    assert any("amended" in m for m in messages_of(done))
    page = done.content.decode()
    assert 'id="case-amendments"' in page and "补充招投标限制" in page and "P-TRD-01" in page
    assert Assignment.objects.filter(case=case, department__code="trading", amendment__isnull=False).count() == 1
    assert MeasureLifting.objects.filter(assignment__case=case, measure__code="P-CRD-02").count() == 1


def test_who_does_not_manage_the_case_has_no_amend_button_and_cannot_post_it(world, client):
    case = _case(world)
    client.force_login(world.user("finance"))  # sees the case: a push of it is its own
    assert "amend" not in buttons_on(client.get(case_url(case)).content.decode())
    response = client.post(case_url(case, "amend"), {"add_measures": _ids("P-TRD-01"), "reason": "x"}, follow=True)
    assert response.status_code == 200
    assert not case.amendments.exists()

    client.force_login(world.user("tax"))  # does not see it: as a missing case
    assert client.post(case_url(case, "amend"), {"add_measures": _ids("P-TRD-01"), "reason": "x"}).status_code in (302, 404)
    assert not case.amendments.exists()


def test_a_held_or_ended_case_offers_no_amendment(world, client):
    case = _case(world)
    services.case_suspend(case=case, actor=world.user("court"), reason="异议核查")
    client.force_login(world.user("court"))
    assert "amend" not in buttons_on(client.get(case_url(case)).content.decode())
    response = client.post(case_url(case, "amend"), {"add_measures": _ids("P-TRD-01"), "reason": "x"}, follow=True)
    assert any("live case" in m for m in messages_of(response))
    case.refresh_from_db()
    assert case.state == CaseState.SUSPENDED and not case.amendments.exists()


def test_the_department_confirms_the_withdrawn_measure_on_its_push_page(world, client):
    case = _case(world)
    services.case_amend(case=case, actor=world.user("court"), add_measures=[], withdraw_measures=list(Measure.objects.filter(code="P-CRD-02")), reason="不再适用")
    push = Assignment.objects.get(case=case, department__code="credit_office")
    url = f"/admin/sanctions/assignment/{push.pk}/"

    client.force_login(world.user("court"))  # sees the push, does not work it
    assert "confirm_measure_lift" not in buttons_on(client.get(f"{url}change/").content.decode())

    client.force_login(world.user("credit_office"))
    page = client.get(f"{url}change/").content.decode()
    assert "confirm_measure_lift" in buttons_on(page) and "P-CRD-02" in page
    done = client.post(f"{url}do/confirm_measure_lift/", {"measure": _ids("P-CRD-02")[0]}, follow=True)
    assert done.status_code == 200
    assert MeasureLifting.objects.get(assignment=push).confirmed_at is not None
    assert "confirm_measure_lift" not in buttons_on(done.content.decode())


def test_the_amendment_pages_render_in_chinese(world, client):
    case = _case(world)
    services.case_amend(case=case, actor=world.user("court"), add_measures=[], withdraw_measures=list(Measure.objects.filter(code="P-CRD-02")), reason="不再适用")
    client.force_login(world.user("court"))
    page = client.get(case_url(case), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "变更措施" in page and "变更记录" in page
    assert "拟增加的措施" in client.get(case_url(case, "amend"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
