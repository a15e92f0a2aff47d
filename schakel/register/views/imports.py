"""Importing organisations and contacts from a file: upload → preview → confirm (staff only).

Every step is a page or a POST on one Job row (schakel.register.importing.jobs):
the preview shows each row's fate and problems; confirming is only possible
when no row has an error, and applies the whole file in one transaction.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from schakel.core.models import Job
from schakel.register.importing import jobs as import_jobs
from schakel.register.importing.columns import COLUMNS
from schakel.register.importing.reading import ImportFileError
from schakel.register.importing.service import EXAMPLES_DIR, store_upload
from schakel.register.models import OrganisationType

EXAMPLE_FILES = {
    "organisations.csv": "text/csv",
    "organisations.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
ROWS_PER_PAGE = 100


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File (.csv or .xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    default_type = forms.ChoiceField(
        label=gettext_lazy("Type for rows without a type"),
        choices=OrganisationType.choices,
        initial=OrganisationType.COMPANY,
    )


def _require_staff(request):
    if not request.user.is_agency:
        raise Http404


def _get_import_for_user(request, pk) -> Job:
    """Staff see their own imports; admins see all. Anything else is 404."""
    _require_staff(request)
    queryset = Job.objects.filter(kind=import_jobs.KIND)
    if not request.user.is_admin:
        queryset = queryset.filter(created_by=request.user)
    return get_object_or_404(queryset, pk=pk)


@login_required
def import_start(request):
    _require_staff(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            name = store_upload(upload)
        except ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            job = import_jobs.start(
                name,
                upload.name,
                upload.size,
                request.user,
                form.cleaned_data["default_type"],
                get_language() or settings.LANGUAGE_CODE,
            )
            return redirect("register:import_detail", pk=job.pk)
    recent = Job.objects.filter(kind=import_jobs.KIND, created_by=request.user)[:10]
    context = {
        "form": form,
        "columns": COLUMNS,
        "max_size": filesizeformat(settings.UPLOAD_MAX_BYTES),
        "recent": [(job, import_jobs.state(job)) for job in recent],
    }
    return render(request, "register/import_start.html", context)


def _detail_context(request, job: Job) -> dict:
    result = job.result or {}
    state = import_jobs.state(job)
    entries = result.get("entries", [])
    show = request.GET.get("show", "")
    if show == "problems":
        entries = [entry for entry in entries if entry["issues"]]
    page = Paginator(entries, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    return {
        "job": job,
        "state": state,
        "result": result,
        "summary": result.get("summary", {}),
        "page": page,
        "show": show,
        "filename": job.payload.get("filename", ""),
        "running": state in ("checking", "applying"),
    }


@login_required
def import_detail(request, pk):
    job = _get_import_for_user(request, pk)
    return render(request, "register/import_detail.html", _detail_context(request, job))


@login_required
def import_status(request, pk):
    """The progress fragment, polled by htmx while the job runs; reloads the page when done."""
    job = _get_import_for_user(request, pk)
    context = _detail_context(request, job)
    response = render(request, "register/_import_status.html", context)
    if request.htmx and not context["running"]:
        response["HX-Refresh"] = "true"
    return response


@require_POST
@login_required
def import_confirm(request, pk):
    job = _get_import_for_user(request, pk)
    if not import_jobs.confirm(job):
        messages.error(
            request, _("This import cannot be confirmed: it has errors or was already handled.")
        )
        return redirect("register:import_detail", pk=job.pk)
    job.refresh_from_db()
    state = import_jobs.state(job)
    if state == "applied":
        summary = job.result.get("summary", {})
        messages.success(
            request,
            _("Import done: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
            % {
                "created": summary.get("created", 0),
                "updated": summary.get("updated", 0),
                "unchanged": summary.get("unchanged", 0),
            },
        )
    elif state == "invalid":
        messages.error(
            request,
            _("The register changed since the preview; nothing was imported. See the rows below."),
        )
    return redirect("register:import_detail", pk=job.pk)


@require_POST
@login_required
def import_cancel(request, pk):
    job = _get_import_for_user(request, pk)
    if import_jobs.cancel(job):
        messages.info(request, _("The import was cancelled and the uploaded file removed."))
        return redirect("register:import_start")
    messages.error(request, _("This import is running or finished and cannot be cancelled."))
    return redirect("register:import_detail", pk=job.pk)


@login_required
def import_example(request, name):
    _require_staff(request)
    if name not in EXAMPLE_FILES:
        raise Http404
    return FileResponse(
        open(EXAMPLES_DIR / name, "rb"),  # noqa: SIM115 - FileResponse closes it
        as_attachment=True,
        filename=name,
        content_type=EXAMPLE_FILES[name],
    )
