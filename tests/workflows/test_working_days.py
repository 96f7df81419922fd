"""The working-day calendar for statutory deadlines (docs/decisions.md, decision 6): the chinese_calendar
package, the 工作日历 table layered over it, the estimate for years nobody has entered, and the
admin screen where staff maintain the table."""

from datetime import date, datetime, timedelta

import chinese_calendar
import pytest
from django.urls import reverse

from workflows import working_days
from workflows.models import CalendarDay, DayKind
from workflows.working_days import (
    add_working_days,
    is_estimated,
    is_working_day,
    source_for_year,
    working_days_between,
)

INDEX = reverse("workflows_calendar:index")
ADD = reverse("workflows_calendar:add")


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    # Rows created in a test vanish with its rolled-back transaction, which sends no signal.
    working_days.clear_cache()
    yield
    working_days.clear_cache()


# --- the package (2026) ------------------------------------------------------------------


@pytest.mark.django_db
def test_spring_festival_2026_is_skipped():
    # 2026 春节: 2月15日 (Sun) - 23日 (Mon) off; 2月14日 (Sat) and 28日 (Sat) are worked.
    assert all(not is_working_day(date(2026, 2, day)) for day in range(15, 24))
    assert add_working_days(date(2026, 2, 14), 1) == date(2026, 2, 24)
    # Thu 12th: 13th, the adjusted Saturday 14th, then 24th, 25th, 26th.
    assert add_working_days(date(2026, 2, 12), 5) == date(2026, 2, 26)


@pytest.mark.django_db
def test_national_day_2026_is_skipped():
    assert all(not is_working_day(date(2026, 10, day)) for day in range(1, 8))
    assert add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)
    # 8th, 9th and the adjusted Saturday 10th.
    assert add_working_days(date(2026, 9, 30), 3) == date(2026, 10, 10)


@pytest.mark.django_db
def test_adjusted_working_saturday_2026_is_counted():
    adjusted = [d for d in chinese_calendar.get_workdays(date(2026, 1, 1), date(2026, 12, 31)) if d.weekday() >= 5]
    assert date(2026, 2, 14) in adjusted and date(2026, 10, 10) in adjusted
    for day in adjusted:
        assert is_working_day(day), day
    assert date(2026, 10, 10).weekday() == 5
    assert add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert working_days_between(date(2026, 2, 13), date(2026, 2, 24)) == 2


@pytest.mark.django_db
def test_start_day_is_not_counted():
    monday = date(2026, 3, 9)
    assert add_working_days(monday, 0) == monday
    assert add_working_days(monday, 1) == date(2026, 3, 10)
    assert add_working_days(monday, 5) == date(2026, 3, 16)  # over the weekend
    assert add_working_days(date(2026, 3, 7), 1) == monday  # a time limit starting on a Saturday


@pytest.mark.django_db
def test_source_for_a_package_year():
    assert source_for_year(2026) == "package"
    assert not is_estimated(2026)


# --- the 工作日历 table over the package ---------------------------------------------------


@pytest.mark.django_db
def test_weekday_entered_as_holiday_is_skipped_and_cache_follows_save_and_delete():
    tuesday = date(2026, 3, 10)
    assert is_working_day(tuesday)  # loads and caches 2026's (empty) rows
    row = CalendarDay.objects.create(date=tuesday, kind=DayKind.HOLIDAY, name="临时休假")
    assert not is_working_day(tuesday)
    assert add_working_days(date(2026, 3, 9), 1) == date(2026, 3, 11)
    assert source_for_year(2026) == "table"

    row.kind = DayKind.WORKDAY
    row.save()
    assert is_working_day(tuesday)

    row.delete()
    assert is_working_day(tuesday)
    assert source_for_year(2026) == "package"


@pytest.mark.django_db
def test_sunday_entered_as_workday_is_counted():
    sunday = date(2026, 3, 15)
    assert not is_working_day(sunday)
    row = CalendarDay.objects.create(date=sunday, kind=DayKind.WORKDAY, name="调休上班")
    assert is_working_day(sunday)
    assert add_working_days(date(2026, 3, 13), 1) == sunday
    assert working_days_between(date(2026, 3, 13), date(2026, 3, 16)) == 2
    row.delete()
    assert not is_working_day(sunday)
    assert add_working_days(date(2026, 3, 13), 1) == date(2026, 3, 16)


@pytest.mark.django_db
def test_a_year_of_rows_is_loaded_with_one_query(django_assert_num_queries):
    CalendarDay.objects.create(date=date(2026, 3, 10), kind=DayKind.HOLIDAY)
    working_days.clear_cache()
    with django_assert_num_queries(1):
        assert working_days_between(date(2026, 1, 1), date(2026, 12, 31)) > 200
        add_working_days(date(2026, 6, 1), 20)
        source_for_year(2026)


# --- a year the package does not know (2027) ---------------------------------------------


@pytest.mark.django_db
def test_2027_falls_back_to_weekends_and_statutory_holidays():
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(2027, 1, 4))
    assert not is_working_day(date(2027, 1, 1))  # 元旦, a Friday
    assert not is_working_day(date(2027, 1, 2)) and not is_working_day(date(2027, 1, 3))
    assert is_working_day(date(2027, 1, 4))
    assert add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)
    assert working_days_between(date(2026, 12, 30), date(2027, 1, 8)) == 6  # Dec 31, Jan 4-8
    assert not is_working_day(date(2027, 10, 1))  # 国庆节


@pytest.mark.django_db
def test_2027_is_estimated_until_staff_enter_a_row():
    assert source_for_year(2027) == "fallback"
    assert is_estimated(2027)
    saturday = date(2027, 2, 20)
    assert not is_working_day(saturday)
    CalendarDay.objects.create(date=saturday, kind=DayKind.WORKDAY, name="春节调休")
    assert source_for_year(2027) == "table"
    assert not is_estimated(2027)
    assert is_working_day(saturday)


@pytest.mark.django_db
@pytest.mark.parametrize("year", [1949, 2003, 2030, 2100, 9998])
def test_no_year_raises(year):
    assert isinstance(is_working_day(date(year, 6, 1)), bool)
    assert source_for_year(year) == "fallback"
    assert working_days_between(date(year, 1, 1), add_working_days(date(year, 1, 1), 20)) == 20


# --- round trips ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("start", [date(2026, 2, 12), date(2026, 9, 26), date(2026, 12, 25), date(2026, 5, 2)])
@pytest.mark.parametrize("days", [0, 1, 5, 10, 20])
def test_add_and_between_round_trip(start, days):
    due = add_working_days(start, days)
    assert working_days_between(start, due) == days
    assert working_days_between(due, start) == -days
    if days:
        assert is_working_day(due)
        # The due date is the first day the count reaches ``days``.
        assert working_days_between(start, due - timedelta(days=1)) == days - 1


@pytest.mark.django_db
def test_countdown_and_overdue():
    due = add_working_days(date(2026, 9, 25), 5)  # Sep 28, 29, 30, Oct 8, 9
    assert due == date(2026, 10, 9)
    assert working_days_between(date(2026, 9, 30), due) == 2  # 剩余 2 个工作日
    # Wednesday Oct 14: overdue by 4 working days (the adjusted Saturday 10th, 12th, 13th, 14th).
    assert working_days_between(date(2026, 10, 14), due) == -4
    assert working_days_between(due, due) == 0


@pytest.mark.django_db
def test_negative_days_count_backwards():
    assert add_working_days(date(2026, 2, 24), -1) == date(2026, 2, 14)
    assert add_working_days(date(2026, 3, 9), -1) == date(2026, 3, 6)


@pytest.mark.django_db
def test_datetimes_count_as_their_day():
    assert working_days_between(datetime(2026, 3, 9, 23, 0), date(2026, 3, 10)) == 1


# --- the admin screen ----------------------------------------------------------------------


@pytest.mark.django_db
def test_admin_list_shows_rows_and_filters(admin_client):
    CalendarDay.objects.create(date=date(2027, 2, 20), kind=DayKind.WORKDAY, name="春节调休上班")
    CalendarDay.objects.create(date=date(2027, 2, 11), kind=DayKind.HOLIDAY, name="春节")
    CalendarDay.objects.create(date=date(2026, 3, 10), kind=DayKind.HOLIDAY, name="临时休假")
    response = admin_client.get(INDEX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "工作日历" in html
    assert "春节调休上班" in html and "工作日（调休上班）" in html and "星期六" in html
    assert "临时休假" in html

    html = admin_client.get(INDEX, {"kind": DayKind.WORKDAY}).content.decode()
    assert "春节调休上班" in html and "临时休假" not in html
    html = admin_client.get(INDEX, {"year": "2026"}).content.decode()
    assert "临时休假" in html and "春节调休上班" not in html


@pytest.mark.django_db
def test_admin_adds_a_row_and_deadlines_follow(admin_client):
    saturday = date(2027, 2, 20)
    assert not is_working_day(saturday)
    response = admin_client.get(ADD)
    assert response.status_code == 200
    response = admin_client.post(ADD, {"date": "2027-02-20", "kind": DayKind.WORKDAY, "name": "春节调休上班"})
    assert response.status_code == 302, response.content.decode()
    row = CalendarDay.objects.get(date=saturday)
    assert row.kind == DayKind.WORKDAY and row.name == "春节调休上班"
    assert is_working_day(saturday)
    assert not is_estimated(2027)

    # The date is unique: a second row for it is refused with the form redisplayed.
    response = admin_client.post(ADD, {"date": "2027-02-20", "kind": DayKind.HOLIDAY, "name": ""})
    assert response.status_code == 200
    assert CalendarDay.objects.filter(date=saturday).count() == 1


@pytest.mark.django_db
def test_admin_edit_and_delete_invalidate_the_cache(admin_client):
    tuesday = date(2026, 3, 10)
    row = CalendarDay.objects.create(date=tuesday, kind=DayKind.HOLIDAY, name="临时休假")
    assert not is_working_day(tuesday)
    response = admin_client.post(
        reverse("workflows_calendar:edit", args=[row.pk]), {"date": "2026-03-10", "kind": DayKind.WORKDAY, "name": ""}
    )
    assert response.status_code == 302, response.content.decode()
    assert is_working_day(tuesday)
    response = admin_client.post(
        reverse("workflows_calendar:edit", args=[row.pk]), {"date": "2026-03-11", "kind": "holiday"}
    )
    assert response.status_code == 302
    assert not is_working_day(date(2026, 3, 11)) and is_working_day(tuesday)
    response = admin_client.post(reverse("workflows_calendar:delete", args=[row.pk]))
    assert response.status_code == 302
    assert not CalendarDay.objects.exists()
    assert is_working_day(date(2026, 3, 11))


@pytest.mark.django_db
def test_calendar_is_in_the_settings_menu(admin_client):
    from wagtail.admin.menu import settings_menu

    request = admin_client.get(reverse("wagtailadmin_home")).wsgi_request
    labels = [str(item.label) for item in settings_menu.menu_items_for_request(request)]
    assert "工作日历" in labels
