from django.urls import path

from schakel.funding.views import applications, calls, deminimis, evaluations, figures

app_name = "funding"

urlpatterns = [
    path("", calls.call_list, name="call_list"),
    path("calls/<int:pk>/", calls.call_detail, name="call_detail"),
    path("calls/<int:call_pk>/apply/", applications.application_new, name="application_new"),
    path("applications/", applications.application_list, name="application_list"),
    path("applications/<int:pk>/", applications.application_detail, name="application_detail"),
    path("applications/<int:pk>/edit/", applications.application_edit, name="application_edit"),
    path(
        "applications/<int:pk>/submit/", applications.application_submit, name="application_submit"
    ),
    path(
        "applications/<int:pk>/new-version/",
        applications.application_new_version,
        name="application_new_version",
    ),
    path(
        "applications/<int:pk>/withdraw/",
        applications.application_withdraw,
        name="application_withdraw",
    ),
    path("applications/<int:pk>/summary.pdf", applications.application_pdf, name="application_pdf"),
    path("applications/<int:pk>/documents/", applications.document_upload, name="document_upload"),
    path(
        "applications/<int:pk>/documents/<int:document_pk>/",
        applications.document_download,
        name="document_download",
    ),
    path("applications/<int:pk>/evaluators/", applications.assign, name="assign"),
    path("applications/<int:pk>/decision/", applications.decide, name="decide"),
    path("applications/<int:pk>/ledger/", applications.ledger_entry, name="ledger_entry"),
    path(
        "applications/<int:pk>/ledger/<int:entry_pk>/reverse/",
        applications.ledger_reverse,
        name="ledger_reverse",
    ),
    path(
        "applications/<int:pk>/ledger/<int:entry_pk>/proof/",
        applications.proof_download,
        name="proof_download",
    ),
    path("applications/<int:pk>/indicators/", applications.indicators, name="indicators"),
    path("evaluations/", evaluations.my_evaluations, name="my_evaluations"),
    path("evaluations/<int:pk>/", evaluations.evaluation, name="evaluation"),
    path("programmes/", figures.programme_list, name="programme_list"),
    path("programmes/<int:pk>/", figures.programme_dashboard, name="programme_dashboard"),
    path("programmes/<int:pk>/figures.xlsx", figures.programme_export, name="programme_export"),
    path("programmes/<int:pk>/report.pdf", figures.programme_report, name="programme_report"),
    path("de-minimis/", deminimis.aid_list, name="aid_list"),
    path("de-minimis/<int:organisation_pk>/", deminimis.aid_position, name="aid_position"),
]
