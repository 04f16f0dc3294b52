"""Supervision's rows open the admin change pages through the core's admin_url, at the addresses they always had."""
from types import SimpleNamespace

from supervision.links import item_admin_url, row_admin_url
from supervision.models import SupervisedKind


def test_each_supervised_kind_opens_its_change_page():
    assert item_admin_url(SupervisedKind.ASSIGNMENT, 7) == "/admin/sanctions/assignment/7/change/"
    assert item_admin_url("objection", "8") == "/admin/objections/objection/8/change/"
    assert item_admin_url(SupervisedKind.REPAIR, 9) == "/admin/repair/repairapplication/9/change/"


def test_each_table_row_opens_its_change_page():
    row = SimpleNamespace(pk=5, assignment_id=6, objection_id=None, repair_id=None)
    assert row_admin_url("cases", row) == "/admin/sanctions/jointcase/5/change/"
    assert row_admin_url("assignments", row) == "/admin/sanctions/assignment/5/change/"
    assert row_admin_url("initiator_assignments", row) == "/admin/sanctions/assignment/5/change/"
    assert row_admin_url("objections", row) == "/admin/objections/objection/5/change/"
    assert row_admin_url("repairs", row) == "/admin/repair/repairapplication/5/change/"
    assert row_admin_url("feedback", row) == "/admin/sanctions/assignment/6/change/"
    assert row_admin_url("urges", row) == "/admin/sanctions/assignment/6/change/"
    assert row_admin_url("urges", SimpleNamespace(assignment_id=None, objection_id=3, repair_id=None)) == "/admin/objections/objection/3/change/"
    assert row_admin_url("urges", SimpleNamespace(assignment_id=None, objection_id=None, repair_id=4)) == "/admin/repair/repairapplication/4/change/"
