from django.urls import path

from . import views
from .views import staff as views_staff

app_name = "participation"

urlpatterns = [
    # Public: /canyu/ is the portal's 公众参与 section.
    path("canyu/zhengji/", views.solicitation_list, name="solicitation_list"),
    path("canyu/zhengji/<int:solicitation_id>/", views.solicitation_detail, name="solicitation_detail"),
    path("canyu/zhengji/<int:solicitation_id>/comment/", views.comment_submit, name="comment_submit"),
    path("canyu/diaocha/", views.questionnaire_list, name="questionnaire_list"),
    path("canyu/diaocha/<int:questionnaire_id>/", views.questionnaire_detail, name="questionnaire_detail"),
    path("canyu/diaocha/<int:questionnaire_id>/results/", views.questionnaire_results, name="questionnaire_results"),
    # Staff.
    path("office/participation/", views_staff.office, name="office"),
    path("office/participation/solicitations/new/", views_staff.solicitation_new, name="office_solicitation_new"),
    path("office/participation/solicitations/<int:solicitation_id>/", views_staff.solicitation_manage,
         name="office_solicitation"),
    path("office/participation/solicitations/<int:solicitation_id>/articles/", views_staff.solicitation_articles,
         name="office_solicitation_articles"),
    path("office/participation/solicitations/<int:solicitation_id>/publish/", views_staff.solicitation_publish,
         name="office_solicitation_publish"),
    path("office/participation/solicitations/<int:solicitation_id>/comments/<int:comment_id>/publish/",
         views_staff.comment_publish, name="office_comment_publish"),
    path("office/participation/solicitations/<int:solicitation_id>/comments/<int:comment_id>/decide/",
         views_staff.comment_decide, name="office_comment_decide"),
    path("office/participation/solicitations/<int:solicitation_id>/groups/", views_staff.adoption_group,
         name="office_adoption_group"),
    path("office/participation/solicitations/<int:solicitation_id>/summary/", views_staff.summary_publish,
         name="office_summary_publish"),
    path("office/participation/questionnaires/new/", views_staff.questionnaire_new, name="office_questionnaire_new"),
    path("office/participation/questionnaires/<int:questionnaire_id>/", views_staff.questionnaire_manage,
         name="office_questionnaire"),
    path("office/participation/questionnaires/<int:questionnaire_id>/questions/", views_staff.question_add,
         name="office_question_add"),
    path("office/participation/questionnaires/<int:questionnaire_id>/questions/<int:question_id>/delete/",
         views_staff.question_delete, name="office_question_delete"),
    path("office/participation/questionnaires/<int:questionnaire_id>/publish/", views_staff.questionnaire_publish,
         name="office_questionnaire_publish"),
    path("office/participation/questionnaires/<int:questionnaire_id>/export.xlsx", views_staff.questionnaire_export,
         name="office_questionnaire_export"),
]
