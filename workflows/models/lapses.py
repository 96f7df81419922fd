"""期限届满记录: a statutory clock that ran out, recorded once by the daily sweep
(workflows.deadline_sweep, `manage.py sweep_deadlines`).

A row is keyed by the application, the clock and its due date: the same clock restarted after a
transition (a resubmission restarts 受理期限) has another due date and may run out again. The
unique constraint, not a read-then-write, makes "exactly once" hold when two sweeps run at once.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from .applications import Clock


class DeadlineLapse(models.Model):
    application = models.ForeignKey(
        "workflows.Application",
        on_delete=models.CASCADE,
        related_name="deadline_lapses",
        verbose_name=_("许可申请"),
    )
    clock = models.CharField(_("期限"), max_length=20, choices=Clock.choices)
    due_on = models.DateField(_("期限届满日"))
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    # The sweep that inserted the row: bulk_create(ignore_conflicts=True) does not say which rows
    # it inserted, so a run finds its own by this token and tells people about those only.
    run = models.UUIDField(default=uuid.uuid4, editable=False)

    class Meta:
        verbose_name = _("期限届满记录")
        verbose_name_plural = _("期限届满记录")
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["application", "clock", "due_on"], name="one_lapse_per_clock_and_due_date"),
        ]
        indexes = [models.Index(fields=["run"])]

    def __str__(self):
        return f"{self.application} {self.get_clock_display()} {self.due_on:%Y-%m-%d}"
