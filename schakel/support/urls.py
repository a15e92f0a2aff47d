from django.urls import path

from schakel.support.views import company, figures, intake, partner, staff

app_name = "support"

urlpatterns = [
    # Public
    path("ask/", intake.ask, name="ask"),
    path("ask/thanks/", intake.ask_done, name="ask_done"),
    # Staff
    path("inbox/", staff.inbox, name="inbox"),
    path("inbox/new/", staff.staff_new, name="staff_new"),
    path("inbox/<int:pk>/", staff.case_detail, name="case_detail"),
    path("inbox/<int:pk>/triage/", staff.case_triage, name="case_triage"),
    path("inbox/<int:pk>/transition/", staff.case_transition, name="case_transition"),
    path("inbox/<int:pk>/notes/", staff.case_note, name="case_note"),
    path("inbox/<int:pk>/tasks/", staff.case_task, name="case_task"),
    path("inbox/<int:pk>/tasks/<int:task_pk>/done/", staff.task_done, name="task_done"),
    path("inbox/<int:pk>/attachments/", staff.case_attachment, name="case_attachment"),
    path("inbox/<int:pk>/messages/", staff.case_message, name="case_message"),
    path("inbox/<int:pk>/referrals/", staff.case_refer, name="case_refer"),
    path(
        "inbox/<int:pk>/referrals/<int:referral_pk>/consent/",
        staff.referral_consent,
        name="referral_consent",
    ),
    path("attachments/<int:pk>/", staff.attachment_download, name="attachment_download"),
    path("figures/", figures.figures, name="figures"),
    path("figures/export.<str:fmt>", figures.figures_export, name="figures_export"),
    # Partners
    path("partner/", partner.partner_inbox, name="partner_inbox"),
    path("partner/<int:pk>/", partner.partner_detail, name="partner_detail"),
    path("partner/<int:pk>/respond/", partner.partner_respond, name="partner_respond"),
    path("partner/<int:pk>/outcome/", partner.partner_outcome, name="partner_outcome"),
    # Companies
    path("my/", company.my_list, name="my_list"),
    path("my/new/", intake.my_new, name="my_new"),
    path("my/<int:pk>/", company.my_detail, name="my_detail"),
    path("my/<int:pk>/reply/", company.my_reply, name="my_reply"),
    path(
        "my/<int:pk>/referrals/<int:referral_pk>/consent/",
        company.my_consent,
        name="my_consent",
    ),
]
