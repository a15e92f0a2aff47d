"""Which company a company user acts for in this session."""

from django.utils.functional import SimpleLazyObject

SESSION_KEY = "acting_company_id"


def get_acting_company(request):
    """The company the user picked among their mandates (the first one if none picked)."""
    user = request.user
    if not user.is_authenticated or not user.is_company_user:
        return None
    from schakel.register.models import Organisation

    companies = Organisation.objects.filter(pk__in=user.represented_company_ids())
    chosen = request.session.get(SESSION_KEY)
    company = companies.filter(pk=chosen).first() if chosen else None
    return company or companies.order_by("name").first()


class ActingCompanyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.acting_company = SimpleLazyObject(lambda: get_acting_company(request))
        return self.get_response(request)
