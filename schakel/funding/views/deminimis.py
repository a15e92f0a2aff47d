"""De minimis: the aid recorded per enterprise and the position of its single undertaking;
staff record aid granted by other bodies."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from schakel.funding import deminimis, services
from schakel.funding.forms import OtherAidForm
from schakel.funding.models import DeMinimisAid, DeMinimisCeiling
from schakel.funding.views.common import agency_required
from schakel.register.models import Organisation


@agency_required
def aid_list(request):
    form = OtherAidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_other_aid(
                data["organisation"],
                data["granted_on"],
                data["amount_eur"],
                data["granting_body"],
                data.get("description", ""),
                request.user,
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The aid is recorded."))
            return redirect("funding:aid_list")
    page = Paginator(
        DeMinimisAid.objects.select_related("organisation", "application").order_by(
            "-granted_on", "-id"
        ),
        25,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "funding/aid_list.html",
        {"form": form, "page": page, "ceilings": DeMinimisCeiling.objects.all()},
    )


@agency_required
def aid_position(request, organisation_pk):
    organisation = get_object_or_404(
        Organisation.objects.visible_to(request.user), pk=organisation_pk
    )
    today = timezone.localdate()
    where = deminimis.position(organisation, today)
    members = Organisation.objects.filter(pk__in=where.undertaking).order_by("name")
    aid = DeMinimisAid.objects.filter(organisation_id__in=where.undertaking).select_related(
        "organisation"
    )
    return render(
        request,
        "funding/aid_position.html",
        {"organisation": organisation, "position": where, "members": members, "aid": aid},
    )
