"""Names for generated employees: Chinese mostly, some English (as in a real roster)."""

from __future__ import annotations

import random

# Common surnames, most frequent first (weights fall off along the list).
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢傅钟姜崔谭廖范汪陆金石贾韦夏邱方侯邹熊孟秦白江薛尹段雷黎史龙陶贺顾毛郝龚邵万钱严覃武莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉玲婷雪琳丹俊浩宇欣怡晨阳佳慧颖倩博文斌宁凯瑶嘉思梓睿子涵雨萱诗"
ENGLISH_FIRST = (
    "Emily",
    "Jason",
    "Kevin",
    "Grace",
    "Lucy",
    "Tony",
    "Vivian",
    "Eric",
    "Cindy",
    "Frank",
    "Helen",
    "Leo",
    "Nina",
    "Oscar",
    "Sophie",
    "Tom",
)
PINYIN = ("Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Lin", "Xu")
ENGLISH_SHARE = 0.08
_SURNAME_WEIGHTS = [1 / (i + 4) for i in range(len(SURNAMES))]


def person_name(rng: random.Random) -> str:
    if rng.random() < ENGLISH_SHARE:
        return f"{rng.choice(ENGLISH_FIRST)} {rng.choice(PINYIN)}"
    surname = rng.choices(SURNAMES, _SURNAME_WEIGHTS)[0]
    given = "".join(rng.choice(GIVEN) for _ in range(1 if rng.random() < 0.4 else 2))
    return surname + given
