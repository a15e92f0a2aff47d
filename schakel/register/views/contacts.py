"""Contacts on the organisation page: add, edit, and the GDPR access and erasure requests."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from schakel.core import audit
from schakel.core.models import AuditEvent
from schakel.register import services
from schakel.register.forms import ContactForm
from schakel.register.models import Contact
from schakel.register.views.organisations import (
    add_service_errors,
    get_organisation_for_user,
    is_partial,
    saved_response,
)


def _contact_page(request, organisation, form, contact=None):
    template = (
        "register/_contact_form.html" if is_partial(request) else ("register/contact_form.html")
    )
    return render(
        request, template, {"organisation": organisation, "form": form, "contact": contact}
    )


def _contacts_url(organisation):
    return reverse("register:organisation_detail", args=[organisation.pk]) + "#contacts"


@login_required
def contact_create(request, pk):
    """Staff, and company or partner users for their own organisation, add contacts."""
    organisation = get_organisation_for_user(request, pk, "change")
    if request.method == "POST":
        form = ContactForm(request.POST, instance=Contact(organisation=organisation))
        if form.is_valid():
            try:
                contact = services.save_contact(form.instance, request.user)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("%(name)s was added.") % {"name": contact})
                return saved_response(request, _contacts_url(organisation))
    else:
        form = ContactForm()
    return _contact_page(request, organisation, form)


def _get_contact(request, pk, contact_pk, action="change"):
    organisation = get_organisation_for_user(request, pk, action)
    contact = get_object_or_404(organisation.contacts.all(), pk=contact_pk)
    return organisation, contact


@login_required
def contact_edit(request, pk, contact_pk):
    organisation, contact = _get_contact(request, pk, contact_pk)
    if contact.erased_at:
        raise PermissionDenied
    if request.method == "POST":
        before = audit.snapshot(contact)
        form = ContactForm(request.POST, instance=contact)
        if form.is_valid():
            try:
                services.save_contact(contact, request.user, before=before)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The changes were saved."))
                return saved_response(request, _contacts_url(organisation))
    else:
        form = ContactForm(instance=contact)
    return _contact_page(request, organisation, form, contact)


@login_required
@require_GET
def contact_export(request, pk, contact_pk):
    """GDPR access request: everything held about the contact, as a JSON download (staff)."""
    organisation, contact = _get_contact(request, pk, contact_pk, "view")
    if not request.user.is_agency:
        raise PermissionDenied
    data = services.export_contact(contact)
    audit.record(contact, AuditEvent.Action.OTHER, request.user, message="GDPR export")
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="contact-{contact.pk}-{stamp}.json"'
    return response


@login_required
def contact_erase(request, pk, contact_pk):
    """GDPR erasure (staff): personal data replaced, the row kept. POST with confirmation."""
    organisation, contact = _get_contact(request, pk, contact_pk, "view")
    if not request.user.is_agency:
        raise PermissionDenied
    error = ""
    if request.method == "POST":
        if request.POST.get("confirm") == "yes":
            name = str(contact)
            services.erase_contact(contact, request.user)
            messages.success(
                request, _("The personal data of %(name)s were erased.") % {"name": name}
            )
            return saved_response(request, _contacts_url(organisation))
        error = _("Tick the box to confirm the erasure.")
    return render(
        request,
        "register/contact_erase.html",
        {"organisation": organisation, "contact": contact, "error": error},
    )
