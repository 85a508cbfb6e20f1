"""Page URLs: /workflows/… (names `workflows:*`), the cross-workflow /workflow-orders/ and
/blotter/."""

from django.urls import path

from workflows import views
from workflows.views import exposure

app_name = "workflows"

urlpatterns = [
    path("workflows/", views.workflow_list, name="list"),
    path("workflows/new/", views.workflow_create, name="create"),
    path("workflows/<uuid:workflow_id>/", views.workflow_detail, name="detail"),
    path("workflows/<uuid:workflow_id>/edit/", views.workflow_edit, name="edit"),
    path("workflows/<uuid:workflow_id>/orders/", views.workflow_history, name="history"),
    path("workflows/<uuid:workflow_id>/chart.svg", views.workflow_chart, name="chart"),
    path("workflows/<uuid:workflow_id>/enabled/", views.workflow_toggle, name="toggle"),
    path("workflows/<uuid:workflow_id>/archive/", views.workflow_archive, name="archive"),
    path("workflows/<uuid:workflow_id>/run/", views.workflow_run, name="run"),
    path("workflow-orders/", views.order_list, name="orders"),
    path("status/", views.status_page, name="status"),
    path("workflow-orders/<uuid:order_id>/", exposure.order_detail, name="order"),
    path("status/exposure/", exposure.exposure_page, name="exposure"),
    path("status/exposure/orders/<str:broker_order_id>/cancel/", exposure.cancel_order,
         name="cancel_order"),
    path("blotter/", views.blotter_page, name="blotter"),
]
