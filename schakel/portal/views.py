from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from schakel.register.models import Organisation


@login_required
def home(request):
    """The start page: what each kind of user works on first."""
    user = request.user
    if user.is_company_user and request.acting_company:
        return redirect("register:organisation_detail", request.acting_company.pk)
    if user.is_partner and user.partner_organisation_id:
        return redirect("register:organisation_detail", user.partner_organisation_id)
    context = {}
    if user.is_agency:
        context["organisation_count"] = Organisation.objects.count()
        context["company_count"] = Organisation.objects.companies().count()
        context["pending_count"] = Organisation.objects.filter(
            status=Organisation.Status.PENDING
        ).count()
    return render(request, "portal/home.html", context)
