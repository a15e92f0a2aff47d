"""`{% next_free_slot offering as slot %}`: the first free period of the offering's resource
(for a facility's offering: its first bookable resource by name), for the catalogue's offering
page (which includes `facilities/_next_free_slot.html`) and the matching results.

A page listing offerings avoids looking each resource up by prefetching the offerings'
`facility_resource__facility` and `facility__resources` (the matching results do).
"""

from django import template
from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone

from schakel.facilities import availability

register = template.Library()


def _bookable(resource) -> bool:
    return resource.is_bookable and resource.is_active and resource.facility.is_active


def _related(offering, name: str):
    """A reverse one-to-one of the offering, or None (no query when it was prefetched)."""
    try:
        return getattr(offering, name)
    except ObjectDoesNotExist:
        return None


def _resource_for(offering):
    """The bookable resource behind `offering`: its own resource, or, for a facility's
    offering, the facility's first bookable resource by name."""
    resource = _related(offering, "facility_resource")
    if resource is not None:
        return resource if _bookable(resource) else None
    facility = _related(offering, "facility")
    if facility is None:
        return None
    bookable = [r for r in facility.resources.all() if _bookable(r)]
    return min(bookable, key=lambda r: (r.name, r.pk), default=None)


@register.simple_tag
def next_free_slot(offering):
    if offering is None or not getattr(offering, "pk", None):
        return None
    resource = _resource_for(offering)
    if resource is None:
        return None
    found = availability.next_free_slot(resource, timezone.now())
    return {"resource": resource, "start": found[0] if found else None}
