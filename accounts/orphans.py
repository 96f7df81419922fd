"""Private files no row refers to any more (孤立文件), and their removal.

Every action writes its files before its transaction commits and deletes them again when it fails
(workflows.documents.files_removed_on_failure). A process killed between the two (OOM, SIGKILL,
power loss) leaves a file on disk whose row was rolled back: unreachable through any view, but
still personal data kept without purpose. The daily purge (purge_expired) removes such files once
they are older than a grace period, so a file whose transaction is still open is never touched.
"""

from django.apps import apps
from django.db import models
from django.utils import timezone

from core.storage import private_storage

ORPHAN_GRACE_SECONDS = 24 * 60 * 60


def private_file_fields():
    """{folder: [(model, field name), ...]} for every FileField stored in private storage; the
    folder is the one core.storage.private_upload_path gives the model's files."""
    folders = {}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField) and getattr(field, "_storage_callable", None) is private_storage:
                folder = f"{model._meta.app_label}/{model._meta.model_name}"
                folders.setdefault(folder, []).append((model, field.name))
    return folders


def orphan_files(max_age=ORPHAN_GRACE_SECONDS):
    """Names of private files older than max_age seconds that no row refers to."""
    storage = private_storage()
    cutoff = timezone.now().timestamp() - max_age
    orphans = []
    for folder, fields in private_file_fields().items():
        try:
            _dirs, files = storage.listdir(folder)
        except (FileNotFoundError, NotADirectoryError):
            continue
        referenced = set()
        for model, name in fields:
            referenced.update(model._base_manager.exclude(**{name: ""}).values_list(name, flat=True))
        for filename in files:
            path = f"{folder}/{filename}"
            if path in referenced:
                continue
            try:
                if storage.get_modified_time(path).timestamp() < cutoff:
                    orphans.append(path)
            except OSError:
                continue
    return orphans


def purge_orphan_files(max_age=ORPHAN_GRACE_SECONDS):
    storage = private_storage()
    removed = 0
    for path in orphan_files(max_age):
        try:
            storage.delete(path)
        except OSError:
            continue
        removed += 1
    return removed
