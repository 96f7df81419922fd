"""`manage.py bench_data` (the data half of `make bench`) at toy size: the manifest keeps its promises.

The bench app is not installed in the test settings; the command is called as an instance. On
SQLite the rows go in through executemany instead of PostgreSQL's COPY, the same tuples either way.
"""

import json
from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from bench.management.commands.bench_data import Command
from workflows import permissions, services
from workflows.models import (
    AccessLog,
    Application,
    ApplicationAttachment,
    ApplicationGroupObjectPermission,
    ApplicationState,
    Document,
    DocumentKind,
    DocumentSequence,
    License,
)
from workflows.staff_admin.access import staff_queryset

pytestmark = pytest.mark.django_db
User = get_user_model()

ORGANISATIONS, APPLICATIONS, SAMPLE = 20, 120, 3


@pytest.fixture
def manifest(tmp_path):
    path = tmp_path / "manifest.json"
    out = StringIO()
    call_command(
        Command(),
        organisations=ORGANISATIONS,
        applications=APPLICATIONS,
        sample=SAMPLE,
        manifest=str(path),
        stdout=out,
    )
    return json.loads(path.read_text("utf-8"))


def log_in(username, password):
    # django-axes' backend needs the request it would rate-limit.
    return authenticate(request=RequestFactory().post("/accounts/login/"), username=username, password=password)


def test_bench_data_keeps_the_manifests_promises(manifest, client):
    counts = manifest["counts"]
    assert counts["applicant_organisations"] == ORGANISATIONS
    assert set(counts["by_state"]) == set(ApplicationState.values)
    assert all(n > 0 for n in counts["by_state"].values()), counts["by_state"]
    # load_demo's 3 + 11 templates + the clones + each sampled applicant's 11 extra drafts
    assert counts["applications"] == Application.objects.count() >= APPLICATIONS + SAMPLE * 11
    assert counts["authorities_with_applications"] >= 2  # SAMR and at least one province
    assert counts["licences"] == License.objects.count() > 0
    assert counts["access_logs"] == AccessLog.objects.count() > 0

    # Applicants: they log in with the shared password and see their own applications.
    assert len(manifest["applicants"]) == SAMPLE
    for entry in manifest["applicants"]:
        user = log_in(entry["username"], manifest["password"])
        assert user is not None
        visible = permissions.visible_applications(user)
        assert visible.count() == Application.objects.filter(applicant=user.organisation).count()

        detail = visible.get(uuid=entry["detail"])
        assert detail.state != ApplicationState.DRAFT
        decision = Document.objects.get(uuid=entry["acceptance_decision"])
        assert decision.kind == DocumentKind.ACCEPTANCE_DECISION
        assert decision.application.applicant_id == user.organisation_id
        assert decision.file.storage.exists(decision.file.name)  # shared with the template, not copied
        assert visible.get(uuid=entry["print"]).state != ApplicationState.DRAFT

        draft = visible.get(uuid=entry["draft"])
        assert draft.state == ApplicationState.DRAFT
        assert entry["draft_pages"] == list(range(1, len(draft.schema_version.parsed.pages) + 1))
        assert len(entry["submittable"]) == 10
        for uuid in entry["submittable"]:
            submittable = visible.get(uuid=uuid)
            assert submittable.state == ApplicationState.DRAFT
            assert submittable.schema_version.parsed.problems(submittable.data) == []
            # the form's file references point at this clone's own attachment rows
            refs = [ref["id"] for value in submittable.data.values() if isinstance(value, list) for ref in value
                    if isinstance(ref, dict) and "id" in ref]  # fmt: skip
            assert refs and set(refs) == {
                str(a)
                for a in ApplicationAttachment.objects.filter(application=submittable).values_list("uuid", flat=True)
            }

    # The pages answer for a logged-in applicant (form page, detail, decision letter).
    first = manifest["applicants"][0]
    response = client.post("/accounts/login/", {"username": first["username"], "password": manifest["password"]})
    assert response.status_code == 302
    assert client.get(f"/applications/{first['detail']}/").status_code == 200
    assert client.get(f"/applications/{first['draft']}/pages/1/").status_code == 200
    assert client.get(f"/applications/documents/{first['acceptance_decision']}/").status_code == 200

    # One submittable draft submits through the real service.
    user = User.objects.get(username=first["username"])
    draft = Application.objects.get(uuid=first["submittable"][0])
    submitted = services.submit_application(draft, user)
    assert submitted.state == ApplicationState.SUBMITTED and submitted.reference
    assert ApplicationGroupObjectPermission.objects.filter(
        content_object=submitted, group=submitted.authority.group, permission__codename="process_application"
    ).exists()

    # Staff: password, a confirmed TOTP device with the manifest's key, and work in the queue.
    assert manifest["authority_staff"] and manifest["review_body_staff"]
    for entry in manifest["authority_staff"] + manifest["review_body_staff"]:
        user = log_in(entry["username"], manifest["password"])
        assert user is not None and user.is_staff
        device = TOTPDevice.objects.get(user=user, confirmed=True)
        assert device.key == entry["totp_key_hex"]
        assert device.verify_token(totp(bytes.fromhex(entry["totp_key_hex"])))
        assert staff_queryset(user).filter(uuid=entry["detail"]).exists()
    officer = User.objects.get(username=manifest["authority_staff"][0]["username"])
    assert officer.organisation.name == manifest["authority_staff"][0]["authority"]

    # 文号 counters continue after the numbers the clones used (e.g. （京）特受〔2026〕12号).
    for sequence in DocumentSequence.objects.exclude(kind=DocumentKind.LICENSE):
        issued = Document.objects.filter(
            application__authority=sequence.authority_id, kind=sequence.kind, number__contains=f"〔{sequence.year}〕"
        )
        assert sequence.last >= issued.count() > 0
        assert issued.filter(number__endswith=f"〕{sequence.last}号").exists()

    assert manifest["catalogue_url"] and manifest["item_urls"]
    assert client.get(manifest["item_urls"][0]).status_code == 200

    # A second run refuses to pile more bench data on top.
    with pytest.raises(CommandError):
        call_command(Command(), organisations=2, applications=20, sample=1, manifest="/dev/null", stdout=StringIO())
