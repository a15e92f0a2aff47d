from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from schakel.portal import dashboard


@login_required
def home(request):
    """The start page: what each kind of user works on first."""
    user = request.user
    if user.is_company_user and request.acting_company:
        return redirect("register:organisation_detail", request.acting_company.pk)
    if user.is_partner and user.partner_organisation_id:
        return redirect("register:organisation_detail", user.partner_organisation_id)
    context = dashboard.for_staff(user) if user.is_agency else {}
    return render(request, "portal/home.html", context)
