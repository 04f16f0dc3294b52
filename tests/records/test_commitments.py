"""Credit commitments (信用承诺) over the API: recorded, fulfilled, breached; what each department sees
(404), may move (403), the illegal moves (409); a breach's published dishonesty record in the credit
file and the public 双公示 query (when its type is public), and the notice to revoke the approval."""
from credit_platform.models import Notification
from records import services
from records.models import Commitment, CreditRecord, RecordType
from tests.records.test_admin import buttons_on

COMMITMENTS = "/api/v1/commitments/"


def body(world, **overrides) -> dict:
    values = {
        "subject": world.food_company.pk, "kind": "notice_commitment", "matter": "食品经营许可（告知承诺制）",
        "business_reference": "SP2026-0815", "promised": "六个月内补齐场所平面图和设备布局图", "due_on": "2027-05-31",
    }
    values.update(overrides)
    return values


def test_a_department_records_a_commitment_and_finds_it_fulfilled(world, api):
    market = api("market")
    created = market.post(COMMITMENTS, body(world), format="json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert (data["state"], data["department"], data["public"], data["kind"]) == ("in_force", "market", True, "notice_commitment")
    assert data["allowed_transitions"] == ["breach", "fulfil"]
    listed = market.get(COMMITMENTS, {"subject": world.food_company.pk, "state": "in_force"}).json()["results"]
    assert [row["id"] for row in listed] == [data["id"]]
    assert market.get(COMMITMENTS, {"state": "fulfilled"}).json()["results"] == []

    fulfilled = market.post(f"{COMMITMENTS}{data['id']}/fulfil/")
    assert fulfilled.status_code == 200, fulfilled.content
    assert (fulfilled.json()["state"], fulfilled.json()["allowed_transitions"]) == ("fulfilled", [])
    again = market.post(f"{COMMITMENTS}{data['id']}/breach/", {"reason": "未补齐材料"}, format="json")
    assert again.status_code == 409 and again.json()["state"] == "fulfilled"
    assert not CreditRecord.objects.filter(subject=world.food_company, record_type__code="commitment-breach").exists()


def test_who_sees_and_who_moves_a_commitment(world, api):
    market = api("market")
    public = market.post(COMMITMENTS, body(world), format="json").json()
    private = market.post(COMMITMENTS, body(world, kind="repair", matter="信用修复承诺"), format="json").json()
    assert private["public"] is False  # a repair commitment is not public by default
    tax = api("tax")
    assert tax.get(f"{COMMITMENTS}{public['id']}/").status_code == 200
    assert tax.get(f"{COMMITMENTS}{private['id']}/").status_code == 404
    assert {row["id"] for row in tax.get(COMMITMENTS).json()["results"]} == {public["id"]}
    assert tax.post(f"{COMMITMENTS}{private['id']}/fulfil/").status_code == 404
    assert tax.post(f"{COMMITMENTS}{public['id']}/fulfil/").status_code == 403
    assert tax.post(f"{COMMITMENTS}{public['id']}/breach/", {"reason": "x"}, format="json").status_code == 403
    leadership = api("leadership_office")
    assert leadership.get(f"{COMMITMENTS}{private['id']}/").status_code == 200
    assert leadership.post(f"{COMMITMENTS}{private['id']}/fulfil/").status_code == 403
    assert leadership.post(COMMITMENTS, body(world), format="json").status_code == 403
    assert api("credit_office").post(f"{COMMITMENTS}{private['id']}/fulfil/").status_code == 200
    assert api(None).get(COMMITMENTS).status_code == 401
    assert market.post(COMMITMENTS, body(world, kind="nonsense", matter=""), format="json").json().keys() == {"kind", "matter"}


def test_a_breach_publishes_a_dishonesty_record_and_asks_for_the_approval_to_be_revoked(world, api, django_capture_on_commit_callbacks):
    market = api("market")
    commitment = market.post(COMMITMENTS, body(world), format="json").json()
    assert market.post(f"{COMMITMENTS}{commitment['id']}/breach/", {"reason": ""}, format="json").status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        breached = market.post(f"{COMMITMENTS}{commitment['id']}/breach/", {"reason": "逾期未补齐材料，现场核查不符"}, format="json")
    assert breached.status_code == 200, breached.content
    assert (breached.json()["state"], breached.json()["breach_reason"]) == ("breached", "逾期未补齐材料，现场核查不符")
    record = CreditRecord.objects.get(pk=breached.json()["breach_record"])
    assert (record.record_type.code, record.record_type.kind, record.state, record.department.code) == (
        "commitment-breach", "dishonesty", "published", "market")
    assert record.content == {"matter": "食品经营许可（告知承诺制）", "breach": "逾期未补齐材料，现场核查不符"}
    notice = Notification.objects.get(verb="commitment_breached")
    assert notice.department.code == "market" and "食品经营许可（告知承诺制）" in notice.title
    assert market.post(f"{COMMITMENTS}{commitment['id']}/fulfil/").status_code == 409

    # Another department's credit file shows the commitment and the published record of its breach.
    file = api("tax").get(f"/api/v1/subjects/{world.food_company.pk}/credit-file/").json()
    assert [row["state"] for row in file["commitments"]] == ["breached"]
    assert [row["id"] for row in file["records"]["dishonesty"]] == [record.pk]
    # The public 双公示 query lists licensing and penalty decisions only (DESIGN.md): never the breach record.
    public = api(None).get("/api/v1/public/records/", {"q": world.food_company.identifier}).json()["results"]
    assert record.decision_number not in {row["decision_number"] for row in public}
    RecordType.objects.filter(code="commitment-breach").update(public=False)
    file = api("tax").get(f"/api/v1/subjects/{world.food_company.pk}/credit-file/").json()
    assert file["records"]["dishonesty"] == []  # no longer public: the record's own department alone sees it
    assert Commitment.objects.get(pk=commitment["id"]).breached_on is not None


def test_the_admin_shows_a_department_its_commitments_and_breaches_through_the_button(world, client):
    commitment = services.commitment_create(
        actor=world.user("market"), subject=world.food_company, kind="repair", matter="信用修复承诺", promised="按期整改",
    )
    url = f"/admin/records/commitment/{commitment.pk}/"
    client.force_login(world.user("tax"))
    assert client.get(f"{url}change/").status_code in (302, 404)
    assert client.get("/admin/records/commitment/").status_code == 200
    assert "信用修复承诺" not in client.get("/admin/records/commitment/").content.decode()
    client.force_login(world.user("market"))
    page = client.get(f"{url}change/")
    assert page.status_code == 200 and buttons_on(page.content.decode()) == {"fulfil", "breach"}
    assert client.post(f"{url}do/breach/", {"reason": "未按期整改"}).status_code == 302
    commitment.refresh_from_db()
    assert (commitment.state, commitment.breach_record.state) == ("breached", "published")
