"""A scheme file's problems read in 中文 under --lang zh (file and key path as written, the
message from its template), and exactly as they always did in English."""

from __future__ import annotations

from click.testing import CliRunner

from cstui.cli import cli
from cstui.domain.texts import Line, render
from cstui.schemes import Problems

BAD = (
    'name = "bad"\nextends = "assistant-class"\nversion = 3\nfoo = 1\n'
    '[[levels]]\nkey = "class-3"\n[[levels]]\nkey = "class-3"\n'
    '[metrics.satisfaction]\nkind = "percentage"\n'
)


def check(path, *lang: str):
    result = CliRunner().invoke(cli, [*lang, "scheme", "check", str(path)])
    assert result.exit_code == 3, result.output
    return [line.removeprefix("cstui: ") for line in result.output.splitlines()]


def test_scheme_check_in_english_is_as_it_was(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(BAD, encoding="utf-8")
    lines = check(path)
    assert f"{path}: version: expected a string, got a whole number 3" in lines
    assert f"{path}: levels[1].key: duplicate level 'class-3'" in lines
    kinds = "count, money, number, points, rate, rating, seconds, text"
    assert f"{path}: metrics.satisfaction.kind: expected one of {kinds}, got 'percentage'" in lines
    assert any(line.startswith(f"{path}: foo: unknown key foo; expected one of award, ") for line in lines)


def test_scheme_check_in_chinese_names_file_and_key(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(BAD, encoding="utf-8")
    lines = check(path, "--lang", "zh")
    assert f"{path}：version：应为字符串，实际为 整数 3" in lines
    assert f"{path}：levels[1].key：级别 'class-3' 重复" in lines
    kinds = "count, money, number, points, rate, rating, seconds, text"
    assert f"{path}：metrics.satisfaction.kind：应为 {kinds} 之一，实际为 'percentage'" in lines
    assert any(line.startswith(f"{path}：foo：未知的键 foo；应为 award, ") for line in lines)


def test_a_model_check_reads_in_chinese(tmp_path):
    path = tmp_path / "stars.toml"
    path.write_text('name = "s"\nextends = "star-levels"\nversion = "1"\n[probation]\nmonths = -1\n', encoding="utf-8")
    assert f"{path}: probation.months: expected a whole number >= 0, got -1" in check(path)
    assert f"{path}：probation.months：应为不小于 0 的整数，实际为 -1" in check(path, "--lang", "zh")


def test_a_template_problem_stays_one_line_and_renders():
    """A key holding a newline is escaped as in a plain line, in both languages."""
    from cstui.engine.problem_texts import expected

    problems = Problems("f.toml")
    problems.add("a\nb", expected("what.number", "'x\\ny'"))
    problems.add("c", "plain text\tline")
    made, plain = problems.lines
    assert isinstance(made, Line) and made == "f.toml: a\\nb: expected a number, got 'x\\ny'"
    assert render(made, "zh") == "f.toml：a\\nb：应为数字，实际为 'x\\ny'"
    assert plain == "f.toml: c: plain text\\tline"


def test_model_problems_of_each_kind_read_in_chinese(tmp_path):
    """A model's own rule (five-tier), a plugin's table of keys (assistant-class) and a shape of
    keys the scheme names (MapOf) in both languages."""
    method = tmp_path / "method.toml"
    method.write_text('name = "t"\nextends = "five-tier"\nversion = "1"\n[score]\nmethod = "sum"\n', encoding="utf-8")
    assert f'{method}: score.method: expected "weighted" or "bands", got \'sum\'' in check(method)
    assert f'{method}：score.method：应为 "weighted" 或 "bands"，实际为 \'sum\'' in check(method, "--lang", "zh")
    tenure = tmp_path / "tenure.toml"
    tenure.write_text(
        'name = "t"\nextends = "five-tier"\nversion = "1"\n[review]\nmin_tenure_months = 3\n', encoding="utf-8"
    )
    english = "expected a table of level key = a whole number, got a whole number 3"
    assert f"{tenure}: review.min_tenure_months: {english}" in check(tenure)
    zh = "应为“级别键 = 整数”形式的表，实际为 整数 3"
    assert f"{tenure}：review.min_tenure_months：{zh}" in check(tenure, "--lang", "zh")
    classes = tmp_path / "classes.toml"
    classes.write_text(
        'name = "c"\nextends = "assistant-class"\nversion = "1"\n[demotion]\nreview_quarter = 5\n', encoding="utf-8"
    )
    assert f"{classes}: demotion.review_quarter: expected a quarter 1..4, got 5" in check(classes)
    assert f"{classes}：demotion.review_quarter：应为1..4 之间的季度，实际为 5" in check(classes, "--lang", "zh")
