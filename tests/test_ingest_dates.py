"""Date expressions against the report's date (bordermap.ingest.dates): news style, never after it."""

from datetime import date

import pytest

from bordermap.ingest.dates import find_dateline, find_dates, parse_dateline

REPORT = date(2022, 3, 9)  # a Wednesday


def _one(sentence, anchor=REPORT, last=None):
    found = find_dates(sentence, 0, anchor, last)
    assert found, sentence
    return found[0]


@pytest.mark.parametrize("sentence, day", [
    ("Guards clashed with smugglers early Saturday, March 5.", date(2022, 3, 5)),
    ("The attack happened on December 27.", date(2021, 12, 27)),  # no year: the last December 27 before
    ("Fighting broke out on 7 March 2022 near Khorog.", date(2022, 3, 7)),
    ("It was reported on 2022-03-01.", date(2022, 3, 1)),
    ("Two soldiers died yesterday.", date(2022, 3, 8)),
    ("Two soldiers died two days ago.", date(2022, 3, 7)),
    ("Shots were heard this morning.", REPORT),
])
def test_explicit_and_simple_relative_dates(sentence, day):
    r = _one(sentence)
    assert (r.start, r.end, r.precision) == (day, day, "day")
    assert sentence[r.begin:r.stop] == r.text  # the offsets point at the words


def test_on_monday_is_the_last_monday_on_or_before_the_report_in_news_style():
    assert _one("Gunmen attacked a post on Monday.").start == date(2022, 3, 7)
    # a report published on a Monday: "on Monday" is that day (dateparser would give a week earlier)
    assert _one("Gunmen attacked a post on Monday.", anchor=date(2022, 3, 7)).start == date(2022, 3, 7)
    assert _one("Gunmen attacked a post last Monday.", anchor=date(2022, 3, 7)).start == date(2022, 2, 28)


def test_last_week_is_a_week_not_a_day():
    r = _one("Three smugglers were detained last week.")
    assert (r.start, r.end, r.precision) == (date(2022, 2, 28), date(2022, 3, 6), "week")


def test_the_previous_day_counts_from_the_last_date_given():
    assert _one("The previous day, police arrested two men.", last=date(2022, 3, 5)).start == date(2022, 3, 4)
    assert _one("The day before, police arrested two men.").start == date(2022, 3, 8)


def test_never_after_the_report_date():
    # "March 12" in a report of March 9: last year's March 12, never a day still to come
    assert _one("The clash of March 12 was the worst.").start == date(2021, 3, 12)
    assert find_dates("It happened on 2022-03-10.", 0, REPORT) == []


def test_a_weekday_that_does_not_fit_the_date_lowers_confidence():
    assert _one("early Saturday, March 5").confidence > _one("early Friday, March 5").confidence


def test_dateline():
    text = "Headline\nDUSHANBE, March 6, 2022 (Asia-Plus) - Guards clashed."
    day, a, b = find_dateline(text)
    assert day == date(2022, 3, 6) and text[a:b] == "March 6, 2022"
    assert parse_dateline("KABUL, 21 September 2021 - x") == date(2021, 9, 21)
    assert parse_dateline("No date in this report.\nNone here either.") is None
