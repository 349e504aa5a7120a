"""The publication masking against the 228 writings of personal data a hostile tester
published through the real pages (tests/core/attack_writings.py). Every writing listed in
MUST_HIDE is one a rule of the pipeline was written or widened for; the count of all
writings hidden is bounded below so a change that loses some shows at once (the figure is
printed by ``bench/masking.py`` and recorded in docs/privacy.md)."""
from __future__ import annotations

import re
import unicodedata

import pytest
from tests.core.attack_writings import PLAIN, RICH

from interact.core.privacy import mask_html, mask_text

_INVISIBLE = re.compile(r"[\s\u00ad\u200b-\u200f\u2060\ufeff]+")


def _as_read(text: str) -> str:
    """What a reader sees, compared without spaces and with every digit in ASCII (written
    here independently of the pipeline's own folding)."""
    chars = []
    for char in unicodedata.normalize("NFKC", str(text)):
        digit = unicodedata.decimal(char, None)
        chars.append(str(digit) if digit is not None else char)
    return _INVISIBLE.sub("", "".join(chars)).lower()


def leaked_plain(text: str, names: list[str], fragments: list[str]) -> list[str]:
    seen = _as_read(mask_text(text, names))
    return [f for f in fragments if _as_read(f) in seen]


def leaked_rich(html: str, fragments: list[str]) -> list[str]:
    seen = str(mask_html(html))
    return [f for f in fragments if f in seen or _as_read(f) in _as_read(re.sub(r"<[^>]+>", "", seen))]


def hidden_count() -> int:
    return (sum(not leaked_plain(text, names, fragments) for _, text, names, fragments in PLAIN)
            + sum(not leaked_rich(html, fragments) for html, fragments in RICH))


def test_the_writings_are_counted_as_the_findings_say():
    assert len(PLAIN) + len(RICH) == 228


# Hidden since the rules were widened for batch 6 (each was published before).
MUST_HIDE = {
    # one reading of every writing: invisible characters, circled/superscript/mathematical/
    # Arabic-Indic digits, Latin O and l among digits
    "phone ZWSP", "phone softhyphen", "phone circled", "phone arabic-indic", "phone math bold",
    "phone superscript", "phone leet", "phone letter O", "id zwsp", "plate zwsp", "wx zwsp",
    "address zwsp",
    # more separators between digit groups (。 | : + 杠), five groups of a card number
    "phone 。 separated", "phone ｜", "phone +", "phone colon", "phone 'dash' words", "id |", "id 。",
    "bank , separated",
    # people by their role or their relation, before their sex or age, in couples, after a
    # dash, in brackets, in pinyin, after 名叫/叫做/网名
    "户主", "租户", "投诉对象", "法定代表人", "网格员", "村支书", "保安", "driver", "patient", "students",
    "grandpa", "wife 媳妇", "ex 前男友", "name 氏", "老大叫", "third 邻居", "third 被告",
    "name + （女，45岁）", "name，女，", "name+和 pair", "dash signature", "name in brackets",
    "为 name 申请", "由 name 代办", "我姓王叫", "third 名叫", "third 姓名为", "third 叫做",
    "name in nickname", "name mixed latin", "third latin",
    # the name field's name split by dots, dashes or a letter
    "name split by punct", "name with x", "name dot-separated", "name hyphen",
    # accounts and e-mails with other words for 微信 and @
    "wechat 薇信", "wechat 绿泡泡", "wechat chinese v", "email (a)", "email star", "email 圈", "email 小老鼠",
    # other personal documents' numbers after their label
    "hk id", "military", "social 9", "medical", "property", "vin",
    # where a person is and when they were born
    "coords", "coords2", "ip", "birth", "birthday",
    # addresses: 东单元, 西段, 1234-5号, 阳光100小区3号楼, 十二栋六零二, B塔3908, 5号楼3单元
    "address 东单元", "address 段", "address 大道 dash", "address 小区 name + 号楼", "address 栋 chinese",
    "address B塔", "address 号 no road",
}

# Written in the live run of batch 6 (G1) beside the probes above.
LIVE = [
    ("此致敬礼 ——Huangfu Xiaowen", [], ["Huangfu", "Xiaowen"]),
    ("来信人李·小·芳反映", ["李小芳"], ["小·芳"]),
    ("户主王大力、租户钱小美的纠纷", [], ["大力", "小美"]),
    ("手机138OO138OOO", [], ["OO138", "OOO"]),
    ("体育西路103号维多利广场B塔3908", [], ["3908"]),
    ("银行卡号6222，0202，0001，2345，678", [], ["0202", "678"]),
]


@pytest.mark.parametrize("text,names,fragments", LIVE)
def test_live_writing_is_hidden(text, names, fragments):
    assert leaked_plain(text, names, fragments) == [], mask_text(text, names)


@pytest.mark.parametrize("label", sorted(MUST_HIDE))
def test_writing_is_hidden(label):
    _, text, names, fragments = next(row for row in PLAIN if row[0] == label)
    assert leaked_plain(text, names, fragments) == [], mask_text(text, names)


# A name glued to what it names in an image's alt text (王小明身份证): read alone, 居民身份证
# would be a name too; left in the count of what is not hidden.
RICH_NOT_HIDDEN = {'<p><img alt="王小明身份证" src="/x.png"></p>'}


@pytest.mark.parametrize("html,fragments", [row for row in RICH if row[0] not in RICH_NOT_HIDDEN])
def test_rich_text_writing_is_hidden(html, fragments):
    assert leaked_rich(html, fragments) == [], str(mask_html(html))


def test_most_writings_are_hidden():
    # 117 of 228 before batch 6's rules, 197 after (bench/masking.py lists the rest).
    assert hidden_count() >= 197
