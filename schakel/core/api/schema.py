"""drf-spectacular extensions shared by every app's API (imported by the API url modules)."""

from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.plumbing import follow_field_source


class CodeFilterExtension(DjangoFilterExtension):
    """Resolve `ModelMultipleChoiceFilter(field_name="domains__code", to_field_name="code")`.

    drf-spectacular appends `to_field_name` to `field_name` even when the path already
    ends with it (domains__code__code), cannot find that field and warns; our
    FilterSets filter on codes that way, so look the path up once.
    """

    priority = 1

    def _get_model_field(self, filter_field, model):
        if not filter_field.field_name:
            return None
        path = filter_field.field_name.split("__")
        to_field_name = filter_field.extra.get("to_field_name")
        if to_field_name is not None and path[-1] != to_field_name:
            path.append(to_field_name)
        return follow_field_source(model, path, emit_warnings=False)
