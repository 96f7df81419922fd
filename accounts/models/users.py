from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who logs in. Acts for exactly one organisation (applicant, authority or review body)."""

    mobile = models.CharField(_("手机号"), max_length=11, unique=True, null=True, blank=True)
    real_name = models.CharField(_("姓名"), max_length=50, blank=True)
    id_number = models.CharField(_("身份证号码"), max_length=18, blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("所属单位"),
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            # RaceCase and racecase would be two accounts a person cannot tell apart; the form checks
            # case-insensitively (accounts/duplicates.py), this holds when two registrations race.
            models.UniqueConstraint(
                Lower("username"),
                name="accounts_user_username_ci_unique",
                violation_error_message=_("该用户名已被注册，请换一个。"),
            ),
        ]

    def get_full_name(self):
        """A Chinese name is family name then given name, with no space (Django joins "first last");
        the 姓名 given at registration wins. Wagtail shows this in its menus and listings."""
        return self.real_name or f"{self.last_name}{self.first_name}".strip()

    def get_short_name(self):
        return self.get_full_name() or self.username

    @property
    def display_name(self):
        return self.real_name or self.get_full_name() or self.username
