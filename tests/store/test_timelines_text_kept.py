"""An apply writes back the level timelines it read unchanged as the text it read (issue 14):
the column it stores is byte for byte what encoding the decoded timelines gives, whichever
members changed, were replaced or were changed in place, and a spool kept in memory records and
reports what one kept in its file does."""

from __future__ import annotations

import pickle
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from cstui.domain import Period, Result
from cstui.grading import Spool, TeamResults
from cstui.store.checkpoints import StoredTimeline, read_timelines, state_json, timelines_json
from cstui.store.codec import dumps

# texts that could confuse a reader that splits the column: quotes, the separators, 中文, NUL
awkward = st.lists(
    st.sampled_from(['"', "\\", ", ", ": ", "], [", "}", "{", "中", "\x00", "a", " ", "\n"]), max_size=8
).map("".join)
entry = st.lists(st.one_of(awkward, st.none(), st.integers(-5, 5)), min_size=0, max_size=3)
timelines = st.dictionaries(awkward, st.lists(entry, max_size=4), max_size=6)


@settings(max_examples=300, deadline=None)
@given(timelines, st.data())
def test_timelines_written_back_are_their_encoding(stored, data):
    read = read_timelines(dumps(stored))
    assert read == stored
    assert all(type(t) is StoredTimeline and t.text == dumps(list(t)) for t in read.values())
    changed = {}
    for key, timeline in read.items():  # as a month leaves each: kept, extended anew, or changed in place
        how = data.draw(st.sampled_from(["kept", "new", "appended", "set"]))
        if how == "new":
            timeline = [*timeline, ["2026-12", "L9", "why"]]
        elif how == "appended":
            timeline.append(["2026-12", "L9", 'why "'])
        elif how == "set" and timeline:
            timeline[0] = ["2026-01", None, "again"]
        changed[key] = timeline
    assert timelines_json(changed) == dumps({key: list(t) for key, t in changed.items()})


def test_a_text_spelled_otherwise_is_read_plainly():
    assert read_timelines('{"E1":[["2026-01", "L1", "w"]], "E2": []}') == {"E1": [["2026-01", "L1", "w"]], "E2": []}
    assert read_timelines("{}") == {}
    for broken in ('{"E1": [["2026-01"', '{"E1": [1]] '):
        try:
            read_timelines(broken)
        except ValueError:
            continue
        raise AssertionError(f"{broken!r} was read")


def test_a_stored_timeline_travels_with_its_text():
    timeline = read_timelines(dumps({"E1": [["2026-01", "L1", "w"]]}))["E1"]
    back = pickle.loads(pickle.dumps(timeline, protocol=pickle.HIGHEST_PROTOCOL))  # a worker's team
    assert type(back) is StoredTimeline and back == timeline and back.text == timeline.text
    state = {"employees": {"E1": {"level": "L1", "timeline": back}, "E2": {"level": "L2"}}}
    assert state_json(state, True) == (
        dumps({"employees": {"E1": {"level": "L1"}, "E2": {"level": "L2"}}}),
        '{"E1": ' + back.text + "}",
    )


def team(name: str, size: int, trace_length: int) -> TeamResults:
    results = [
        Result(
            f"{name}-{i}",
            f"N {i} 林",
            name,
            Period.parse("2026-12"),
            "s",
            "1",
            Decimal("81.50"),
            "B",
            i + 1,
            "L1",
            "L2",
            "promote",
            None,
            ["flag"],
            ['line " 中' * trace_length],
        )
        for i in range(size)
    ]
    timeline = read_timelines(dumps({f"{name}-0": [["2026-01", "L1", "w"]]}))
    return TeamResults(
        name, size, results, {"employees": {f"{name}-0": {"level": "L1", "timeline": timeline[f"{name}-0"]}}}
    )


def test_a_spool_in_memory_records_and_reports_what_its_file_does():
    teams = [team(f"T{i}", 3 + i % 4, 1 + i * 7) for i in range(12)]
    spools = [Spool(True, in_memory=room) for room in (0, 400, 10**9)]  # all in the file, split, all in memory
    for spool in spools:
        for graded in teams:
            spool.add(graded)
    assert spools[1]._kept and spools[1]._file is not None  # the split one holds both
    assert spools[0]._file is not None and not spools[0]._kept and spools[2]._file is None
    stored = [list(spool.stored()) for spool in spools]
    reported = [[(t.team, t.size, t.results) for t in spool.teams()] for spool in spools]
    assert stored[0] == stored[1] == stored[2] and reported[0] == reported[1] == reported[2]
    assert [t.team for t in spools[1].teams(trace=False)] == [t.team for t in teams]
    assert spools[0].employee_ids == spools[2].employee_ids and spools[0].result_count == spools[2].result_count
    for spool in spools:
        spool.close()


def test_a_result_without_flags_comes_back_without_them():
    from cstui.store.periods import result_of_stored, stored_result

    for flags in ([], ["flag"]):
        result = team("T", 1, 2).results[0]
        result.flags = flags
        back = result_of_stored(stored_result(result), result.name, trace=False)
        assert back.flags == flags and type(back.flags) is list
