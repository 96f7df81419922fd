"""The scenarios of `make bench`, in the order they run and print, with the issue's targets.

Pure data: imported by the load generator (bench/locustfile.py) and the driver (bench/run.py),
neither of which may import Django here (the driver is monkey-patched by gevent)."""

from dataclasses import dataclass

# The target for the logged-in pages (docs/benchmarks.md): p95 ≤100 ms at 16 concurrent users, zero errors.
P95_TARGET_MS = 100
PDF_TARGETS_MS = {"application": 500, "decision": 150}  # warm worker, median (see run.pdf_microbench)
SIGNING_TARGET_MS = 50  # what signing may add to a decision letter's median (issue 20)
SOAK_MEMORY_GROWTH_TARGET = 0.20


@dataclass(frozen=True)
class Scenario:
    key: str  # the request name in locust's statistics
    label: str  # as printed in the table
    role: str  # anonymous | applicant | authority | review_body
    ratio: float | None = None  # minimum throughput as a fraction of the trivial view's
    p95_ms: int | None = None  # maximum p95 latency
    zero_errors: bool = True

    @property
    def target_text(self):
        parts = []
        if self.ratio is not None:
            parts.append(f"≥{self.ratio:g}×")
        if self.p95_ms is not None:
            parts.append(f"p95≤{self.p95_ms}")
        if not parts:
            return "0 err"
        return ", ".join(parts) + ", 0 err"


TRIVIAL = Scenario("trivial", "基准空视图 trivial view", "anonymous", zero_errors=True)

SCENARIOS = [
    TRIVIAL,
    # Not in the issue: the same view with an applicant's session, so the table shows what being
    # logged in costs (session read and save, user, second-factor check) apart from any page.
    Scenario("trivial_logged_in", "基准空视图(已登录) trivial, logged in", "applicant"),
    Scenario("catalogue", "公开许可目录 catalogue", "anonymous", ratio=0.8),
    Scenario("item", "许可项目页 licence item", "anonymous", ratio=0.8),
    Scenario("applicant_list", "申请列表 applicant list", "applicant", ratio=0.15, p95_ms=P95_TARGET_MS),
    Scenario("form_page", "表单页 form page", "applicant", ratio=0.15, p95_ms=P95_TARGET_MS),
    Scenario("autosave", "自动保存 autosave", "applicant", ratio=0.15, p95_ms=P95_TARGET_MS),
    # No throughput target in the issue: a submit runs the state machine, numbering and audit.
    Scenario("submit", "提交 submit", "applicant"),
    Scenario("authority_queue", "审批机关待办(筛选) authority queue", "authority", ratio=0.15, p95_ms=P95_TARGET_MS),
    Scenario("staff_detail", "申请详情 application detail", "authority", ratio=0.15, p95_ms=P95_TARGET_MS),
    # The PDF targets are for rendering in a warm worker (the micro-benchmark under the table);
    # over HTTP these serve a stored file (the decision) or render on request (the whole form).
    Scenario("acceptance_pdf", "受理决定书PDF acceptance decision", "applicant"),
    Scenario("application_pdf", "申请书PDF whole application", "applicant"),
]

BY_KEY = {scenario.key: scenario for scenario in SCENARIOS}
