"""The console's identity providers pages (``/identity-providers``): list, add SAML (metadata upload) and OIDC,
detail with edits, tags and delete; as root, a read-only user and a user without permissions."""

from __future__ import annotations

import re
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from iamconsole import operations
from identities.models import OpenIDConnectProvider, SAMLProvider
from tests.console import HTMX, signed_in
from tests.factories import iam_user
from tests.identities.test_identity_providers import metadata

THUMB = "a" * 40


def upload(document: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("metadata.xml", document.encode(), content_type="application/xml")


def add_saml(client: Any, name: str = "Okta", document: str | None = None) -> Any:
    return client.post(
        "/identity-providers/add", {"provider_type": "saml", "name": name, "metadata": upload(document or metadata())}
    )


def add_oidc(client: Any, url: str = "https://token.example.com", **extra: str) -> Any:
    data = {"provider_type": "oidc", "url": url, "client_ids": "app-1\napp-2", "thumbprints": THUMB, **extra}
    return client.post("/identity-providers/add", data)


def test_saml_and_oidc_providers_are_added_and_listed(root_client: Any, account: Any) -> None:
    assert root_client.get("/identity-providers/add").status_code == 200
    response = add_saml(root_client)
    assert response.status_code == 303
    saml = SAMLProvider.objects.get(name="Okta")
    assert response["Location"] == f"/identity-providers/{saml.arn}"
    assert add_oidc(root_client).status_code == 303
    oidc = OpenIDConnectProvider.objects.get()
    assert oidc.client_ids == ["app-1", "app-2"] and oidc.thumbprints == [THUMB]
    body = root_client.get("/identity-providers").content.decode()
    assert "Okta" in body and "SAML" in body
    assert "token.example.com" in body and "OpenID Connect" in body
    assert 'aria-current="page">Identity providers' in body
    partial = root_client.get("/identity-providers?q=token", **HTMX).content.decode()
    assert partial.lstrip().startswith('<div id="provider-table"')
    assert "Okta" not in partial


def test_bad_input_is_shown_on_the_add_form(root_client: Any, account: Any) -> None:
    bad_name = add_saml(root_client, name="no spaces allowed")
    assert bad_name.status_code == 400
    assert 'class="field-error"' in bad_name.content.decode()
    broken = add_saml(root_client, document="<not-metadata/>")
    assert broken.status_code in (400, 409)
    assert 'class="field-error"' in broken.content.decode()
    missing = root_client.post("/identity-providers/add", {"provider_type": "saml", "name": "Okta"})
    assert "Choose the metadata document" in missing.content.decode()
    http = add_oidc(root_client, url="http://token.example.com")
    assert http.status_code == 400
    bad_thumb = add_oidc(root_client, thumbprints="xyz")
    assert bad_thumb.status_code == 400
    assert not SAMLProvider.objects.exists() and not OpenIDConnectProvider.objects.exists()


def test_saml_detail_replaces_metadata_and_manages_tags(root_client: Any, account: Any) -> None:
    add_saml(root_client)
    arn = SAMLProvider.objects.get().arn
    page = root_client.get(f"/identity-providers/{arn}").content.decode()
    assert "2030-01-01" in page and arn in page
    replaced = root_client.post(
        "/identity-providers/edit",
        {"arn": arn, "change": "metadata", "metadata": upload(metadata("2031-06-01T00:00:00Z"))},
    )
    assert replaced.status_code == 303
    assert "2031-06-01" in root_client.get(f"/identity-providers/{arn}").content.decode()
    assert root_client.post("/identity-providers/tags", {"arn": arn, "key": "team", "value": "id"}).status_code == 303
    assert SAMLProvider.objects.get().tags == {"team": "id"}
    assert root_client.post("/identity-providers/tags", {"arn": arn, "remove": "team"}).status_code == 303
    assert SAMLProvider.objects.get().tags == {}


def test_oidc_detail_adds_and_removes_audiences_and_updates_thumbprints(root_client: Any, account: Any) -> None:
    add_oidc(root_client)
    arn = OpenIDConnectProvider.objects.get().arn
    assert "app-2" in root_client.get(f"/identity-providers/{arn}").content.decode()
    edit = "/identity-providers/edit"
    assert root_client.post(edit, {"arn": arn, "change": "add_client", "client_id": "app-3"}).status_code == 303
    unconfirmed = root_client.post(edit, {"arn": arn, "change": "remove_client", "client_id": "app-1"})
    assert unconfirmed.status_code == 400
    assert "Type remove to confirm" in unconfirmed.content.decode()
    remove = {"arn": arn, "change": "remove_client", "client_id": "app-1", "confirm": "remove"}
    assert root_client.post(edit, remove).status_code == 303
    assert OpenIDConnectProvider.objects.get().client_ids == ["app-2", "app-3"]
    new = "b" * 40
    assert (
        root_client.post(edit, {"arn": arn, "change": "thumbprints", "thumbprints": f"{new}\n{THUMB}"}).status_code
        == 303
    )
    assert OpenIDConnectProvider.objects.get().thumbprints == [new, THUMB]
    too_many = root_client.post(edit, {"arn": arn, "change": "thumbprints", "thumbprints": "\n".join([THUMB] * 6)})
    assert too_many.status_code in (400, 409)
    assert 'class="alert error"' in too_many.content.decode()


def test_delete_needs_the_word_delete(root_client: Any, account: Any) -> None:
    add_saml(root_client)
    arn = SAMLProvider.objects.get().arn
    refused = root_client.post("/identity-providers/delete", {"arn": arn, "confirm": "yes"})
    assert refused.status_code == 400
    assert "Type delete to confirm." in refused.content.decode()
    assert root_client.post("/identity-providers/delete", {"arn": arn, "confirm": "delete"}).status_code == 303
    assert not SAMLProvider.objects.exists()


def test_an_unknown_provider_is_not_found(root_client: Any, account: Any) -> None:
    response = root_client.get(f"/identity-providers/arn:aws:iam::{account.account_id}:saml-provider/ghost")
    assert response.status_code == 404
    assert root_client.get("/identity-providers/arn:aws:iam::1:user/bob").status_code == 404


def test_a_read_only_user_sees_providers_with_writes_disabled(reader_client: Any, account: Any) -> None:
    params = {"url": "https://token.example.com", "client_id_list": ["app-1"], "thumbprint_list": [THUMB]}
    arn = operations.run(account.root, "CreateOpenIDConnectProvider", params).arn
    assert "token.example.com" in reader_client.get("/identity-providers").content.decode()
    page = reader_client.get(f"/identity-providers/{arn}").content.decode()
    assert "You need the permission iam:DeleteOpenIDConnectProvider to do this." in page
    denied = reader_client.post("/identity-providers/delete", {"arn": arn, "confirm": "delete"})
    assert denied.status_code == 403
    assert '<code class="missing-action">iam:DeleteOpenIDConnectProvider</code>' in denied.content.decode()
    assert OpenIDConnectProvider.objects.exists()


def test_a_user_without_permissions_is_denied(client: Any, account: Any) -> None:
    nobody = signed_in(client, iam_user(account, "nobody"))
    response = nobody.get("/identity-providers")
    assert response.status_code == 403
    assert '<code class="missing-action">iam:ListSAMLProviders</code>' in response.content.decode()
    added = add_saml(nobody)
    assert added.status_code == 403
    assert '<code class="missing-action">iam:CreateSAMLProvider</code>' in added.content.decode()


def test_the_list_deletes_the_selected_provider_once_delete_is_typed(root_client: Any, account: Any) -> None:
    add_saml(root_client)
    add_oidc(root_client)
    saml = SAMLProvider.objects.get()
    body = root_client.get("/identity-providers").content.decode()
    assert f'<input type="radio" name="arn" value="{saml.arn}"' in body
    assert 'action="/identity-providers/delete"' in body and 'data-delete="1"' in body
    assert re.search(r'<button type="submit" class="danger" id="delete-provider" data-action="delete">', body)

    dialog = root_client.get("/identity-providers/delete", {"arn": saml.arn})
    assert dialog.status_code == 200
    assert "Delete Okta?" in dialog.content.decode() and 'data-confirm-text="delete"' in dialog.content.decode()
    mistyped = root_client.post("/identity-providers/delete", {"arn": saml.arn, "confirm": "delet", "from": "list"})
    assert mistyped.status_code == 400
    assert "Type delete to confirm." in mistyped.content.decode() and "Delete Okta?" in mistyped.content.decode()
    assert SAMLProvider.objects.exists()

    done = root_client.post("/identity-providers/delete", {"arn": saml.arn, "confirm": "delete", "from": "list"})
    assert done.status_code == 303 and done["Location"] == "/identity-providers"
    assert not SAMLProvider.objects.exists() and OpenIDConnectProvider.objects.exists()
    oidc = OpenIDConnectProvider.objects.get()
    data = {"arn": oidc.arn, "confirm": "delete", "from": "list"}
    assert root_client.post("/identity-providers/delete", data).status_code == 303
    assert not OpenIDConnectProvider.objects.exists()
    assert "Identity provider deleted." in root_client.get("/identity-providers").content.decode()


def test_the_list_delete_without_a_selection_or_of_an_unknown_provider(root_client: Any, account: Any) -> None:
    nothing = root_client.get("/identity-providers/delete", follow=True)
    assert "Select an identity provider, then choose Delete." in nothing.content.decode()
    ghost = f"arn:aws:iam::{account.account_id}:saml-provider/ghost"
    assert root_client.get("/identity-providers/delete", {"arn": ghost}).status_code == 404
    gone = root_client.post("/identity-providers/delete", {"arn": ghost, "confirm": "delete", "from": "list"})
    assert gone.status_code == 404 and "NoSuchEntity" in gone.content.decode()


def test_the_list_delete_is_disabled_and_denied_to_a_reader(reader_client: Any, account: Any) -> None:
    params = {"url": "https://token.example.com", "client_id_list": ["app-1"], "thumbprint_list": [THUMB]}
    arn = operations.run(account.root, "CreateOpenIDConnectProvider", params).arn
    body = reader_client.get("/identity-providers").content.decode()
    assert 'data-delete=""' in body
    assert re.search(r'id="delete-provider" data-action="delete" disabled title="You need the permission', body)
    dialog = reader_client.get("/identity-providers/delete", {"arn": arn}).content.decode()
    assert "You need the permission iam:DeleteOpenIDConnectProvider to do this." in dialog
    assert "data-confirm-submit" not in dialog
    denied = reader_client.post("/identity-providers/delete", {"arn": arn, "confirm": "delete", "from": "list"})
    assert denied.status_code == 403
    assert '<code class="missing-action">iam:DeleteOpenIDConnectProvider</code>' in denied.content.decode()
    assert OpenIDConnectProvider.objects.exists()
