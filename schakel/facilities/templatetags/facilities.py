"""`{% next_free_slot offering as slot %}`: the first free period of the offering's resource,
for the catalogue's offering page (which includes `facilities/_next_free_slot.html`)."""

from django import template
from django.utils import timezone

from schakel.facilities import availability
from schakel.facilities.models import Resource

register = template.Library()


@register.simple_tag
def next_free_slot(offering):
    if offering is None or not getattr(offering, "pk", None):
        return None
    resource = (
        Resource.objects.bookable().select_related("facility").filter(offering=offering).first()
    )
    if resource is None:
        resource = (
            Resource.objects.bookable()
            .select_related("facility")
            .filter(facility__offering=offering)
            .order_by("name")
            .first()
        )
    if resource is None:
        return None
    found = availability.next_free_slot(resource, timezone.now())
    return {"resource": resource, "start": found[0] if found else None}
