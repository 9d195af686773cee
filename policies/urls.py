from django.urls import path

from policies.views import editor, policies, simulator

app_name = "policies"
urlpatterns = [
    path("policies", policies.policy_list, name="policy-list"),
    path("policies/create", policies.policy_create, name="policy-create"),
    path("policies/simulator", simulator.simulator, name="simulator"),
    path("policies/simulator/actions", simulator.action_search, name="simulator-actions"),
    path("policies/editor/validate", editor.policy_validate, name="policy-validate"),
    path("policies/editor/import", editor.policy_import_search, name="policy-import-search"),
    path("policies/editor/import/<str:policy_id>", editor.policy_import, name="policy-import"),
    path("policies/arn:<path:policy_arn>", policies.policy_by_arn, name="policy-by-arn"),
    path("policies/<str:policy_id>", policies.policy_detail, name="policy-detail"),
    path("policies/<str:policy_id>/versions", policies.version_create, name="version-create"),
    path("policies/<str:policy_id>/versions/compare", policies.version_compare, name="version-compare"),
    path(
        "policies/<str:policy_id>/versions/<str:version_id>/default",
        policies.version_set_default,
        name="version-set-default",
    ),
    path("policies/<str:policy_id>/versions/<str:version_id>/delete", policies.version_delete, name="version-delete"),
    path("policies/<str:policy_id>/attach", policies.policy_attach, name="policy-attach"),
    path("policies/<str:policy_id>/detach", policies.policy_detach, name="policy-detach"),
    path("policies/<str:policy_id>/boundary", policies.boundary_set, name="boundary-set"),
    path("policies/<str:policy_id>/boundary/remove", policies.boundary_remove, name="boundary-remove"),
    path("policies/<str:policy_id>/tags", policies.tag_add, name="tag-add"),
    path("policies/<str:policy_id>/tags/remove", policies.tag_remove, name="tag-remove"),
    path("policies/<str:policy_id>/delete", policies.policy_delete, name="policy-delete"),
]
