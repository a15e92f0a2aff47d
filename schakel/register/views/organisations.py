"""Register pages: the organisation list and the organisation page."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from schakel.register.filters import OrganisationFilter
from schakel.register.models import Organisation


def get_organisation_for_user(request, pk, action="view"):
    """Out of the user's reach gives 404, so nobody learns what exists."""
    return get_object_or_404(Organisation.objects.visible_to(request.user, action), pk=pk)


@login_required
def organisation_list(request):
    if not request.user.is_agency:
        raise Http404
    qs = Organisation.objects.select_related("municipality")
    filterset = OrganisationFilter(request.GET or None, queryset=qs)
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    context = {"filter": filterset, "page": page}
    partial = request.htmx and not request.htmx.boosted
    return render(
        request,
        "register/_organisation_rows.html" if partial else "register/organisation_list.html",
        context,
    )


@login_required
def organisation_detail(request, pk):
    organisation = get_organisation_for_user(request, pk)
    return render(request, "register/organisation_detail.html", {"organisation": organisation})
