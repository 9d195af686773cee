from django.urls import path

from policies.views import editor, entities, policies, simulator, versions

app_name = "policies"
urlpatterns = [
    path("policies", policies.policy_list, name="policy-list"),
    path("policies/create", policies.policy_create, name="policy-create"),
    path("policies/action", policies.policy_action, name="policy-action"),
    path("policies/simulator", simulator.simulator, name="simulator"),
    path("policies/simulator/actions", simulator.action_search, name="simulator-actions"),
    path("policies/editor/validate", editor.policy_validate, name="policy-validate"),
    path("policies/editor/import", editor.policy_import_search, name="policy-import-search"),
    path("policies/editor/import/<str:policy_id>", editor.policy_import, name="policy-import"),
    path("policies/arn:<path:policy_arn>", policies.policy_by_arn, name="policy-by-arn"),
    path("policies/<str:policy_id>", policies.policy_detail, name="policy-detail"),
    path("policies/<str:policy_id>/versions", versions.version_create, name="version-create"),
    path("policies/<str:policy_id>/versions/compare", versions.version_compare, name="version-compare"),
    path(
        "policies/<str:policy_id>/versions/<str:version_id>/default",
        versions.version_set_default,
        name="version-set-default",
    ),
    path("policies/<str:policy_id>/versions/<str:version_id>/delete", versions.version_delete, name="version-delete"),
    path("policies/<str:policy_id>/attach", entities.policy_attach, name="policy-attach"),
    path("policies/<str:policy_id>/detach", entities.policy_detach, name="policy-detach"),
    path("policies/<str:policy_id>/boundary", entities.boundary_set, name="boundary-set"),
    path("policies/<str:policy_id>/boundary/remove", entities.boundary_remove, name="boundary-remove"),
    path("policies/<str:policy_id>/tags", entities.tag_add, name="tag-add"),
    path("policies/<str:policy_id>/tags/remove", entities.tag_remove, name="tag-remove"),
    path("policies/<str:policy_id>/delete", policies.policy_delete, name="policy-delete"),
]
