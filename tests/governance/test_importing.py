"""The committee-table reader, against the seed reports and the other formats people paste."""

from __future__ import annotations

import datetime as dt

import pytest

from townsquare.governance.importing import ImportProblem, parse_action_table
from townsquare.governance.timescales import read_status, resolve_due, split_timescale

from .conftest import fixture_text

CABINET_DAY = dt.date(2017, 11, 1)


def test_seed_000_cabinet_response_prose() -> None:
    table = parse_action_table(fixture_text("000"), start=CABINET_DAY)
    assert table.kind == "recommendations" and table.source_format == "prose"
    assert table.title == "Cabinet Response to the Social Media Task Group Recommendations"
    rows = {r.number: r for r in table.rows}
    assert list(rows) == ["1", "2", "3", "4", "5"]
    for row in table.rows:
        assert row.decision == "agreed" and row.decided_by == "Cabinet"
        assert row.owner == "Communications Manager"
        assert row.budget == ""
        assert row.status == "not_started"
    assert rows["1"].recommendation == (
        "That the Council should promote its meetings through social media in order to engage with residents."
    )
    assert rows["1"].timescale == "with immediate effect" and rows["1"].due_on == CABINET_DAY
    assert rows["2"].recommendation.endswith("items/meetings of interest to residents through Facebook.")
    assert rows["2"].timescale == "24th January 2018" and rows["2"].due_on == dt.date(2018, 1, 24)
    assert "with the specific item being agreed with the Portfolio Holder" in rows["2"].action
    assert rows["3"].sub_items == [
        "(a) that the Council's Social Media policy be reviewed with the emphasis on providing guidance "
        "for officer use;",
        "(b) that a separate section be included which is dedicated to guidance for Members' use of social media; and",
        "(c) that Members of the Task Group assist with the section in respect of guidance for Members' use.",
    ]
    assert rows["3"].timescale == "within the next six months" and rows["3"].due_on == dt.date(2018, 5, 1)
    assert rows["4"].recommendation.startswith("That an area be created on the Measures Dashboard")
    assert rows["4"].timescale == "over the next few weeks" and rows["4"].due_on == dt.date(2017, 11, 29)
    assert rows["4"].action.endswith("with a view to it being provided for Members on a quarterly basis.")
    assert rows["5"].sub_items == [
        "(a) An introduction to Social Media on an iPad; and",
        "(b) Any legal implications of Members' use of social media and how to keep safe.",
    ]
    assert rows["5"].recommendation.startswith("That as part of the Member Induction Programme a workshop")
    assert rows["5"].timescale == "Members' Induction Programme for 2019/20"
    assert rows["5"].due_on == dt.date(2020, 3, 31)


def test_seed_000_without_a_meeting_date_keeps_relative_timescales_undated() -> None:
    rows = {r.number: r for r in parse_action_table(fixture_text("000")).rows}
    assert rows["1"].timescale == "with immediate effect" and rows["1"].due_on is None
    assert rows["2"].due_on == dt.date(2018, 1, 24)  # an absolute date needs no start


def test_seed_001_strategy_timetable() -> None:
    table = parse_action_table(fixture_text("001"))
    assert table.kind == "phases" and table.source_format == "tsv"
    got = [
        (r.recommendation, r.action, r.timescale, r.due_on, r.status, r.status_note, r.delayed_until)
        for r in table.rows
    ]
    assert got == [
        (
            "Rationalisation and basic housekeeping – of existing social media counts",
            "Delete old/unnecessary profiles Ensure appropriate branding Ensure digital team has access",
            "End of October 2015",
            dt.date(2015, 10, 31),
            "complete",
            "",
            None,
        ),
        (
            "Implement content strategy across corporate social media accounts",
            "Ensure content/publishing schedule is in place",
            "End of November 2015",
            dt.date(2015, 11, 30),
            "complete",
            "",
            None,
        ),
        (
            "Communication of basic standards",
            "Proactively communicate and promote the Social Media Policy and Social Media Guidelines",
            "End of December 2015",
            dt.date(2015, 12, 31),
            "in_progress",
            "Complete in CSC, further rollout in May",
            None,
        ),
        (
            "Implementation of standards (for profiles not already meeting them)",
            "Address with individual services as needed",
            "End of January 2016",
            dt.date(2016, 1, 31),
            "complete",
            "",
            None,
        ),
        (
            "Support",
            "Provide bespoke training to relevant individuals/services Establish digital e-learning module for all "
            "staff to include social media standards",
            "End of March 2016",
            dt.date(2016, 3, 31),
            "delayed",
            "Delayed until May 2016",
            dt.date(2016, 5, 31),
        ),
    ]


def test_seed_003_action_plan_with_a_wrapped_row() -> None:
    table = parse_action_table(fixture_text("003"))
    assert table.kind == "recommendations" and table.source_format == "tsv"
    assert table.title == "AD HOC SCRUTINY PANEL MEMBERS' COMMUNICATIONS - ACTION PLAN"
    assert table.meeting_on == dt.date(2021, 9, 7)
    got = [(r.number, r.owner, r.budget, r.timescale, r.due_on, r.status, r.decision) for r in table.rows]
    assert got == [
        ("1", "Head of Marketing and Communications", "N/A", "Complete", None, "complete", ""),
        (
            "2",
            "Head of Marketing and Communications; Head of Democratic Services",
            "N/A",
            "January 2022",
            dt.date(2022, 1, 31),
            "not_started",
            "",
        ),
        ("3", "Head of Democratic Services", "N/A", "Complete", None, "complete", ""),
        (
            "4",
            "Head of Marketing and Communications and Head of Democratic Services",
            "N/A",
            "November 2021",
            dt.date(2021, 11, 30),
            "not_started",
            "",
        ),
    ]
    rows = table.rows
    assert rows[0].recommendation.startswith("That a communications plan be implemented")
    assert rows[1].action.startswith("Following the meeting of the Ad Hoc Scrutiny Panel")
    assert "(poorly attended)" in rows[1].action
    assert rows[2].action == (
        "The Code of Conduct has been updated to reflect this and was approved by Council on 28/7/2021."
    )
    # Row 4 wraps onto the next line in every column: each cell is joined back together.
    assert rows[3].recommendation == (
        "As a corollary of recommendations one and two; a framework be developed to provide clarity to all "
        "Members on the appropriate use of social media."
    )
    assert rows[3].action == (
        "Marketing and Communications will work with Democratic Services to develop a framework. This framework "
        "can then be used as the basis for the first annual session. The LGA guidance on social media has also "
        "been circulated to all Councillors"
    )


def test_json_lines_have_the_committee_columns() -> None:
    row = parse_action_table(fixture_text("003")).rows[0].as_json()
    assert list(row)[:8] == ["number", "recommendation", "decision", "action", "owner", "budget", "timescale", "status"]


CSV_TABLE = """No.,Recommendation,Decision,Proposed action,Owner,Budget cost,Timescale,Status
1,"That live streaming be trialled","Agreed","Trial at Full Council
on the chosen item",Communications Manager,"£1,500",24/01/2018,In progress
2,That the policy be reviewed,Not agreed,,Head of Democratic Services,N/A,Delayed until June 2018,
"""


def test_csv_with_quoted_multiline_cells() -> None:
    rows = parse_action_table(CSV_TABLE).rows
    assert [(r.number, r.decision, r.owner, r.budget, r.timescale, r.due_on, r.status) for r in rows] == [
        ("1", "agreed", "Communications Manager", "£1,500", "24/01/2018", dt.date(2018, 1, 24), "in_progress"),
        (
            "2",
            "not_agreed",
            "Head of Democratic Services",
            "N/A",
            "Delayed until June 2018",
            dt.date(2018, 6, 30),
            "not_started",
        ),
    ]
    assert rows[0].action == "Trial at Full Council on the chosen item"


HTML_TABLE = """<p>Action plan</p><table><thead><tr><th>Recommendation</th><th>Post title</th><th>Timescale</th>
<th>Status</th></tr></thead><tbody>
<tr><td>1. That training be mandatory</td><td>Head of Democratic&nbsp;Services</td><td>March 2022</td>
<td>Delayed until May 2022</td></tr>
<tr><td>2. That (a) one thing; and (b) another</td><td>Head of HR</td><td>with immediate effect</td>
<td>Complete</td></tr>
</tbody></table>"""


def test_html_table() -> None:
    table = parse_action_table(HTML_TABLE, start=dt.date(2022, 1, 10))
    first, second = table.rows
    assert (first.number, first.recommendation, first.owner) == (
        "1",
        "That training be mandatory",
        "Head of Democratic Services",
    )
    assert (first.status, first.delayed_until, first.due_on) == ("delayed", dt.date(2022, 5, 31), dt.date(2022, 3, 31))
    assert second.sub_items == ["(a) one thing; and", "(b) another"]
    assert (second.status, second.due_on) == ("complete", dt.date(2022, 1, 10))


MARKDOWN_TABLE = """| Recommendation | Proposed action | Post title | Budget cost | Timescale |
|---|---|---|---|---|
| 1. That a plan be implemented | Plan approved | Head of Marketing | N/A | Complete |
| 2. That Members be trained | Session in May | Head of Democratic Services | £500 | January 2022 |
"""


def test_markdown_table() -> None:
    rows = parse_action_table(MARKDOWN_TABLE).rows
    assert [(r.number, r.owner, r.budget, r.timescale, r.status) for r in rows] == [
        ("1", "Head of Marketing", "N/A", "Complete", "complete"),
        ("2", "Head of Democratic Services", "£500", "January 2022", "not_started"),
    ]


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "nothing to import"),
        ("just some words, with a comma\nand another line", "No heading row"),
        ("Recommendation\tOwner\n", "no rows under it"),
    ],
)
def test_unreadable_text_is_refused_plainly(text: str, message: str) -> None:
    with pytest.raises(ImportProblem, match=message):
        parse_action_table(text)


@pytest.mark.parametrize(
    "text, start, due",
    [
        ("with immediate effect", dt.date(2020, 1, 1), dt.date(2020, 1, 1)),
        ("within the next six months", dt.date(2020, 1, 31), dt.date(2020, 7, 31)),
        ("within 3 weeks", dt.date(2020, 1, 1), dt.date(2020, 1, 22)),
        ("within the next 3 weeks", dt.date(2020, 1, 1), dt.date(2020, 1, 22)),
        ("End of October 2015", None, dt.date(2015, 10, 31)),
        ("Q1 2024/25", None, dt.date(2024, 6, 30)),
        ("2019/20", None, dt.date(2020, 3, 31)),
        ("31st February 2020", None, None),
        ("as soon as possible", dt.date(2020, 1, 1), None),
    ],
)
def test_resolve_due(text: str, start: dt.date | None, due: dt.date | None) -> None:
    assert resolve_due(text, start=start) == due


def test_status_words() -> None:
    assert read_status("Delayed until May 2016").delayed_until == dt.date(2016, 5, 31)
    assert read_status("Ongoing").status == "in_progress"
    assert read_status("Something else").status == ""
    assert split_timescale("January 2022") == ("January 2022", read_status(""))
