"""Buttons on a change page that run one service each: the admin's transitions (every app's admin).

A button is offered when its django-fsm transition is open to the user
(``get_available_user_state_transitions``, so the transition's ``permission=`` callable decides;
moves marked ``custom={"admin": False}`` are never buttons), or, for a move that is not a
transition (reassign, a later feedback record), when its ``offered`` callable says so. Pressing it
POSTs to ``<object>/do/<action>/``; a move that needs input (a reason, the feedback rows) first
shows its form there (``admin/object_action_form.html``); the buttons are drawn by
``admin/includes/object_actions.html`` from the ``action_buttons`` the change page puts in its
context. The view calls the service and reports the outcome as a message; a refused move (illegal in
this state, not this department's, invalid) is never a 500.
"""
from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from credit_platform.exceptions import ApplicationError, IllegalTransition


@dataclass(frozen=True)
class ObjectAction:
    name: str  # the URL segment: .../<id>/do/<name>/
    run: Callable  # run(request, obj, cleaned_data) calls the service
    success: str  # message after success; may use %(object)s
    transition: str = ""  # the django-fsm transition behind the button, if any
    label: str = ""  # for non-transition actions; a transition's label is its custom["label"]
    offered: Callable | None = None  # offered(request, obj) for non-transition actions
    form: type[forms.Form] | None = None  # input asked for before running
    form_kwargs: Callable = field(default=lambda request, obj: {})
    template: str = "admin/object_action_form.html"
    intro: str = ""  # a sentence above the form
    danger: bool = False  # destructive: styled as such
    # confirm(request, obj) -> the sentence saying what follows: the button then opens a page that
    # asks for confirmation before the service runs (no form needed, no script).
    confirm: Callable | None = None


@dataclass(frozen=True)
class Button:
    name: str
    label: str
    url: str
    method: str  # "post": pressed at once; "get": opens the action's form
    danger: bool


# The outcome of running a service.
DONE, INVALID, REFUSED = "done", "invalid", "refused"


class ObjectActionsMixin:
    """Put it before ``admin.ModelAdmin``; list the actions in ``object_actions``."""

    object_actions: list[ObjectAction] = []

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "<path:object_id>/do/<str:action>/",
                self.admin_site.admin_view(self.object_action_view),
                name=f"{opts.app_label}_{opts.model_name}_do",
            ),
            *super().get_urls(),
        ]

    # --- which buttons ---------------------------------------------------------------------------

    def _action(self, name: str) -> ObjectAction:
        for action in self.object_actions:
            if action.name == name:
                return action
        raise Http404(gettext("No such action."))

    def offered_buttons(self, request, obj) -> list[Button]:
        """The buttons this user may press on ``obj`` now, in the order of ``object_actions``."""
        available = getattr(obj, "get_available_user_state_transitions", None)  # absent on a model without a machine
        transitions = {
            t.name: t for t in (available(request.user) if available else ()) if t.custom.get("admin", True)
        }
        buttons = []
        for action in self.object_actions:
            if action.transition:
                if action.transition not in transitions:
                    continue
                label = transitions[action.transition].custom.get("label") or action.transition
            elif action.offered is not None and action.offered(request, obj):
                label = action.label
            else:
                continue
            buttons.append(Button(
                name=action.name, label=str(label), url=self.action_url(obj, action.name),
                method="get" if action.form or action.confirm else "post", danger=action.danger,
            ))
        return buttons

    def action_url(self, obj, name: str) -> str:
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_do", args=[obj.pk, name], current_app=self.admin_site.name)

    def _change_url(self, obj) -> str:
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk], current_app=self.admin_site.name)

    # --- the view --------------------------------------------------------------------------------

    def object_action_view(self, request, object_id, action):
        # The admin's queryset is the access selector: another department's object is absent here
        # exactly as on its change page.
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        spec = self._action(action)
        back = HttpResponseRedirect(self._change_url(obj))
        if spec.form is None and (spec.confirm is None or request.method == "POST"):
            if request.method == "POST":
                self._perform(request, obj, spec, {})
            return back
        if request.method != "POST" and spec.name not in {b.name for b in self.offered_buttons(request, obj)}:
            messages.error(request, gettext("This action is not open to you on %(object)s now.") % {"object": obj})
            return back
        if spec.form is None:  # the confirmation page: nothing to fill in, only what follows
            return TemplateResponse(request, spec.template, self.action_context(request, obj, spec, forms.Form()))
        form = spec.form(request.POST if request.method == "POST" else None, **spec.form_kwargs(request, obj))
        if request.method == "POST" and form.is_valid():
            if self._perform(request, obj, spec, form.cleaned_data, form=form) != INVALID:
                return back
        return TemplateResponse(request, spec.template, self.action_context(request, obj, spec, form))

    def action_context(self, request, obj, spec: ObjectAction, form) -> dict:
        buttons = {b.name: b for b in self.offered_buttons(request, obj)}
        title = buttons[spec.name].label if spec.name in buttons else spec.label or spec.name
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": obj,
            "title": title,
            "subtitle": str(obj),
            "intro": spec.confirm(request, obj) if spec.confirm else spec.intro,
            "confirming": spec.confirm is not None,
            "form": form,
            "media": self.media + form.media,
            "change_url": self._change_url(obj),
            "danger": spec.danger,
        }

    def _perform(self, request, obj, spec: ObjectAction, data: dict, form=None) -> str:
        """Run the service; report success or the refusal as a message (or as form errors)."""
        try:
            spec.run(request, obj, data)
        except ValidationError as exc:
            if form is not None:
                add_service_errors(form, exc)
                return INVALID
            messages.error(request, " ".join(exc.messages))
            return REFUSED
        except IllegalTransition as exc:
            messages.error(request, str(exc.detail))
            return REFUSED
        except TransitionNotAllowed:
            messages.error(request, gettext("This change is not possible in the current state."))
            return REFUSED
        except ConcurrentTransition:
            messages.error(request, gettext("Someone else changed %(object)s meanwhile; look at it again and retry.") % {"object": obj})
            return REFUSED
        except PermissionDenied as exc:
            messages.error(request, str(exc) or gettext("You may not do this."))
            return REFUSED
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
            return REFUSED
        messages.success(request, spec.success % {"object": obj})
        return DONE


def add_service_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its fields where the form has them."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)



def admin_url(name: str, *args, site="admin") -> str:
    """``reverse("admin:<name>", args)`` on the named admin site, or "" when the page does not exist there."""
    try:
        return reverse(f"admin:{name}", args=args, current_app=site)
    except NoReverseMatch:
        return ""
