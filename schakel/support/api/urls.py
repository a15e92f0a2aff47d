from rest_framework.routers import SimpleRouter

from schakel.support.api import views

router = SimpleRouter()
router.register("questions", views.QuestionViewSet, basename="support-question")
router.register("cases", views.CaseViewSet, basename="support-case")
router.register("referrals", views.ReferralViewSet, basename="support-referral")

urlpatterns = router.urls
