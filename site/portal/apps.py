from wagtail.users.apps import WagtailUsersAppConfig


class PortalUsersAppConfig(WagtailUsersAppConfig):
    """wagtail.users with the staff user screens (mobile, organisation) from accounts.viewsets.

    Wagtail 8 no longer reads WAGTAIL_USER_EDIT_FORM / WAGTAIL_USER_CREATION_FORM; the forms
    come from the users app's viewset, which is chosen here. It stays a separate config from
    AccountsConfig so that the user model is not mistaken for part of wagtail.users.
    """

    user_viewset = "accounts.viewsets.StaffUserViewSet"

    def ready(self):
        super().ready()
        # The admin's script-src has no 'unsafe-inline': its chooser widgets must not need it
        # (portal/security.py). At start-up, so every process renders them the same way.
        from . import sessions  # noqa: F401  (its user_logged_in receiver)
        from .admin_labels import label_wagtails_unlabelled_fields
        from .security import make_choosers_csp_safe

        make_choosers_csp_safe()
        label_wagtails_unlabelled_fields()
