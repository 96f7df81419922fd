"""The private files on disk, to find one left without its row."""

from django.conf import settings


def private_files():
    root = settings.PRIVATE_MEDIA_ROOT
    return {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()
