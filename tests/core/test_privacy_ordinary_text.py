"""Masking leaves ordinary text alone (#11: over-masking). Measured on real text read at run
time from ../shared/data (never copied here): the government Q&A pairs and the ordinary
citizens' questions (LCQMC) of the FAQ benchmark, and real titles of citizens' messages to
a provincial board. A name or an address found in them is, nearly always, a word of the
text mistaken for one ("群众满意" read as 满*, "行业主管部门" as 管**, "共12栋602户" as an
address); the bounds below were met with a margin when written (see the figures in each
test) and were broken by the rules before (government Q&A: 38 names in 9,898 texts,
LCQMC: 17 in 8,631)."""
from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path

import pytest

from interact.core.privacy import mask_text, scan_text


def _shared_data() -> Path:
    env = os.environ.get("INTERACT_SHARED_DATA")
    if env:
        return Path(env)
    root = Path(__file__).resolve().parents[2]
    for parent in root.parents:
        if (parent / "shared" / "data").is_dir():
            return parent / "shared" / "data"
    return root.parent / "shared" / "data"


FAQBENCH = _shared_data() / "faqbench" / "dev"


@lru_cache(maxsize=1)
def _corpora() -> dict[str, list[str]]:
    if not (FAQBENCH / "kb.jsonl").exists():
        pytest.skip("../shared/data/faqbench is not on this machine")
    government, questions, titles = [], [], []
    with open(FAQBENCH / "kb.jsonl", encoding="utf-8") as fh:
        for line in fh:
            entry = json.loads(line)
            if entry["answer"]:  # the government Q&A pairs
                government += [entry["question"], entry["answer"]]
            else:
                questions.append(entry["question"])
    with open(FAQBENCH / "queries.jsonl", encoding="utf-8") as fh:
        for line in fh:
            query = json.loads(line)
            if query["kind"] == "citizen_out_of_scope":
                titles.append(query["query"])
    return {"government": government, "questions": questions, "titles": titles}


def _share_with(texts: list[str], kinds: set[str]) -> tuple[float, list[str]]:
    found = []
    for text in texts:
        hits = [f.original for f in scan_text(text)[1] if f.kind in kinds]
        if hits:
            found.append(f"{hits} in {text[:40]}")
    return len(found) / len(texts), found


def test_government_answers_rarely_lose_a_word_as_a_name():
    # 8 of 9,898 texts when written, nearly all real contact persons (联系人：赵媛).
    share, found = _share_with(_corpora()["government"], {"name"})
    assert share <= 0.0015, found


def test_ordinary_questions_are_left_alone():
    # 3 of 8,631 questions when written (a pop star's name twice, a WeChat id).
    share, found = _share_with(_corpora()["questions"], {"name", "address", "account", "phone", "plate"})
    assert share <= 0.001, found


def test_citizens_titles_lose_no_word_as_a_name():
    # 0 of 3,426 titles (their addresses down to the building are hidden, as they should be).
    share, found = _share_with(_corpora()["titles"], {"name"})
    assert share <= 0.0005, found


# Words of those texts the rules used to take for personal data.
ORDINARY = [
    "按照数据打通、事能办成、效率提升、群众满意的总要求",
    "积极回应群众关切，确保重要民生商品供应正常",
    "向属地行业主管部门提交《企业疫情防控工作承诺书》后，即可复工复产。",
    "落实行业主管责任，建立领导包企制度",
    "严格保密。泄漏举报人信息的，依法依纪追究责任。",
    "各机关单位主动为群众和企业提供便捷服务。",
    "停止接待群众来访，恢复接待时间视疫情形势变化另行通知。",
    "为赴湖北医务人员无人照看的未成年子女、高龄老人提供帮助",
    "来陕人员可通过短信提示，利用手机微信填写健康登记表",
    "可以通过“畅融工程”微信公众号、12345政务服务热线等多种渠道",
    "华为手机和三星哪个好", "安卓手机QQ安装目录在哪里", "国产女士香烟都有什么牌子？",
    "我男朋友帅吧", "求古墨的豪门小老婆全本", "我现在急需一万块钱，我是单身，可借不到怎么办？",
    "我姓曾，我叫什么名字", "伤感的个性签名要唯美的",
    "杭州", "平稳", "农产品",
    "截至目前已为36个重点社区8504户居民配送蔬菜",
    "该小区共12栋602户，电梯老旧",
    "A2区兴汝金城二期开发商将电表箱装在业主门口",
    "A1区马王堆陶瓷城B区停车越来越乱",
    "投诉A市轨道3号线保洁服务项目招标",
    # the office's own words the rules took for personal data (attack batch 6, G3)
    "此复。\n公安局\n2026年11月30日", "特此函复。\n司法局", "\n常州市\n",
    "请拨打12345政务服务便民热线或0755-12345678咨询", "会议在3号楼502会议室召开",
    "根据第13800138000号文件办理",
]


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_words_stay(text):
    assert mask_text(text) == text


def test_a_date_after_a_flat_is_not_the_flat():
    assert mask_text("北京御园10栋2单元2018年10月弱电井起火") == "[地址]2018年10月弱电井起火"
