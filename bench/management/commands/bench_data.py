"""`manage.py bench_data`: the data half of `make bench` (docs/benchmarks.md).

1. load_demo (setup_portal's reference data: authorities, review bodies, catalogue, forms, staff groups;
   then the demo accounts);
2. one template application per state through the real services and actions
   (bench.data.templates), with their PDFs, events, notifications and permissions;
3. applicant organisations in bulk, one officer per authority and per review body (TOTP);
4. the applications, as copies of the templates (bench.data.clone), written with COPY;
5. the sampled applicants' extra drafts (one to fill in, ten ready to submit), one of which is
   submitted for real in a transaction that is rolled back, to prove they are submittable;
6. checks and var/bench/manifest.json for the load generator (bench/locustfile.py).
"""

import json
import time
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from accounts.models import Authority, AuthorityLevel, ReviewBody
from bench.data import clone as cloning
from bench.data.parties import APPLICANT_PREFIX, make_applicants, make_officers, random_generator
from bench.data.templates import COMPLETE_DRAFT, PARTIAL_DRAFT, build_templates
from bench.data.writer import RowWriter
from cms.models import LicenseCatalogPage, LicenseItemPage
from workflows import permissions, services
from workflows.models import (
    AccessLog,
    Application,
    ApplicationEvent,
    ApplicationState,
    Document,
    DocumentKind,
    License,
)
from workflows.staff_admin.access import staff_queryset

# Shared by every bench user (applicants and staff); passes the password validators. Like the
# demo password, it is published: bench data never goes near a real server.
# S105: published on purpose: bench data never goes near a real server.
BENCH_PASSWORD = "Bench@2026load"  # noqa: S105
DEFAULT_MANIFEST = Path(settings.BASE_DIR) / "var" / "bench" / "manifest.json"
BATCH = 5000  # applications per COPY batch (and transaction)
SUBMITTABLE_PER_APPLICANT = 10

# The mix of an ordinary organisation's applications (weights in percent). Drafts are split
# between half-filled and complete ones.
STATE_MIX = {
    ApplicationState.DRAFT: 6,
    ApplicationState.SUBMITTED: 8,
    ApplicationState.CORRECTION_REQUESTED: 3,
    ApplicationState.ACCEPTED: 8,
    ApplicationState.NOT_ACCEPTED: 3,
    ApplicationState.REVIEW_SCHEDULED: 5,
    ApplicationState.REVIEWED: 4,
    ApplicationState.APPROVED: 52,
    ApplicationState.DENIED: 4,
    ApplicationState.WITHDRAWN: 7,
}
NATIONAL_SHARE = 0.08  # applications for national levels, decided by SAMR
ACCESS_LOGS_PER_APPLICATION = 0.5  # staff downloads: 50,000 for 100,000 applications
SUBMITTED_OR_LATER = set(ApplicationState.values) - {ApplicationState.DRAFT}
# Review bodies by the applicant's province (the four of accounts/data/review_bodies.json); others share CSEI and
# the three provincial institutes.
REVIEW_BODY_BY_PROVINCE = {"32": 2, "44": 3, "11": 1}


class Command(BaseCommand):
    help = (
        "生成 make bench 的压测数据（仅限 PostgreSQL 压测库，portal.settings.bench）：演示内容、每种状态一份经真实"
        "服务办理的模板申请、批量复制的申请单位与许可申请、工作人员（含 TOTP）和 var/bench/manifest.json。"
        "数据库里已有压测数据时拒绝运行，除非加 --flush：删除并重建整个数据库（连接 postgres 维护库执行"
        " DROP DATABASE / CREATE DATABASE），再 migrate（区划等迁移数据随之回来），然后生成。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--organisations", type=int, default=10000, help="申请单位数（默认 10000）")
        parser.add_argument("--applications", type=int, default=100000, help="许可申请数（默认 100000）")
        parser.add_argument("--sample", type=int, default=200, help="写入 manifest 的申请单位用户数（默认 200）")
        parser.add_argument("--seed", type=int, default=2026, help="随机数种子")
        parser.add_argument("--manifest", default=str(DEFAULT_MANIFEST), help="manifest.json 的路径")
        parser.add_argument(
            "--flush",
            action="store_true",
            help="先删除并重建数据库再 migrate（仅 PostgreSQL；会清空库中所有数据）。",
        )

    def handle(self, *args, organisations, applications, sample, seed, manifest, flush, **options):
        if organisations < 1 or applications < len(STATE_MIX) or not 0 < sample <= organisations:
            raise CommandError("需要至少 1 个申请单位、10 份申请，且 0 < --sample <= --organisations。")
        self.started = time.monotonic()
        self.last = self.started
        if flush:
            self.recreate_database()
        User = get_user_model()
        if User.objects.filter(username__startswith=APPLICANT_PREFIX).exists():
            raise CommandError("数据库中已有压测数据；加 --flush 重建数据库后再生成。")

        self.rng = random_generator(seed)
        password_hash = make_password(BENCH_PASSWORD)  # once: hashing is deliberately slow
        call_command("load_demo", force=True, stdout=StringIO())
        self.progress("load_demo")

        templates = build_templates(password_hash)
        snapshots = {
            kind: cloning.snapshot(kind, application, templates) for kind, application in templates.by_kind.items()
        }
        self.progress(f"模板申请 {len(templates.by_kind)} 份（真实服务办理）")

        writer = RowWriter()
        now = timezone.now()
        schema = templates.by_kind[COMPLETE_DRAFT].schema_version.parsed
        provincial_levels, national_levels = cloning.levels_for(
            templates.by_kind[COMPLETE_DRAFT].items.first().license_item.application_form_id
        )
        with transaction.atomic():
            applicants = make_applicants(writer, organisations, password_hash, self.rng, now)
            writer.reset_sequences()  # the officers below are saved through the ORM
        self.progress(f"申请单位 {len(applicants)} 个（含用户组、用户）")

        samr = Authority.objects.get(authority_level=AuthorityLevel.NATIONAL)
        provincial = {a.region_id: a for a in Authority.objects.filter(authority_level=AuthorityLevel.PROVINCIAL)}
        review_bodies = list(ReviewBody.objects.order_by("pk"))
        sampled = [applicants[int(k * organisations / sample)] for k in range(sample)]
        plan = self.plan(applications, applicants, sampled, bool(national_levels))
        used_authorities = sorted(
            {samr.pk if national else provincial[a.province].pk for a, _kind, national in plan}
            | {provincial[a.province].pk for a in sampled}
        )
        authorities = list(Authority.objects.filter(pk__in=used_authorities).order_by("pk"))
        with transaction.atomic():
            officers, reviewers = make_officers(authorities, review_bodies, password_hash, self.rng)
        authority_parties = {a.pk: cloning.party(a, officers[a.pk]) for a in authorities}
        body_parties = [cloning.party(body, reviewers[body.pk]) for body in review_bodies]
        self.progress(f"工作人员 {len(officers)} + {len(reviewers)} 名（含 TOTP 设备）")

        cloner = cloning.Cloner(writer, self.rng, schema, now)
        non_draft = sum(1 for _a, kind, _n in plan if kind in SUBMITTED_OR_LATER)
        cloner.access_log_rate = applications * ACCESS_LOGS_PER_APPLICATION / max(non_draft, 1)

        def target(applicant, national):
            authority = authority_parties[samr.pk if national else provincial[applicant.province].pk]
            pool = national_levels if national else provincial_levels
            levels = self.rng.sample(pool, 2 if len(pool) > 1 and self.rng.random() < 0.25 else 1)
            if national:
                body = body_parties[0]
            else:
                index = REVIEW_BODY_BY_PROVINCE.get(applicant.province[:2])
                if index is None or index >= len(body_parties):
                    index = 0 if self.rng.random() < 0.5 else self.rng.randrange(len(body_parties))
                body = body_parties[index]
            return authority, body, levels

        records = {a.org_id: {"made": []} for a in sampled}
        staff_detail, reviewer_detail = {}, {}
        done = 0
        for start in range(0, len(plan), BATCH):
            # Each batch is written (COPY, one transaction) while the next one is built.
            for applicant, kind, national in plan[start : start + BATCH]:
                authority, body, levels = target(applicant, national)
                made = cloner.clone(snapshots[kind], applicant, authority, body, levels)
                if applicant.org_id in records:
                    records[applicant.org_id]["made"].append(made)
                if made.state in SUBMITTED_OR_LATER:
                    staff_detail.setdefault(authority.org_id, made)
                    if made.state in (ApplicationState.ACCEPTED, ApplicationState.REVIEW_SCHEDULED):
                        reviewer_detail.setdefault(body.org_id, made)
            cloner.flush()
            done += min(BATCH, len(plan) - start)
            self.progress(f"许可申请 {done}/{len(plan)}")

        # The sampled applicants' extra drafts: one to fill in, ten to submit.
        for applicant in sampled:
            record = records[applicant.org_id]
            authority, body, levels = target(applicant, False)
            record["draft"] = cloner.clone(snapshots[PARTIAL_DRAFT], applicant, authority, body, levels)
            record["submittable"] = [
                cloner.clone(snapshots[COMPLETE_DRAFT], applicant, authority, body, target(applicant, False)[2])
                for _ in range(SUBMITTABLE_PER_APPLICANT)
            ]
        cloner.flush()
        writer.drain()
        with transaction.atomic():
            cloner.save_counters()
            writer.reset_sequences()
        self.progress(f"抽样申请单位 {len(sampled)} 个的草稿（各 1 份填写中 + {SUBMITTABLE_PER_APPLICANT} 份可提交）")
        self.fk_checks_skipped = writer.skipped_fk_checks

        self.prove_submittable(sampled[0], records[sampled[0].org_id]["submittable"][0])
        # Wagtail caches site root paths and the like; the database under them was just rebuilt.
        cache.clear()

        counts, checks = self.verify(sampled, officers, staff_detail)
        seconds = round(time.monotonic() - self.started, 1)
        document = self.manifest(
            seconds, counts, sampled, records, schema, officers, reviewers, staff_detail, reviewer_detail
        )
        path = Path(manifest)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(document, ensure_ascii=False, indent=2), "utf-8")
        for line in checks:
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"完成，用时 {seconds} 秒；manifest：{path}"))

    # --- steps -----------------------------------------------------------------------------

    def progress(self, what):
        now = time.monotonic()
        self.stdout.write(f"[{now - self.started:7.1f}s  +{now - self.last:5.1f}s] {what}")
        self.stdout.flush()
        self.last = now

    def recreate_database(self):
        if connection.vendor != "postgresql":
            raise CommandError("--flush 只支持 PostgreSQL。")
        import psycopg
        from psycopg import sql

        params = connection.get_connection_params()
        name = params.pop("dbname")
        if name in ("postgres", "template0", "template1") or name.startswith("test"):
            raise CommandError(f"拒绝重建数据库 {name}。")
        connection.close()
        with psycopg.connect(**{**params, "dbname": "postgres"}, autocommit=True) as maintenance:
            maintenance.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            maintenance.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        call_command("migrate", interactive=False, verbosity=0)
        self.progress(f"数据库 {name} 已重建并 migrate")

    def plan(self, count, applicants, sampled, has_national):
        """[(applicant, kind, national)]: every organisation gets its share in turn, states by
        STATE_MIX; each sampled organisation's first application is approved (it carries every
        document the manifest names), and every state occurs at least once."""
        rng = self.rng
        states, weights = list(STATE_MIX), list(STATE_MIX.values())
        kinds = rng.choices(states, weights, k=count)
        first_of = {}
        for i in range(count):
            first_of.setdefault(i % len(applicants), i)
        sampled_ids = {a.org_id for a in sampled}
        protected = set()
        for index, i in first_of.items():
            if applicants[index].org_id in sampled_ids:
                kinds[i] = ApplicationState.APPROVED
                protected.add(i)
        free = [i for i in range(count) if i not in protected]
        for state in states:
            if state not in kinds:
                i = free.pop()
                kinds[i] = state
        plan = []
        for i, kind in enumerate(kinds):
            if kind == ApplicationState.DRAFT:
                kind = PARTIAL_DRAFT if rng.random() < 0.5 else COMPLETE_DRAFT
            national = has_national and i not in protected and rng.random() < NATIONAL_SHARE
            plan.append((applicants[i % len(applicants)], kind, national))
        if has_national and not any(n for _a, k, n in plan if k in SUBMITTED_OR_LATER):
            i = next(i for i in free if plan[i][1] in SUBMITTED_OR_LATER)
            plan[i] = (plan[i][0], plan[i][1], True)
        return plan

    def prove_submittable(self, applicant, made):
        """Submit one of the cloned complete drafts through the real service, then roll back."""
        User = get_user_model()
        user = User.objects.get(pk=applicant.user_id)
        application = Application.objects.get(pk=made.id)

        class Rollback(Exception):
            pass

        try:
            with transaction.atomic():
                submitted = services.submit_application(application, user)
                if submitted.state != ApplicationState.SUBMITTED:
                    raise CommandError("抽样草稿提交后状态不是“已提交”。")
                raise Rollback
        except Rollback:
            pass
        self.progress(f"可提交草稿已验证：{applicant.username} 的 {made.uuid} 经 submit_application 提交成功（已回滚）")

    def verify(self, sampled, officers, staff_detail):
        by_state = dict(Application.objects.values_list("state").annotate(n=Count("pk")).order_by())
        by_state = {state: by_state.get(state, 0) for state in ApplicationState.values}
        authorities_with = (
            Application.objects.exclude(state=ApplicationState.DRAFT).values("authority").distinct().count()
        )
        counts = {
            "applicant_organisations": get_user_model().objects.filter(username__startswith=APPLICANT_PREFIX).count(),
            "applications": sum(by_state.values()),
            "by_state": by_state,
            "authorities_with_applications": authorities_with,
            "events": ApplicationEvent.objects.count(),
            "documents": Document.objects.count(),
            "access_logs": AccessLog.objects.count(),
            "licences": License.objects.count(),
        }
        checks = [f"各状态申请数：{json.dumps(by_state, ensure_ascii=False)}"]
        dangling = self.dangling_references()
        if dangling:
            raise CommandError(f"有指向不存在的行的外键：{dangling}")
        checks.append(
            "外键引用检查通过"
            + ("（批量写入时跳过了外键触发器，已逐表核对）" if getattr(self, "fk_checks_skipped", False) else "")
        )
        missing = [state for state, n in by_state.items() if n == 0]
        if missing:
            raise CommandError(f"以下状态没有申请：{missing}")
        checks.append(f"有申请的审批机关：{authorities_with} 个（共 {Authority.objects.count()} 个）")
        User = get_user_model()
        user = User.objects.get(pk=sampled[0].user_id)
        visible = permissions.visible_applications(user).count()
        own = Application.objects.filter(applicant_id=sampled[0].org_id).count()
        if visible != own or own == 0:
            raise CommandError(f"{user.username} 经 guardian 可见 {visible} 份，应为 {own} 份。")
        checks.append(f"{user.username} 经 guardian 可见自己的申请 {visible} 份")
        authority_id, made = next(iter(staff_detail.items()))
        officer = User.objects.get(pk=officers[authority_id].user_id)
        queue = staff_queryset(officer)
        if not queue.filter(pk=made.id).exists():
            raise CommandError(f"{officer.username} 的办理队列中没有 {made.uuid}。")
        checks.append(f"{officer.username} 的办理队列共 {queue.count()} 份申请")
        return counts, checks

    def dangling_references(self):
        """{"table.column": n} for references to missing rows in the tables written in bulk (the
        COPY batches may skip the foreign-key triggers)."""
        from bench.data.clone import COLUMNS

        found = {}
        with connection.cursor() as cursor:
            for model in COLUMNS:
                for column in COLUMNS[model]:
                    field = model._meta.get_field(column)
                    if not field.is_relation or not field.many_to_one:
                        continue
                    target = field.related_model
                    table, target_table = model._meta.db_table, target._meta.db_table
                    cursor.execute(
                        # S608: table and column names from the models' metadata.
                        f'SELECT COUNT(*) FROM "{table}" t LEFT JOIN "{target_table}" r '  # noqa: S608
                        f'ON r."{target._meta.pk.column}" = t."{field.column}" '
                        f'WHERE t."{field.column}" IS NOT NULL AND r."{target._meta.pk.column}" IS NULL'
                    )
                    n = cursor.fetchone()[0]
                    if n:
                        found[f"{table}.{field.column}"] = n
        return found

    def manifest(self, seconds, counts, sampled, records, schema, officers, reviewers, staff_detail, reviewer_detail):
        catalogue = LicenseCatalogPage.objects.live().first()
        items = LicenseItemPage.objects.live().order_by("path")
        applicants = []
        for applicant in sampled:
            record = records[applicant.org_id]
            made = record["made"]
            decided = next(m for m in made if DocumentKind.ACCEPTANCE_DECISION in m.documents)
            detail = next((m for m in made if m.state in SUBMITTED_OR_LATER and m is not decided), decided)
            applicants.append(
                {
                    "username": applicant.username,
                    "detail": str(detail.uuid),
                    "acceptance_decision": str(decided.documents[DocumentKind.ACCEPTANCE_DECISION]),
                    "print": str(decided.uuid),
                    "draft": str(record["draft"].uuid),
                    "draft_pages": list(range(1, len(schema.pages) + 1)),
                    "submittable": [str(m.uuid) for m in record["submittable"]],
                }
            )
        authority_staff = []
        for authority_id, staff in officers.items():
            made = staff_detail.get(authority_id)
            if made is None:
                continue  # an authority without applications (small runs)
            authority_staff.append(
                {
                    "username": staff.username,
                    "authority": staff.organisation.name,
                    "totp_key_hex": staff.totp_key_hex,
                    "detail": str(made.uuid),
                    "detail_pk": made.id,
                }
            )
        review_body_staff = []
        for body_id, staff in reviewers.items():
            made = reviewer_detail.get(body_id)
            if made is None:
                continue
            review_body_staff.append(
                {
                    "username": staff.username,
                    "review_body": staff.organisation.name,
                    "totp_key_hex": staff.totp_key_hex,
                    "detail": str(made.uuid),
                    "detail_pk": made.id,
                }
            )
        return {
            "generated_at": timezone.now().isoformat(timespec="seconds"),
            "seconds": seconds,
            "counts": counts,
            "password": BENCH_PASSWORD,
            "catalogue_url": _path(catalogue),
            "item_urls": [_path(page) for page in items],
            "applicants": applicants,
            "authority_staff": authority_staff,
            "review_body_staff": review_body_staff,
        }


def _path(page):
    """A page's path on its site ("/licences/boiler-manufacture/"), without scheme and host."""
    if page is None:
        return None
    parts = page.specific.get_url_parts()
    return parts[2] if parts else page.url
