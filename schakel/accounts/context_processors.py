def acting_company(request):
    company = getattr(request, "acting_company", None)
    return {"acting_company": company if company else None}
