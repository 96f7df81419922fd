"""Issuing documents: render once through the one PDF helper, store, never change.

Each document kind has its template at templates/pdf/documents/<kind>.html; the context always
holds `application`, `items`, `document` (kind label, number, issued date), the authority and
the applicant, plus what the kind needs (the correction notice, the review body, the reasons,
the licence, the feedback). A rendering failure raises, and the action's transaction rolls back
with it: no decision without its document.

Each document is signed for its authority right after rendering (workflows/signing.py, PAdES
through workflows/pdf_signing.py), so the stored file and its sha256 are the signed ones. A
signing failure is a DocumentNotSigned: a ValidationError, so the action rolls back, its file is
removed (files_removed_on_failure) and the action's form shows staff the reason in Chinese.
"""

import contextlib
import contextvars
import logging
import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from forms_config.pdf import render_pdf

from . import signing
from .models import Document, DocumentKind

logger = logging.getLogger(__name__)

# Files written during the current action, deleted again if the action fails: the rows roll back
# with the transaction, the files in storage would not. Files whose rows the action deletes go
# only after the commit (delete_on_success), or a rolled-back deletion would leave a row without
# its file.
_written = contextvars.ContextVar("workflows_written_files", default=None)


def track(field_file):
    written = _written.get()
    if written is not None:
        written.append((field_file.storage, field_file.name))


def delete_on_success(field_file):
    """Delete the file once the transaction that deleted its row has committed (at once outside
    a transaction); never if it rolls back. Deleting it before the commit would leave a row
    without its file whenever the deletion is undone (a failure, a lost race)."""
    files = [(field_file.storage, field_file.name)]
    transaction.on_commit(lambda: _remove(files), robust=True)


@contextlib.contextmanager
def files_removed_on_failure():
    """Wrap around transaction.atomic(): files written inside are deleted if the block fails.
    A nested block hands its list to the enclosing one, which alone knows whether everything
    committed."""
    outer_written = _written.get()
    written = []
    token = _written.set(written)
    try:
        yield
    except BaseException:
        _remove(written)
        raise
    finally:
        _written.reset(token)
    if outer_written is not None:
        outer_written.extend(written)


def _remove(files):
    for storage, name in files:
        with contextlib.suppress(OSError):
            storage.delete(name)


class DocumentNotSigned(ValidationError):
    """The document could not be signed (workflows.signing.SigningError): nothing is issued."""


def signed(content, authority):
    """`content` signed for `authority`, or DocumentNotSigned with the reason for staff."""
    try:
        return signing.sign_for_authority(content, authority)
    except signing.SigningError as error:
        message = gettext("文书未能加盖电子签章，本次办理未生效：%(reason)s") % {"reason": error}
        raise DocumentNotSigned(message, code="signing") from error


def template_for(kind):
    return f"pdf/documents/{kind}.html"


def issue(application, kind, user, event=None, number="", issued_on=None, **context):
    """Render, store and return the document; `issued_on` is the date it bears (today unless the
    law dates it otherwise: the 受理决定书 of an application deemed accepted bears the receipt day)."""
    issued_on = issued_on or timezone.localdate()
    context = {
        "application": application,
        "items": list(application.items.all()),
        "applicant": application.applicant,
        "authority": application.authority,
        "document": {"kind": DocumentKind(kind).label, "number": number, "issued_on": issued_on},
        **context,
    }
    # An issued document is the authority's official text, in Chinese, whatever language the
    # officer's screen happens to use (docs/domain.md, "Documents issued").
    with translation.override(settings.LANGUAGE_CODE):
        content = render_pdf(template_for(kind), context)
    content = signed(content, application.authority)
    document = Document(
        application=application,
        kind=kind,
        number=number,
        issued_by=user,
        event=event,
        sha256=Document.digest(content),
    )
    document.file.save(f"{kind}.pdf", ContentFile(content), save=False)
    track(document.file)
    _fault_injection_pause()
    document.save()
    return document


def _fault_injection_pause():
    """Test-only: pause `settings.FAULT_INJECTION_SLEEP` seconds between writing a document's file
    and its row (the worst moment to die), so tests/security/test_crash_consistency.py can kill
    a real server in the middle of an action. Inert unless that setting is set: no settings
    module of the site defines it, only that test's."""
    seconds = getattr(settings, "FAULT_INJECTION_SLEEP", 0)
    if seconds:
        logger.warning("fault injection: pausing %s s in documents.issue", seconds)
        time.sleep(seconds)
