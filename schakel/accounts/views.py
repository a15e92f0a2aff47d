from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from schakel.accounts.forms import ActingCompanyForm, ThrottledAuthenticationForm
from schakel.accounts.middleware import SESSION_KEY


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True


@login_required
@require_POST
def choose_company(request):
    """A company user with several mandates picks the company they act for."""
    form = ActingCompanyForm(request.POST, user=request.user)
    if form.is_valid():
        request.session[SESSION_KEY] = form.cleaned_data["company"].pk
        messages.success(
            request, _("You now act for %(name)s.") % {"name": form.cleaned_data["company"].name}
        )
    else:
        messages.error(request, _("You cannot act for that company."))
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return redirect(target)
