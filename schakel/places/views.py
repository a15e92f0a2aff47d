"""Staff pages to keep the technology themes vocabulary: list, add, edit.

Only agency staff (admins and staff members) come in; other signed-in users get 403.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from schakel.places import services
from schakel.places.filters import ThemeFilter
from schakel.places.forms import ThemeForm
from schakel.places.models import Theme

PAGE_SIZE = 50


def agency_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not services.can_edit_themes(request.user):
            raise PermissionDenied(_("Only agency staff may edit the technology themes."))
        return view(request, *args, **kwargs)

    return wrapper


def _add_service_errors(form, error: ValidationError):
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@agency_required
def theme_list(request):
    themes = ThemeFilter(request.GET, queryset=Theme.objects.order_by("name_nl", "code"))
    page = Paginator(themes.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filter": themes,
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number),
        "partial": bool(request.htmx and not request.htmx.boosted),
    }
    template = "places/_theme_rows.html" if context["partial"] else "places/theme_list.html"
    return render(request, template, context)


def _theme_form(request, theme=None):
    form = ThemeForm(request.POST or None, instance=theme)
    if request.method == "POST" and form.is_valid():
        try:
            if theme is None:
                saved = services.create_theme(form.cleaned_data, request.user)
                messages.success(request, _("Theme “%(name)s” added.") % {"name": saved.label})
            else:
                # The form already copied its values onto `theme`: hand the service the stored
                # row, so that the audit trail sees what changed.
                stored = Theme.objects.get(pk=theme.pk)
                saved = services.update_theme(stored, form.cleaned_data, request.user)
                messages.success(request, _("Theme “%(name)s” saved.") % {"name": saved.label})
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            return redirect("places:theme_list")
    status = 400 if form.errors else 200
    return render(request, "places/theme_form.html", {"form": form, "theme": theme}, status=status)


@agency_required
def theme_create(request):
    return _theme_form(request)


@agency_required
def theme_edit(request, code):
    theme = get_object_or_404(Theme, code=code)
    return _theme_form(request, theme)
