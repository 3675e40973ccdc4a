"""The roster import's success notice in 中文: the summary is rendered from its template, not
quoted in English inside a Chinese sentence."""

from __future__ import annotations


async def test_the_import_notice_reads_in_chinese(make_app, tmp_path, settle):
    good = tmp_path / "roster.csv"
    good.write_text("employee_id,name,team,role,hire_date\nE500,新人,kf2,agent,2026-02-01\n", encoding="utf-8")
    app = make_app(lang="zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("i")
        app.screen.query_one("#import-path").value = str(good)
        await pilot.press("enter")
        await settle(pilot)
        await settle(pilot)
        said = [n.message for n in app._notifications]
        assert "花名册已导入：roster.csv：1 名员工（新增 1，更新 0）" in said, said
