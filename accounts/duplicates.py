"""Who is registered already: the checks and their messages in one place.

Used by the registration forms before saving (accounts/forms.py) and by the service after a
concurrent registration won the race and the database's unique constraints refused ours
(accounts/services.py), so both answer with the same words on the same field. Every such answer
tells the visitor that a value belongs to someone: the registration view (accounts/views.py) counts them per client IP.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Organisation, OrganisationKind

CODE = "duplicate"

MESSAGES = {
    "username": _("该用户名已被注册，请换一个。"),
    "mobile": _("该手机号已注册，请直接登录或找回密码。"),
    "id_number": _("该身份证号码已注册个人账号，请直接登录。"),
    "credit_code": _("该统一社会信用代码/组织机构代码已注册，请直接登录。"),
}


def username_taken(username):
    # Case-insensitive, as the database constraint accounts_user_username_ci_unique.
    return get_user_model().objects.filter(username__iexact=username).exists()


def mobile_taken(mobile):
    return get_user_model().objects.filter(mobile=mobile).exists()


def id_number_taken(id_number):
    """An individual account (个人用户) with this ID number; enterprises' contacts do not count."""
    individual = Q(kind=OrganisationKind.INDIVIDUAL)
    return Organisation.objects.filter(
        individual & (Q(contact_id_number=id_number) | Q(members__id_number=id_number))
    ).exists()


def credit_code_taken(code):
    field = "unified_social_credit_code" if len(code) == 18 else "organization_code"
    return Organisation.objects.filter(**{field: code}).exists()


CHECKS = {
    "username": username_taken,
    "mobile": mobile_taken,
    "id_number": id_number_taken,
    "credit_code": credit_code_taken,
}


def taken(data):
    """{field: message} for every submitted value that now belongs to someone else."""
    return {field: MESSAGES[field] for field, check in CHECKS.items() if data.get(field) and check(data[field])}


def reported(form):
    """Whether the form's errors say that a value is taken."""
    return any(error.code == CODE for errors in form.errors.as_data().values() for error in errors)
