"""Issuing documents: render once through the one PDF helper, store, never change.

Each document kind has its template at templates/pdf/documents/<kind>.html; the context always
holds `application`, `items`, `document` (kind label, number, issued date), the authority and
the applicant, plus what the kind needs (the correction notice, the review body, the reasons,
the licence, the feedback). A rendering failure raises, and the action's transaction rolls back
with it: no decision without its document.
"""

import contextlib
import contextvars

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone, translation

from forms_config.pdf import render_pdf

from .models import Document, DocumentKind

# Files written during the current action, deleted again if the action fails: the rows roll back
# with the transaction, the files in storage would not.
_written = contextvars.ContextVar("workflows_written_files", default=None)


def track(field_file):
    written = _written.get()
    if written is not None:
        written.append((field_file.storage, field_file.name))


@contextlib.contextmanager
def files_removed_on_failure():
    written = []
    token = _written.set(written)
    try:
        yield
    except BaseException:
        for storage, name in written:
            with contextlib.suppress(OSError):
                storage.delete(name)
        raise
    finally:
        _written.reset(token)


def template_for(kind):
    return f"pdf/documents/{kind}.html"


def issue(application, kind, user, event=None, number="", **context):
    issued_on = timezone.localdate()
    context = {
        "application": application,
        "items": list(application.items.all()),
        "applicant": application.applicant,
        "authority": application.authority,
        "document": {"kind": DocumentKind(kind).label, "number": number, "issued_on": issued_on},
        **context,
    }
    # An issued document is the authority's official text, in Chinese, whatever language the
    # officer's screen happens to use (DOMAIN.md "Documents").
    with translation.override(settings.LANGUAGE_CODE):
        content = render_pdf(template_for(kind), context)
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
    document.save()
    return document
