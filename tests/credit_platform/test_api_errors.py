"""The one exception mapping: domain errors become the documented 400/403/404/409 answers, never a 500."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.test.utils import isolate_apps
from django_fsm import ConcurrentTransition, FSMField, TransitionNotAllowed, transition
from rest_framework.test import APIRequestFactory, force_authenticate

from credit_platform.api.views import PlatformViewSet
from credit_platform.exceptions import ApplicationError, IllegalTransition, transition_error
from credit_platform.models import Subject

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def Ticket():
    """An FSM model that lives only in this test module (isolated app registry, no table)."""
    with isolate_apps("credit_platform"):

        class Ticket(models.Model):
            state = FSMField(default="draft", protected=True)

            class Meta:
                app_label = "credit_platform"
                verbose_name = "ticket"

            @transition(field=state, source="draft", target="open")
            def open(self):
                pass

            @transition(field=state, source="draft", target="cancelled")
            def cancel(self):
                pass

            @transition(field=state, source="open", target="closed")
            def close(self):
                pass

        yield Ticket


def call_view(user, raise_):
    """POST to a platform view whose handler raises ``raise_()``."""

    class View(PlatformViewSet):
        def create(self, request):
            raise raise_()

    request = APIRequestFactory().post("/x/", {}, format="json")
    force_authenticate(request, user=user)
    response = View.as_view({"post": "create"})(request)
    response.render()
    return response


@pytest.fixture
def user(dept_user):
    return dept_user()


def test_transition_not_allowed_is_409_with_state_and_allowed(user, Ticket):
    ticket = Ticket()

    def refused():
        try:
            ticket.close()
        except TransitionNotAllowed as exc:
            return exc

    response = call_view(user, refused)

    assert response.status_code == 409
    assert response.data["state"] == "draft"
    assert response.data["allowed"] == ["cancel", "open"]
    assert "close" in response.data["detail"]


def test_transition_error_helper_builds_the_same_answer(Ticket):
    ticket = Ticket()
    ticket.open()

    error = transition_error(ticket, "state", "cancel")

    assert isinstance(error, IllegalTransition)
    assert (error.state, error.allowed) == ("open", ["close"])


def test_illegal_transition_raised_by_a_service_is_409(user):
    response = call_view(user, lambda: IllegalTransition("No.", state="published", allowed=["remove"]))

    assert response.status_code == 409
    assert response.data == {"detail": "No.", "state": "published", "allowed": ["remove"]}


def test_concurrent_transition_is_409(user):
    response = call_view(user, lambda: ConcurrentTransition("moved"))

    assert response.status_code == 409
    assert "at the same moment" in response.data["detail"]


def test_django_validation_error_by_field_is_400(user):
    response = call_view(user, lambda: ValidationError({"decided_on": ["Too early."], "basis": ["Required."]}))

    assert response.status_code == 400
    assert response.data == {"decided_on": ["Too early."], "basis": ["Required."]}


def test_django_validation_error_without_field_is_non_field_errors(user):
    response = call_view(user, lambda: ValidationError("The window has not passed."))

    assert response.status_code == 400
    assert response.data == {"non_field_errors": ["The window has not passed."]}


def test_application_error_is_400_with_its_facts(user):
    response = call_view(user, lambda: ApplicationError("Not yet eligible.", extra={"eligible_from": "2026-05-01"}))

    assert response.status_code == 400
    assert response.data == {"detail": "Not yet eligible.", "eligible_from": "2026-05-01"}


def test_permission_denied_is_403(user):
    response = call_view(user, lambda: PermissionDenied("Not your case."))

    assert response.status_code == 403


def test_object_does_not_exist_is_404(user):
    response = call_view(user, lambda: Subject.DoesNotExist())

    assert response.status_code == 404
    assert "detail" in response.data
