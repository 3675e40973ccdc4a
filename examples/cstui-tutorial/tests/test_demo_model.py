"""tutorial-followups grades the demo company's assistants (their cards carry the follow-up counts)."""

from cstui.clock import default_period


def test_grades_the_demo_company(cstui_demo):
    assistants = cstui_demo.move("assistant-class", "tutorial-followups")  # every month they were assistants
    results = cstui_demo.grade("tutorial-followups", default_period())
    assert sorted(results) == assistants
    assert not [r for r in results.values() if r.decision == "invalid"]
    assert [r for r in results.values() if r.score is not None]
