"""Guardian's direct foreign-key permission tables for applications (docs/decisions.md, decision 3)."""

from django.db import models
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase


class ApplicationUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey("workflows.Application", on_delete=models.CASCADE)


class ApplicationGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey("workflows.Application", on_delete=models.CASCADE)
