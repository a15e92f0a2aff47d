"""`{% load matching %}{% offering_stats offering %}`: what matching learnt about an offering.

The catalogue's staff page includes `matching/_offering_stats.html`, which calls this tag, so
the catalogue never imports the matching app.
"""

from django import template

from schakel.matching.services import feedback_stats

register = template.Library()


@register.inclusion_tag("matching/_offering_stats_card.html", takes_context=True)
def offering_stats(context, offering):
    request = context.get("request")
    user = getattr(request, "user", None)
    if offering is None or not getattr(user, "is_agency", False):
        return {"show": False}
    return {"show": True, "offering": offering, "stats": feedback_stats(offering)}
