"""Catalogue pages: the public catalogue (no login) and the staff screens to manage it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from schakel.catalog import services
from schakel.catalog.filters import OfferingFilter, PublicOfferingFilter
from schakel.catalog.format import CatalogInvalid, import_catalog, load_json, parse_catalog
from schakel.catalog.forms import CatalogUploadForm, OfferingForm
from schakel.catalog.models import Offering
from schakel.core import audit

PUBLIC_PAGE_SIZE = 20
MANAGE_PAGE_SIZE = 50


def is_partial(request) -> bool:
    """An htmx request for a fragment (a boosted request still gets the whole page)."""
    return bool(request.htmx and not request.htmx.boosted)


def _page(request, queryset, size):
    page = Paginator(queryset, size).get_page(request.GET.get("page"))
    page_range = page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    return page, list(page_range)


def _with_relations(queryset):
    return queryset.select_related("provider", "municipality").prefetch_related(
        "domains", "clusters"
    )


# The public catalogue ---------------------------------------------------------------


def public_list(request):
    """Everybody, logged in or not, may browse the offerings open today."""
    today = timezone.localdate()
    queryset = _with_relations(Offering.objects.open_on(today)).order_by("kind", "title_nl", "id")
    filterset = PublicOfferingFilter(request.GET, queryset=queryset)
    page, page_range = _page(request, filterset.qs, PUBLIC_PAGE_SIZE)
    context = {"filter": filterset, "page": page, "page_range": page_range, "today": today}
    if is_partial(request):
        return render(request, "catalog/_public_rows.html", context)
    return render(request, "catalog/public_list.html", context)


def public_detail(request, external_id):
    offering = services.get_offering_for_user(request.user, external_id, "view")
    context = {
        "offering": offering,
        "is_open": offering.is_open_on(timezone.localdate()),
        "can_manage": getattr(request.user, "is_agency", False),
    }
    return render(request, "catalog/public_detail.html", context)


# Staff screens -------------------------------------------------------------------------


def _staff_only(request):
    """The manage screens exist only for agency staff; others learn nothing (404)."""
    if not request.user.is_agency:
        raise Http404


@login_required
def manage_list(request):
    _staff_only(request)
    queryset = _with_relations(Offering.objects.visible_to(request.user)).order_by("title_nl", "id")
    filterset = OfferingFilter(request.GET, queryset=queryset)
    page, page_range = _page(request, filterset.qs, MANAGE_PAGE_SIZE)
    context = {
        "filter": filterset,
        "page": page,
        "page_range": page_range,
        "today": timezone.localdate(),
        "partial": is_partial(request),
    }
    if context["partial"]:
        return render(request, "catalog/_offering_rows.html", context)
    return render(request, "catalog/manage_list.html", context)


@login_required
def manage_detail(request, external_id):
    _staff_only(request)
    offering = services.get_offering_for_user(request.user, external_id, "change")
    events = audit.events_for(offering)[:20]
    context = {
        "offering": offering,
        "events": events,
        "is_open": offering.is_open_on(timezone.localdate()),
    }
    return render(request, "catalog/manage_detail.html", context)


def _save_form(request, form, before):
    offering = form.save(commit=False)
    m2m = {"domains": form.cleaned_data["domains"], "clusters": form.cleaned_data["clusters"]}
    try:
        services.save_offering(offering, request.user, before=before, m2m=m2m)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error)
        return None
    return offering


@login_required
def manage_create(request):
    _staff_only(request)
    form = OfferingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        offering = _save_form(request, form, before=None)
        if offering:
            messages.success(request, _("The offering was created."))
            return redirect("catalog:manage_detail", offering.external_id)
    return render(request, "catalog/offering_form.html", {"form": form, "offering": None})


@login_required
def manage_edit(request, external_id):
    _staff_only(request)
    offering = services.get_offering_for_user(request.user, external_id, "change")
    before = audit.snapshot(offering)
    form = OfferingForm(request.POST or None, instance=offering)
    if request.method == "POST" and form.is_valid():
        saved = _save_form(request, form, before=before)
        if saved:
            messages.success(request, _("The offering was saved."))
            return redirect("catalog:manage_detail", saved.external_id)
    return render(request, "catalog/offering_form.html", {"form": form, "offering": offering})


@login_required
@require_POST
def manage_archive(request, external_id):
    _staff_only(request)
    offering = services.get_offering_for_user(request.user, external_id, "archive")
    services.set_archived(offering, True, request.user)
    messages.success(request, _("The offering was archived: it no longer shows in the catalogue."))
    return redirect("catalog:manage_detail", offering.external_id)


@login_required
@require_POST
def manage_unarchive(request, external_id):
    _staff_only(request)
    offering = services.get_offering_for_user(request.user, external_id, "archive")
    services.set_archived(offering, False, request.user)
    messages.success(request, _("The offering is back in the catalogue."))
    return redirect("catalog:manage_detail", offering.external_id)


@login_required
def manage_import(request):
    """Upload a catalogue file: check it (every error with id and field), then import it."""
    _staff_only(request)
    form = CatalogUploadForm(request.POST or None, request.FILES or None)
    context = {"form": form, "errors": None, "result": None, "counts": None}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            data = load_json(upload.read())
            organisations, offerings, errors = parse_catalog(data)
            context["counts"] = {"organisations": len(organisations), "offerings": len(offerings)}
            if errors:
                raise CatalogInvalid(errors)
            context["errors"] = []
            if request.POST.get("action") == "import":
                result = import_catalog(data, request.user)
                context["result"] = result
                messages.success(
                    request,
                    _(
                        "Catalogue imported: %(created)s offerings created, "
                        "%(updated)s updated, %(unchanged)s unchanged."
                    )
                    % result.offerings.as_dict(),
                )
        except CatalogInvalid as invalid:
            context["errors"] = invalid.errors
        context["filename"] = upload.name
    return render(request, "catalog/import.html", context)
