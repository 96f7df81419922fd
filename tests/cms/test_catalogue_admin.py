"""An editor adds a licence item in the Wagtail admin and applicants can choose it at once."""

from django.urls import reverse
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from cms.models import GuidePage, HomePage, LicenseCatalogPage, LicenseItemPage
from tests.support.builders import make_catalogue
from tests.support.factories import UserFactory


class LicenseItemAdminTests(WagtailPageTestCase):
    def setUp(self):
        self.catalogue = make_catalogue()
        self.editor = UserFactory(is_staff=True, is_superuser=True, organisation=None)
        self.client.force_login(self.editor)

    def test_page_type_rules(self):
        self.assertCanCreateAt(HomePage, LicenseCatalogPage)
        self.assertCanCreateAt(LicenseCatalogPage, LicenseItemPage)
        self.assertCanCreateAt(HomePage, GuidePage)
        self.assertCanNotCreateAt(HomePage, LicenseItemPage)
        self.assertAllowedSubpageTypes(LicenseItemPage, {})

    def test_an_editor_publishes_a_new_item_and_an_applicant_chooses_it(self):
        data = nested_form_data(
            {
                "title": "电梯安装（曳引驱动乘客电梯）",
                "slug": "elevator-installation-test",
                "category": "elevator",
                "activity": "installation",
                "item_name": "电梯安装",
                "sub_item": "曳引驱动乘客电梯",
                "approval_level": "provincial",
                "parameters_note": "按额定速度划分",
                "application_form": self.catalogue["form"].pk,
                "levels": inline_formset(
                    [
                        {"code": "v>6.0m/s", "description": "额定速度大于6.0m/s", "approval_level": "national"},
                        {"code": "v≤6.0m/s", "description": "额定速度不大于6.0m/s", "approval_level": ""},
                    ]
                ),
                "required_attachments": streamfield([("attachment", {"name": "营业执照", "note": ""})]),
                "guidance": rich_text("<p>受理后5个工作日内作出决定。</p>"),
                "acceptance_days": 5,
                "review_scheduling_days": 10,
                "decision_days": 20,
            }
        )
        data["action-publish"] = "action-publish"
        self.assertCanCreate(self.catalogue["catalogue"], LicenseItemPage, data)
        item = LicenseItemPage.objects.get(slug="elevator-installation-test")
        self.assertTrue(item.live)
        self.assertEqual(
            [(lvl.code, lvl.effective_approval_level) for lvl in item.levels.all()],
            [("v>6.0m/s", "national"), ("v≤6.0m/s", "provincial")],
        )

        self.client.force_login(UserFactory())
        html = self.client.get(reverse("applications:new"), {"q": "电梯"}).content.decode()
        self.assertIn("电梯安装（曳引驱动乘客电梯）", html)
        self.assertIn("额定速度大于6.0m/s", html)
        html = self.client.get(item.url).content.decode()
        self.assertIn("受理后5个工作日内作出决定", html)
        self.assertIn("营业执照", html)
