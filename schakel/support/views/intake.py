"""The public question form (no login) and the company portal's question form."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from schakel.register.models import Organisation
from schakel.support import services
from schakel.support.forms import AskForm, PortalQuestionForm
from schakel.support.models import Channel
from schakel.support.views.common import client_address

SESSION_REFERENCE = "support_last_reference"


def ask(request):
    form = AskForm(request.POST or None)
    if request.method == "POST":
        if form.is_spam:
            # Tell a bot nothing; a person never fills in the hidden field.
            request.session[SESSION_REFERENCE] = ""
            return redirect("support:ask_done")
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.check_rate_limit(
                    services.hash_address(client_address(request)), data["email"]
                )
                with transaction.atomic():
                    organisation, _created = services.find_or_create_organisation(
                        data["enterprise_number"], data["company_name"], request.user
                    )
                    question = services.submit_question(
                        organisation=organisation,
                        asker=services.Asker(
                            data["first_name"],
                            data["last_name"],
                            data["email"],
                            data["phone"],
                            data["language"],
                        ),
                        text=data["text"],
                        channel=Channel.WEB,
                        actor=request.user,
                        company_name_given=data["company_name"],
                        domain=data["domain"],
                        cluster=data["cluster"],
                        themes=data["themes"],
                        address=client_address(request),
                    )
            except services.RateLimited as exc:
                form.add_error(None, exc.message)
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                request.session[SESSION_REFERENCE] = question.reference
                return redirect("support:ask_done")
    return render(request, "support/ask.html", {"form": form})


def ask_done(request):
    reference = request.session.pop(SESSION_REFERENCE, None)
    if reference is None:
        return redirect("support:ask")
    return render(request, "support/ask_done.html", {"reference": reference})


@login_required
def my_new(request):
    """A company user asks a question for the company they act for."""
    if not request.user.is_company_user or not request.acting_company:
        raise Http404
    organisation = Organisation.objects.get(pk=request.acting_company.pk)
    form = PortalQuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        data = form.cleaned_data
        try:
            question = services.submit_question(
                organisation=organisation,
                asker=services.Asker(
                    user.first_name or user.username,
                    user.last_name,
                    user.email,
                    "",
                    user.language,
                ),
                text=data["text"],
                channel=Channel.PORTAL,
                actor=user,
                domain=data["domain"],
                cluster=data["cluster"],
                themes=data["themes"],
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            from django.contrib import messages

            messages.success(
                request,
                _("Thank you. Your question has reference %(reference)s.")
                % {"reference": question.reference},
            )
            return redirect("support:my_detail", question.pk)
    return render(request, "support/my_new.html", {"form": form, "company": organisation})
