"""The database state the tests share."""


def restore_migration_data(django_db_blocker):
    """Put the migrations' data (regions, Wagtail's root page, groups, ...) back after a module of
    transactional tests. Their teardown empties every table, and serialized_rollback reloads that
    data only at the *start* of the next such test; `--dist loadfile` orders files by size, not
    transactional last as pytest-django does, so an ordinary test may run next on this worker.
    Saving the serialized rows again is harmless when nothing was flushed (same keys)."""
    from django.db import connections

    with django_db_blocker.unblock():
        for alias in connections:
            contents = getattr(connections[alias], "_test_serialized_contents", None)
            if contents:
                connections[alias].creation.deserialize_db_from_string(contents)
