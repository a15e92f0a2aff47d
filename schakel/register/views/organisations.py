"""Register pages: the organisation list, the organisation page, create/edit and export."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_htmx.http import HttpResponseLocation

from schakel.core import audit
from schakel.core.models import AuditEvent
from schakel.places.models import Cluster, Domain, Municipality, Region, Theme
from schakel.register import exports, services
from schakel.register.filters import SORT_FIELDS, OrganisationFilter
from schakel.register.forms import (
    ActivityForm,
    OrganisationForm,
    OrganisationProfileForm,
    RelationForm,
)
from schakel.register.models import (
    Activity,
    Contact,
    Organisation,
    OrganisationType,
    Relation,
    SizeClass,
    Stage,
)
from schakel.register.pagination import RegisterPaginator

PAGE_SIZE = 50
TIMELINE_PAGE_SIZE = 20
AUDIT_PAGE_SIZE = 20


def get_organisation_for_user(request, pk, action="view"):
    """Out of the user's reach gives 404, so nobody learns what exists."""
    return get_object_or_404(Organisation.objects.visible_to(request.user, action), pk=pk)


def is_partial(request) -> bool:
    """An htmx request for a fragment (a boosted request still gets the whole page)."""
    return bool(request.htmx and not request.htmx.boosted)


def saved_response(request, url):
    """After a successful save: HX-Location for htmx, a plain redirect otherwise."""
    if request.htmx:
        return HttpResponseLocation(url, target="#main", select="#main", swap="outerHTML")
    return redirect(url)


def add_service_errors(form, error: ValidationError):
    """Show model validation errors from a service on the form fields they concern."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# The list ------------------------------------------------------------------


def _selected(data, key) -> set[str]:
    return set(data.getlist(key)) if hasattr(data, "getlist") else set()


def filter_panel(data) -> dict:
    """Facet options for the filter panel, with what the URL has selected."""

    def options(pairs, key):
        chosen = _selected(data, key)
        return [
            {"value": value, "label": label, "checked": str(value) in chosen}
            for value, label in pairs
        ]

    def terms(queryset):
        return [(term.code, term.label) for term in queryset]

    facets = [
        {"name": "type", "label": _("Type"), "options": options(OrganisationType.choices, "type")},
        {"name": "size", "label": _("Size class"), "options": options(SizeClass.choices, "size")},
        {"name": "stage", "label": _("Stage"), "options": options(Stage.choices, "stage")},
        {
            "name": "domain",
            "label": _("Domain"),
            "options": options(terms(Domain.objects.order_by("name_nl")), "domain"),
        },
        {
            "name": "cluster",
            "label": _("Cluster"),
            "options": options(terms(Cluster.objects.order_by("name_nl")), "cluster"),
        },
        {
            "name": "theme",
            "label": _("Technology theme"),
            "options": options(
                terms(Theme.objects.filter(is_active=True).order_by("name_nl")), "theme"
            ),
        },
    ]
    return {
        "facets": facets,
        "statuses": options(Organisation.Status.choices, "status"),
        "regions": options(terms(Region.objects.order_by("name_nl")), "region"),
        "municipalities": options(
            [
                (m.nis_code, m.label)
                for m in Municipality.objects.current()
                .order_by("name_nl")
                .only("nis_code", "name_nl", "name_fr", "name_en")
            ],
            "municipality",
        ),
        "q": data.get("q", "") if data else "",
        "nace": data.get("nace", "") if data else "",
        "sort": data.get("sort", "") if data else "",
    }


def sort_columns(data) -> list[dict]:
    """The sortable column headers: their link and their aria-sort state."""
    current = (data.get("sort") if data else "") or "name"
    if current not in SORT_FIELDS:
        current = "name"
    columns = []
    for key, label in (
        ("name", _("Name")),
        ("municipality", _("Municipality")),
        ("employees", _("Employees")),
        ("created", _("Added")),
    ):
        if current == key:
            state, next_sort = "ascending", f"-{key}"
        elif current == f"-{key}":
            state, next_sort = "descending", key
        else:
            state, next_sort = "none", key
        query = data.copy() if hasattr(data, "copy") else {}
        if hasattr(query, "setlist"):
            query["sort"] = next_sort
            query.pop("page", None)
            querystring = query.urlencode()
        else:
            querystring = f"sort={next_sort}"
        columns.append({"key": key, "label": label, "state": state, "querystring": querystring})
    return columns


def export_query(data) -> str:
    """The list's filters and sort, for the export links."""
    query = data.copy()
    for key in ("page", "format"):
        query.pop(key, None)
    return query.urlencode()


def filtered_organisations(request):
    """The FilterSet over what the user may see; shared by the list and the export."""
    queryset = Organisation.objects.visible_to(request.user)
    return OrganisationFilter(request.GET or None, queryset=queryset)


@login_required
@require_GET
def organisation_list(request):
    if not request.user.is_agency:
        raise Http404
    filterset = filtered_organisations(request)
    # Paginate the ids first (an index-only scan for the sort), then load the
    # 50 rows with their joins: deep pages stay cheap on 100,000 organisations.
    ids = filterset.qs.values_list("pk", flat=True)
    page = RegisterPaginator(ids, PAGE_SIZE).get_page(request.GET.get("page"))
    by_pk = (
        Organisation.objects.select_related("municipality__region", "main_nace")
        .prefetch_related("clusters")
        .in_bulk(list(page.object_list))
    )
    rows = [by_pk[pk] for pk in page.object_list if pk in by_pk]
    context = {
        "filter": filterset,
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "rows": rows,
        "columns": sort_columns(request.GET),
        "partial": is_partial(request),
        "export_query": export_query(request.GET),
    }
    if context["partial"]:
        return render(request, "register/_organisation_rows.html", context)
    context["panel"] = filter_panel(request.GET)
    return render(request, "register/organisation_list.html", context)


@login_required
@require_GET
def organisation_export(request):
    """The filtered, sorted list as CSV or XLSX (staff only)."""
    if not request.user.is_agency:
        raise Http404
    filterset = filtered_organisations(request)
    queryset = exports.export_queryset(filterset.qs)
    if request.GET.get("format") == "xlsx":
        return exports.xlsx_response(queryset)
    return exports.csv_response(queryset)


@login_required
@require_GET
def organisation_lookup(request):
    """Organisations whose name matches `q`, as radio buttons for the relation picker."""
    if not request.user.is_agency:
        raise Http404
    text = request.GET.get("q", "").strip()
    exclude = request.GET.get("exclude", "")
    results = []
    if len(text) >= 2:
        queryset = Organisation.objects.search(text).select_related("municipality")
        if exclude.isdigit():
            queryset = queryset.exclude(pk=exclude)
        results = list(queryset.order_by("name", "id")[:10])
    return render(request, "register/_organisation_choices.html", {"results": results, "q": text})


# The organisation page ---------------------------------------------------------


def audit_rows(events):
    """Audit events with field labels instead of field names."""
    rows = []
    for event in events:
        model = event.content_type.model_class()
        changes = []
        for name, values in (event.changes or {}).items():
            try:
                label = model._meta.get_field(name).verbose_name if model else name
            except Exception:  # a field that no longer exists keeps its name
                label = name
            old, new = (values + [None, None])[:2] if isinstance(values, list) else (None, values)
            changes.append({"field": label, "old": old, "new": new})
        rows.append({"event": event, "changes": changes})
    return rows


def organisation_audit_events(organisation):
    """The trail of the organisation and of its contacts, newest first."""
    contact_ids = [str(pk) for pk in organisation.contacts.values_list("pk", flat=True)]
    return (
        AuditEvent.objects.filter(
            Q(
                content_type=ContentType.objects.get_for_model(Organisation),
                object_id=str(organisation.pk),
            )
            | Q(content_type=ContentType.objects.get_for_model(Contact), object_id__in=contact_ids)
        )
        .select_related("actor", "content_type")
        .order_by("-created_at", "-id")
    )


def timeline_page(request, organisation):
    activities = (
        Activity.objects.visible_to(request.user)
        .filter(organisation=organisation)
        .select_related("actor", "contact")
    )
    return Paginator(activities, TIMELINE_PAGE_SIZE).get_page(request.GET.get("timeline_page"))


def audit_page(request, organisation):
    page = Paginator(organisation_audit_events(organisation), AUDIT_PAGE_SIZE).get_page(
        request.GET.get("audit_page")
    )
    page.rows = audit_rows(page.object_list)
    return page


def incoming_relation_labels() -> dict:
    """How a relation reads from its target: Agoria's "members", a lab's "operated by"."""
    return {
        Relation.Kind.MEMBER_OF: _("members"),
        Relation.Kind.PARTNER_OF: _("partners"),
        Relation.Kind.SUBSIDIARY_OF: _("subsidiaries"),
        Relation.Kind.LINKED_TO: _("linked enterprises"),
        Relation.Kind.OPERATES: _("operated by"),
    }


def relations_context(organisation, form=None):
    relations_out = list(
        organisation.relations_out.select_related("target").order_by("kind", "target__name")
    )
    relations_in = list(
        organisation.relations_in.select_related("source").order_by("kind", "source__name")
    )
    labels = incoming_relation_labels()
    groups = {}
    for relation in relations_in:
        groups.setdefault(relation.kind, []).append(relation)
    return {
        "organisation": organisation,
        "relations_out": relations_out,
        "relations_in": relations_in,
        "relations_in_groups": [
            {"label": labels.get(kind, kind), "relations": items} for kind, items in groups.items()
        ],
        "relation_form": form or RelationForm(organisation=organisation),
    }


def timeline_context(request, organisation, form=None):
    context = {"organisation": organisation, "timeline": timeline_page(request, organisation)}
    if request.user.is_agency:
        context["activity_form"] = form or ActivityForm(organisation=organisation)
    return context


@login_required
@require_GET
def organisation_detail(request, pk):
    organisation = get_object_or_404(
        Organisation.objects.visible_to(request.user)
        .select_related("municipality__region", "main_nace", "account_manager")
        .prefetch_related(
            "secondary_naces",
            "domains",
            "clusters",
            "themes",
            Prefetch("contacts", queryset=Contact.objects.order_by("last_name", "first_name")),
        ),
        pk=pk,
    )
    user = request.user
    context = {
        "organisation": organisation,
        "can_edit": Organisation.objects.visible_to(user, "change").filter(pk=pk).exists(),
        "is_agency": user.is_agency,
    }
    context.update(relations_context(organisation))
    context.update(timeline_context(request, organisation))
    if user.is_agency:
        context["audit"] = audit_page(request, organisation)
    return render(request, "register/organisation_detail.html", context)


@login_required
@require_GET
def organisation_timeline(request, pk):
    """One page of the timeline (htmx pagination on the organisation page)."""
    organisation = get_organisation_for_user(request, pk)
    return render(request, "register/_timeline.html", timeline_context(request, organisation))


@login_required
@require_GET
def organisation_audit(request, pk):
    """One page of the audit trail (staff only)."""
    organisation = get_organisation_for_user(request, pk)
    if not request.user.is_agency:
        raise Http404
    return render(
        request,
        "register/_audit.html",
        {"organisation": organisation, "audit": audit_page(request, organisation)},
    )


# Create and edit -------------------------------------------------------------


def _render_form(request, form, organisation=None, status=200):
    context = {"form": form, "organisation": organisation}
    template = (
        "register/_organisation_form.html"
        if is_partial(request)
        else ("register/organisation_form.html")
    )
    return render(request, template, context, status=status)


@login_required
def organisation_create(request):
    if not request.user.is_agency:
        raise Http404
    if request.method == "POST":
        form = OrganisationForm(request.POST)
        if form.is_valid():
            try:
                organisation = services.create_organisation(
                    form.instance, request.user, m2m=form.m2m_values()
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, _("%(name)s was added to the register.") % {"name": organisation}
                )
                return saved_response(
                    request, reverse("register:organisation_detail", args=[organisation.pk])
                )
    else:
        form = OrganisationForm()
    return _render_form(request, form)


@login_required
def organisation_edit(request, pk):
    organisation = get_organisation_for_user(request, pk, "change")
    form_class = OrganisationForm if request.user.is_agency else OrganisationProfileForm
    if request.method == "POST":
        before = audit.snapshot(organisation)
        form = form_class(request.POST, instance=organisation)
        if form.is_valid():
            try:
                services.update_organisation(
                    organisation, before, request.user, m2m=form.m2m_values()
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The changes were saved."))
                return saved_response(
                    request, reverse("register:organisation_detail", args=[organisation.pk])
                )
    else:
        form = form_class(instance=organisation)
    return _render_form(request, form, organisation)


# Relations ---------------------------------------------------------------------


def _relations_response(request, organisation, form=None):
    if is_partial(request):
        return render(request, "register/_relations.html", relations_context(organisation, form))
    if form is not None and form.errors:
        for error in form.errors.values():
            messages.error(request, " ".join(error))
    return redirect(reverse("register:organisation_detail", args=[organisation.pk]) + "#relations")


@login_required
def relation_add(request, pk):
    organisation = get_organisation_for_user(request, pk)
    if not request.user.is_agency:
        raise Http404
    if request.method != "POST":
        return _relations_response(request, organisation)
    form = RelationForm(request.POST, organisation=organisation)
    if form.is_valid():
        source, target = form.endpoints()
        services.add_relation(
            source,
            target,
            form.cleaned_data["kind"],
            request.user,
            since=form.cleaned_data["since"],
            note=form.cleaned_data["note"],
        )
        return _relations_response(request, organisation)
    return _relations_response(request, organisation, form)


@login_required
def relation_remove(request, pk, relation_pk):
    organisation = get_organisation_for_user(request, pk)
    if not request.user.is_agency:
        raise Http404
    relation = get_object_or_404(
        Relation.objects.filter(Q(source=organisation) | Q(target=organisation)), pk=relation_pk
    )
    if request.method != "POST":
        return _relations_response(request, organisation)
    services.remove_relation(relation, request.user)
    return _relations_response(request, organisation)


# Timeline ----------------------------------------------------------------------


@login_required
def activity_add(request, pk):
    organisation = get_organisation_for_user(request, pk)
    if not request.user.is_agency:
        raise Http404
    if request.method != "POST":
        return redirect(reverse("register:organisation_detail", args=[pk]) + "#timeline")
    form = ActivityForm(request.POST, organisation=organisation)
    if form.is_valid():
        data = form.cleaned_data
        services.add_timeline_entry(
            organisation,
            data["kind"],
            data["title"],
            actor=request.user,
            body=data["body"],
            is_internal=data["is_internal"],
            occurred_at=data["occurred_at"],
            contact=data["contact"],
        )
        if not is_partial(request):
            messages.success(request, _("The entry was added to the timeline."))
            return redirect(reverse("register:organisation_detail", args=[pk]) + "#timeline")
        form = None
    elif not is_partial(request):
        for error in form.errors.values():
            messages.error(request, " ".join(error))
        return redirect(reverse("register:organisation_detail", args=[pk]) + "#timeline")
    return render(
        request, "register/_timeline_card.html", timeline_context(request, organisation, form)
    )
