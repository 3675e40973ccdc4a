from cstui.io.text import display_width, render_table


def test_double_width_characters_count_two_columns():
    assert display_width("张伟") == 4
    assert display_width("Li Na") == 5
    assert display_width("ｶ") == 1  # halfwidth katakana stays narrow


def test_columns_line_up_with_chinese_names():
    table = render_table(("id", "name", "team"), [("E1", "张伟", "客服一组"), ("E2", "Alice", "B")])
    header, _rule, first, second = table.splitlines()
    team_at = [
        display_width(line[: line.index(cell)]) for line, cell in ((header, "team"), (first, "客服一组"), (second, "B"))
    ]
    assert team_at[0] == team_at[1] == team_at[2]


def test_numeric_columns_right_aligned():
    table = render_table(("who", "pay"), [("张伟", "-120"), ("Bo", "110")], numeric=[False, True])
    rows = table.splitlines()[2:]
    assert [display_width(r) for r in rows] == [display_width(rows[0])] * 2
