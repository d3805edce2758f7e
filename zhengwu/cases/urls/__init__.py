from django.urls import path

from ..views import apply as views_apply
from ..views import flow as views_flow

app_name = "cases"

urlpatterns = [
    # The published flowchart (BPMN 2.0 XML) the item page's viewer loads.
    path("items/<str:code>/flow.bpmn", views_flow.item_flow_bpmn, name="item_flow_bpmn"),
    # Applying (issue 4 item 2): online, window entry, agent (代办); 我的办件; public status query.
    path("apply/", views_apply.apply_items, name="apply_items"),
    path("apply/<str:code>/", views_apply.apply, name="apply"),
    path("window/", views_apply.window_items, name="window_items"),
    path("window/<str:code>/", views_apply.window_apply, name="window_apply"),
    path("agent/", views_apply.agent_items, name="agent_items"),
    path("agent/<str:code>/", views_apply.agent_apply, name="agent_apply"),
    path("mine/", views_apply.mine, name="mine"),
    path("mine/<str:receipt_no>/", views_apply.mine_detail, name="mine_detail"),
    path("mine/<str:receipt_no>/resubmit/", views_apply.resubmit, name="resubmit"),
    path("status/", views_apply.status_query, name="status"),
]
