"""Case-insensitive unique usernames; one individual account (个人用户) per ID number.

The registration form checked both, but only before saving: two registrations at the same moment
both passed (outside review, docs/security.md). Before the constraints are created, the individual's ID
number is copied onto its organisation (where the constraint can see the kind), and rows that
would break a constraint are listed with what to do, instead of a bare IntegrityError.
"""

from collections import defaultdict

import django.db.models.functions.text
from django.db import migrations, models


class DuplicateAccounts(Exception):
    """Existing rows that the new unique constraints would refuse; the operator resolves them."""


def _mask(id_number):
    # As accounts/masking.py mask_id_number (a migration keeps its own copy: it must not change later).
    if len(id_number) <= 10:
        return "*" * (len(id_number) - 1) + id_number[-1:]
    return id_number[:6] + "*" * (len(id_number) - 10) + id_number[-4:]


def duplicates_report(usernames, individuals):
    """The text for the operator, or "" when nothing collides.

    usernames: (user pk, username) pairs; individuals: (organisation pk, ID number, member usernames).
    """
    by_name = defaultdict(list)
    for pk, username in usernames:
        by_name[username.lower()].append(f"{username} (id {pk})")
    by_id_number = defaultdict(list)
    for pk, id_number, members in individuals:
        if id_number:
            by_id_number[id_number.upper()].append(f"单位 id {pk} ({', '.join(members) or '-'})")
    lines = []
    for group in by_name.values():
        if len(group) > 1:
            lines.append("  用户名仅大小写不同 / usernames differing only in case: " + "; ".join(group))
    for id_number, group in by_id_number.items():
        if len(group) > 1:
            lines.append(
                f"  同一身份证号的个人用户 / individuals with ID number {_mask(id_number)}: " + "; ".join(group)
            )
    if not lines:
        return ""
    return "\n".join(
        [
            "accounts 0004 cannot add its unique constraints: these accounts collide.",
            *lines,
            "Resolve each group, then run `python manage.py migrate` again: rename all but one of the users "
            "(Wagtail admin → 设置 → 用户, or `manage.py shell`), and for two individual accounts of one person "
            "keep one and deactivate the other after clearing its ID number (User.id_number and its "
            "organisation's contact_id_number). Nothing has been changed.",
        ]
    )


def check_and_backfill(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    Organisation = apps.get_model("accounts", "Organisation")
    # An individual's own ID number lives on the user; the constraint needs it on the organisation.
    for organisation in Organisation.objects.filter(kind="individual", contact_id_number=""):
        member = User.objects.filter(organisation=organisation).exclude(id_number="").order_by("pk").first()
        if member is not None:
            organisation.contact_id_number = member.id_number.upper()
            organisation.save(update_fields=["contact_id_number"])
    members = defaultdict(list)
    for organisation_id, username in User.objects.filter(organisation__kind="individual").values_list(
        "organisation_id", "username"
    ):
        members[organisation_id].append(username)
    individuals = [
        (pk, id_number, members[pk])
        for pk, id_number in Organisation.objects.filter(kind="individual").values_list("pk", "contact_id_number")
    ]
    report = duplicates_report(User.objects.values_list("pk", "username"), individuals)
    if report:
        # Raised inside the migration's transaction: the backfill above is rolled back with it.
        raise DuplicateAccounts(report)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_outbound_message"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(check_and_backfill, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="organisation",
            constraint=models.UniqueConstraint(
                condition=models.Q(("kind", "individual"), models.Q(("contact_id_number", ""), _negated=True)),
                fields=("contact_id_number",),
                name="accounts_individual_id_number_unique",
                violation_error_message="该身份证号码已注册个人账号，请直接登录。",
            ),
        ),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("username"),
                name="accounts_user_username_ci_unique",
                violation_error_message="该用户名已被注册，请换一个。",
            ),
        ),
    ]
