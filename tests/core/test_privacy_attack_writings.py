"""The publication masking against the writings of personal data a hostile tester
published through the real pages (tests/core/attack_writings.py: 228 of batches 5–6, 112
of batch 7, 100 of batch 8). Every writing listed in MUST_HIDE / MUST_HIDE_7 is one a rule of the pipeline
was written or widened for; the count of all writings hidden is bounded below so a change
that loses some shows at once (the figures are printed by ``bench/masking.py`` and
recorded in docs/privacy.md)."""
from __future__ import annotations

import re
import unicodedata

import pytest
from tests.core.attack_writings import (
    BATCH7,
    BATCH8,
    BATCH9,
    BATCH9_LIVE,
    BATCH9_LIVE_RICH,
    BATCH9_RICH,
    BATCH11,
    BATCH11_RICH,
    BATCH12,
    BATCH12_KIN,
    BATCH12_RICH,
    K2,
    K2_KEPT,
    K2_LIVE,
    K2_RICH,
    KEPT_7,
    KEPT_8,
    KEPT_9,
    KEPT_12,
    PLAIN,
    RICH,
)

from interact.core.privacy import as_name, mask_html, mask_text, scan_text
from interact.core.sanitize import clean_html

_INVISIBLE = re.compile(r"[\s\u00ad\u200b-\u200f\u2060\ufeff]+")


def _as_read(text: str) -> str:
    """What a reader sees, compared without spaces and with every digit in ASCII (❶, ⑴ and
    the 1 of a keycap 1️⃣ too: written here independently of the pipeline's own folding)."""
    chars = []
    for char in unicodedata.normalize("NFKC", str(text)):
        if unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        digit = unicodedata.digit(char, None)
        chars.append(str(digit) if digit is not None else char)
    return _INVISIBLE.sub("", "".join(chars)).lower()


def leaked_plain(text: str, names: list[str], fragments: list[str]) -> list[str]:
    seen = _as_read(mask_text(text, names))
    return [f for f in fragments if _as_read(f) in seen]


def leaked_rich(html: str, fragments: list[str], names: list[str] = ()) -> list[str]:
    seen = str(mask_html(html, names))
    return [f for f in fragments if f in seen or _as_read(f) in _as_read(re.sub(r"<[^>]+>", "", seen))]


def hidden_count() -> int:
    return (sum(not leaked_plain(text, names, fragments) for _, text, names, fragments in PLAIN)
            + sum(not leaked_rich(html, fragments) for html, fragments in RICH))


def hidden_count_7() -> int:
    return sum(not leaked_plain(text, names, fragments) for _, text, names, fragments in BATCH7)


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


# Hidden since batch 8's rules (a name in pinyin, initials, a given name alone, phones told
# in parts or in spoken numerals, the digits of an ID spread over a sentence).
MUST_HIDE_SINCE_8 = {
    "phone in two halves", "phone 3 halves", "id 前六位", "name pinyin", "name given only", "name field given-only",
    "name in pinyin field", "third minority", "third minority2", "third 的", "name Han+pinyin", "initials",
    "name at line start then 说",
}


@pytest.mark.parametrize("label", sorted(MUST_HIDE | MUST_HIDE_SINCE_8))
def test_writing_is_hidden(label):
    _, text, names, fragments = next(row for row in PLAIN if row[0] == label)
    assert leaked_plain(text, names, fragments) == [], mask_text(text, names)


@pytest.mark.parametrize("html,fragments", RICH)
def test_rich_text_writing_is_hidden(html, fragments):
    assert leaked_rich(html, fragments) == [], str(mask_html(html))


def test_most_writings_are_hidden():
    # 117 of 228 before batch 6's rules, 197 after, 201 after batch 7's, 216 after batch
    # 8's, 227 since batch 9's session (the one left is a company's public credit code).
    assert hidden_count() >= 227


# Hidden since the rules were widened for batch 7 (each was published before; H1, H9).
MUST_HIDE_7 = {
    # a person named by a role: any …人/…者, the people of a case, a lease, a ward
    "7 家长", "7 委托人", "7 代理律师", "7 收件人", "7 承租人", "7 当事人", "7 患者", "7 业主", "7 嫌疑人",
    # @-mentions, names in quotes, before 同学 / 大姐 / 先生 spaced, told of (反映, 据…称, 这个人),
    # 我和X是…, traditional characters, a rare surname
    "7 @mention", "7 quoted name", "7 book-quoted name", "7 title 同学的", "7 name 同学", "7 赵大姐",
    "7 spaced name 先生", "7 rare surname 佘", "7 X这个人", "7 据X称", "7 我和X是邻居",
    "7 traditional third person", "7 rare surname 禤",
    # every digit (❶ ⓿ ⑴, keycaps), more apps' accounts, documents, e-mail in Chinese
    "7 phone keycap", "7 phone dingbat", "7 phone parenthesized", "7 钉钉", "7 小红书", "7 telegram",
    "7 永居证", "7 e-mail IDN", "7 支付宝 phone",
    # addresses (basement, office block and room, English), a date of birth without a label
    "7 地下室", "7 大厦 room", "7 English address", "7 birth 85年",
    # the live run's texts
    "7 live title", "7 live body 1", "7 live body 4", "7 live body 5", "7 live opinion",
    "7 live questionnaire", "7 live interview question", "7 live ask 1", "7 live ask 2", "7 live ask 4",
    "7 live ask 5", "7 live ask 6",
}


@pytest.mark.parametrize("label", sorted(MUST_HIDE_7))
def test_batch_7_writing_is_hidden(label):
    _, text, names, fragments = next(row for row in BATCH7 if row[0] == label)
    assert leaked_plain(text, names, fragments) == [], mask_text(text, names)


def test_most_batch_7_writings_are_hidden():
    # 62 of 112 before batch 7's rules, 102 after, 108 after batch 8's, all since batch
    # 9's session.
    assert len(BATCH7) == 112
    assert hidden_count_7() == 112


# Over-masking seen in batch 7 (G3, H1) and what stays readable on purpose.
@pytest.mark.parametrize("text,masked", [
    ("我叫车去机场", "我叫车去机场"),
    ("我叫车回家", "我叫车回家"),
    ("当事人完颜萍说要", "当事人完颜*说要"),  # the verb after a name is not part of it
    ("支付宝 13800138000", "支付宝 [电话]"),
    ("办理居民身份证需要查验身份证件", "办理居民身份证需要查验身份证件"),
    ("成轴对称的两个图形", "成轴对称的两个图形"),
    ("请关注 ure.tradeinservices.mofcom.gov.cn", "请关注 ure.tradeinservices.mofcom.gov.cn"),
    *[(text, text) for _, text in KEPT_7],
    *[(text, text) for _, text in KEPT_8],
    *[(text, text) for _, text in KEPT_9],
])
def test_ordinary_writing_stays(text, masked):
    assert mask_text(text) == masked


# Batch 8 (I1, I2): each of its writings was published as typed before (31 of the probe's,
# and the live run's texts); every one is hidden now.
@pytest.mark.parametrize("label", [row[0] for row in BATCH8])
def test_batch_8_writing_is_hidden(label):
    _, text, names, fragments = next(row for row in BATCH8 if row[0] == label)
    assert leaked_plain(text, names, fragments) == [], mask_text(text, names)


def test_a_name_without_a_known_surname_or_given_alone_shows_none_of_it():
    assert mask_text("保姆晴雯偷了东西") == "保姆**偷了东西"
    assert mask_text("建国哥说", ["王建国"]) == "**哥说"
    assert mask_text("Contact: Zhou Jielun") == "Contact: ***********"


@pytest.mark.parametrize("text,masked", [
    ("仪琳的妈妈来问", "**的妈妈来问"),  # no surname, no dictionary knows the word
    ("受害人双儿受伤", "受害人**受伤"),
    ("嫌疑人鳌拜的意见不予采纳", "嫌疑人**的意见不予采纳"),
    ("孩子的妈妈来问", "孩子的妈妈来问"),  # ordinary words before 的妈妈 stay
    ("居民的孩子上学难", "居民的孩子上学难"),
    ("姐姐家的孩子是我什么", "姐姐家的孩子是我什么"),
])
def test_a_name_without_a_known_surname_is_found_by_what_is_said_of_the_person(text, masked):
    assert mask_text(text) == masked


def test_an_ip_address_is_labelled_as_one():
    assert mask_text("我家宽带IP是113.88.12.34") == "我家宽带IP是[IP地址]"


@pytest.mark.parametrize("nickname,name", [
    ("Zhou Botong", "Zhou Botong"), ("ZHOU BOTONG", "ZHOU BOTONG"), ("Ouyang Nana", "Ouyang Nana"),
    ("诸葛亮", "诸葛亮"), ("Happy Day", None), ("Good Luck", None), ("热心市民", None),
])
def test_a_nickname_in_pinyin_is_a_name(nickname, name):
    assert as_name(nickname) == name


def test_a_pinyin_nickname_is_hidden_wherever_it_is_written():
    names = (as_name("Zhou Botong"),)
    masked = mask_text("我是zhou botong，也叫ZhouBotong", names)
    assert "botong" not in masked.lower(), masked


def test_the_name_field_in_pinyin_and_initials_is_found_as_a_name_or_an_account():
    found = {f.original: f.kind for f in scan_text("Wang Jianguo, wjg1985sz, W.J.G.", ["王建国"])[1]}
    assert found == {"Wang Jianguo": "name", "wjg1985sz": "account", "W.J.G.": "name"}


# Batch 9 (J2): 24 of the probe's 91 writings and the live run's texts were published as
# typed before; every one is hidden now.
@pytest.mark.parametrize("label", [row[0] for row in BATCH9 + BATCH9_LIVE])
def test_batch_9_writing_is_hidden(label):
    _, text, names, fragments = next(row for row in BATCH9 + BATCH9_LIVE if row[0] == label)
    assert leaked_plain(text, names, fragments) == [], mask_text(text, names)


@pytest.mark.parametrize("label", [row[0] for row in BATCH9_RICH + BATCH9_LIVE_RICH])
def test_batch_9_rich_text_writing_is_hidden(label):
    _, html, names, fragments = next(row for row in BATCH9_RICH + BATCH9_LIVE_RICH if row[0] == label)
    assert leaked_rich(html, fragments, names) == [], str(mask_html(html, names))


@pytest.mark.parametrize("text,masked", [
    # who the person is, in brackets, is no name (业主（房东）), nor is an office
    ("鼓励业主（房东）为租户减免租金", "鼓励业主（房东）为租户减免租金"),
    ("住房主管部门的意见", "住房主管部门的意见"),
    ("房主不退押金怎么办", "房主不退押金怎么办"),
    # a negation after a name is not part of it
    ("房主：欧阳锋不给开证明", "房主：欧阳*不给开证明"),
    # English: after "I am" only a name in pinyin; digits spelled in English only when
    # they make a phone number
    ("I am Very Happy with the service", "I am Very Happy with the service"),
    ("one, two, three, four", "one, two, three, four"),
    ("call one eight zero zero", "call one eight zero zero"),
    # a plural role without a list of names
    ("工友们：大家辛苦了", "工友们：大家辛苦了"),
    # a plain-text table: only the name column, and only below its header
    ("姓名 | 事项\n郭靖 | 公积金提取\n黄蓉 | 社保转移", "姓名 | 事项\n郭* | 公积金提取\n黄* | 社保转移"),
    ("事项 | 办理时限\n公积金提取 | 3个工作日", "事项 | 办理时限\n公积金提取 | 3个工作日"),
])
def test_batch_9_rules_keep_ordinary_text(text, masked):
    assert mask_text(text) == masked


# The older writings left after batch 8 (docs/privacy.md listed them), hidden since
# batch 9's session; each was published as typed before.
@pytest.mark.parametrize("label", [
    "email 圈a", "email spaced", "email no label", "sig 。", "address dorm", "address soho",
    "name field reversed", "name field with 某", "phone 一百", "url profile", "address 路口",
])
def test_an_older_writing_is_hidden(label):
    _, text, names, fragments = next(row for row in PLAIN if row[0] == label)
    assert leaked_plain(text, names, fragments) == [], mask_text(text, names)


@pytest.mark.parametrize("label", ["7 pinyin comma", "7 氏 brothers", "7 外号", "7 repeated name"])
def test_an_older_batch_7_writing_is_hidden(label):
    _, text, names, fragments = next(row for row in BATCH7 if row[0] == label)
    assert leaked_plain(text, names, fragments) == [], mask_text(text, names)


@pytest.mark.parametrize("text", [
    "请尽快处理。谢谢", "谢谢。严禁", "哈哈哈哈哈哈", "哪个国家的国家的国歌最好听？", "兄弟单位的同志",
    "I am at home", "meet at QQ group", "Paris, France", "Hello, World",
    "首都机场T3航站楼", "T3 2000元", "学生宿舍300人", "宿舍管理规定第100条",
    "请关注 https://www.gov.cn/zhengce 了解",
])
def test_the_older_writings_rules_keep_ordinary_text(text):
    assert mask_text(text) == text


@pytest.mark.parametrize("text,masked", [
    # batch 9's writings in other brackets and with a singular role before the list
    ("我爱人【刘晓燕】也在场", "我爱人【刘**】也在场"),
    ("周芷若【联系人】", "周**【联系人】"),
    ("工友：赵四、刘能、谢广坤", "工友：赵*、刘*、谢**"),
    ("邻居：公安局、派出所", "邻居：公安局、派出所"),
    ("同事：王经理、李主任", "同事：王经理、李主任"),
])
def test_batch_9_writings_written_otherwise(text, masked):
    assert mask_text(text) == masked


# K2 (session 9): the classes of attack batch 10's writings still published after session 8,
# rebuilt (tests/core/attack_writings.py); 60 of the 95 plain and rich writings and the three
# live texts were published as typed before this session's rules.
@pytest.mark.parametrize("label", [row[0] for row in K2 + K2_LIVE])
def test_k2_writing_is_hidden(label):
    _, text, names, fragments = next(row for row in K2 + K2_LIVE if row[0] == label)
    assert leaked_plain(text, names, fragments) == [], mask_text(text, names)


@pytest.mark.parametrize("label", [row[0] for row in K2_RICH])
def test_k2_rich_text_writing_is_hidden(label):
    _, html, names, fragments = next(row for row in K2_RICH if row[0] == label)
    assert leaked_rich(html, fragments, names) == [], str(mask_html(html, names))


@pytest.mark.parametrize("text", [text for _, text in K2_KEPT])
def test_k2_rules_keep_ordinary_text(text):
    assert mask_text(text) == text


@pytest.mark.parametrize("text,masked", [
    # a transliterated name has no surname to show: only its dots stay
    ("艾力·买买提您好", "**·***您好"),
    ("我丈夫买买提•吐尔逊在外地", "我丈夫***•***在外地"),
    # tone marks and tone digits are read as the letters; the mask covers the digits
    ("我叫 Wang2 Jian4guo2，电话", "我叫 ***************，电话"),
    ("来信人：Chén Měilíng", "来信人：************"),
    # a handle is hidden as an account, to the next space
    ("我的微博 @小鱼儿爱吃鱼 有全部照片", "我的微博 [微信/QQ号] 有全部照片"),
    # a plate written with spaces is one plate
    ("车牌粤 B 1 2 3 4 5被拖走", "车牌[车牌号]被拖走"),
    ("苏E 12345 和 苏E 67890", "[车牌号] 和 [车牌号]"),
    # a flat: its label and value, where the writer lives, a floor of a flat
    ("房号：2-1502", "房号：[地址]"),
    ("我住东305室，隔壁太吵", "我住[地址]，隔壁太吵"),
    ("Flat A, 18/F, Tower 2, Harbour View", "[地址], Harbour View"),
])
def test_k2_masks_read_as_before(text, masked):
    assert mask_text(text) == masked


# Batch 11 (L3): the attack's probe after K2's rules; each of its writings is hidden now (19
# were published as typed on main cd69b43: a role noun or a place before a full name, 爱人
# without brackets, a hyphen inside a name, capitals, an English relative, initials of the
# name field without dots, 铁柱他爸, handles, a spaced plate, building-unit-flat forms).
@pytest.mark.parametrize("label", [row[0] for row in BATCH11])
def test_batch_11_writing_is_hidden(label):
    _, text, names, fragments = next(row for row in BATCH11 if row[0] == label)
    assert leaked_plain(text, names, fragments) == [], mask_text(text, names)


@pytest.mark.parametrize("label", [row[0] for row in BATCH11_RICH])
def test_batch_11_rich_text_writing_is_hidden(label):
    _, html, names, fragments = next(row for row in BATCH11_RICH if row[0] == label)
    assert leaked_rich(html, fragments, names) == [], str(mask_html(html, names))


@pytest.mark.parametrize("text,masked", [
    # an address form after 里的 is not a given name; the neighbours' words stay
    ("小区里的王大妈说", "小区里的*大妈说"),
    ("群里的人都说", "群里的人都说"),
    ("老太太每天跳广场舞", "老太太每天跳广场舞"),
    ("住户代表大会", "住户代表大会"),
    # English: a relative without a name; capitals that are no name field's initials
    ("My wife was refused", "My wife was refused"),
    ("IBM公司", "IBM公司"),
    # an office's room, a date, an age, a number with 十 that is no phone
    ("请到B座1203办理", "请到B座1203办理"),
    ("地址：2-1-101会议室", "地址：2-1-101会议室"),
    ("2-3-2026", "2-3-2026"),
    ("他十三岁", "他十三岁"),
    ("第十三七号", "第十三七号"),
])
def test_batch_11_rules_keep_ordinary_text(text, masked):
    assert mask_text(text) == masked


def test_a_link_to_an_account_hides_whose_it_is_unless_an_office():
    assert str(mask_html('<p><a href="https://weibo.com/tiezhu88" title="铁柱的微博">点此</a></p>')) == (
        '<p><a title="**的微博" rel="noopener noreferrer">点此</a></p>')
    assert 'title="深圳发布的微博"' in str(mask_html(
        '<p><a href="https://weibo.com/shenzhenfabu" title="深圳发布的微博">点此</a></p>'))


def test_the_initials_of_the_name_field_in_capitals_are_hidden_but_not_in_small_letters():
    assert mask_text("ZTZ 是我的缩写", ["赵铁柱"]) != "ZTZ 是我的缩写"
    assert mask_text("ZT 和 ztz", ["赵铁柱"]) == "ZT 和 ztz"


@pytest.mark.parametrize("text,fragment", [
    # K2's and batch 11's writings written otherwise (session 9)
    ("我邻居叫【王小虎】", "小虎"),
    ("MR. WANG JIANGUO called", "JIANGUO"),
    ("Mr.Wang Jianguo", "Jianguo"),
    ("我的姓名是：欧阳·娜娜", "娜娜"),
    ("住B1205室", "1205"),
    ("我住6栋2B", "2B"),
    ("住在A座2B", "2B"),
    ("科技园6座2B", "2B"),
    ("住在18楼F座", "18楼F"),
    ("住18F", "18F"),
    ("我家在三组五户", "五户"),
    ("我是3栋的老住户周建军社保卡丢了", "建军"),  # (L3 addendum: a curator's phrasing)
])
def test_k2_writing_written_otherwise_is_hidden(text, fragment):
    assert leaked_plain(text, [], [fragment]) == [], mask_text(text)


@pytest.mark.parametrize("text", ["面包车6座2排", "我住5楼", "居住1年", "住房1502套", "住院3天", "这个活动叫【百日攻坚】"])
def test_k2_variants_rules_keep_ordinary_text(text):
    assert mask_text(text) == text


def test_a_name_split_by_an_image_is_one_name():
    assert "小明" not in str(mask_html('<p>联系人：王<img src="/files/x.png">小明</p>'))


# Attack batch 12 (M1): what is still published, each a class left open (docs/privacy.md).
# (Session 11 closed the last seven: 柱子他妈, 快手：铁柱在深圳, 3号院2排5号, 5樓之3,
# 王庄村东头第三家, 三楼东户, 赵铁柱<sup>1</sup>您好.)
OPEN_12: set[str] = set()


@pytest.mark.parametrize("label", [row[0] for row in BATCH12 + BATCH12_KIN if row[0] not in OPEN_12])
def test_batch_12_writing_is_hidden(label):
    _, text, names, fragments = next(row for row in BATCH12 + BATCH12_KIN if row[0] == label)
    assert leaked_plain(text, names, fragments) == [], mask_text(text, names)


@pytest.mark.parametrize("label", [row[0] for row in BATCH12_RICH if row[0] not in OPEN_12])
def test_batch_12_rich_text_writing_is_hidden(label):
    _, html, names, fragments = next(row for row in BATCH12_RICH if row[0] == label)
    assert leaked_rich(html, fragments, names) == [], str(mask_html(html, names))


@pytest.mark.parametrize("text", KEPT_12 + [
    # a relative, then words the dictionary knows well (M1's kinship rule)
    "我妈高血压", "我老伴儿高血压住院", "我妈江西人", "我妈毛病多", "我叔严重", "我妈成天打麻将",
    "我爸曾经在工厂上班", "我哥高中毕业", "他妈的什么东西", "我姐常说", "我爸文化程度低", "我姐江苏人",
    "孩子他爸在外地打工", "我妈和我爸", "我弟向我借钱",
    # plates, IDs and flats of the same session's rules
    "我在粤B一带", "粤A一级", "hu A 1号线", "GDP 12345", "B12345", "身份证有效期2026", "请携带身份证2份",
    "住在北京 1502天", "住在地铁站 A1-2出口", "农历廿三", "户名不对", "开户名与身份证一致",
    # the session's review: a shop after a neighbour word, 包 as a verb, Q: in English
    "楼下的童装店每天放音乐", "隔壁的麻将馆每天吵到半夜", "对门的包子铺早上五点开门", "楼上的棋牌室吵",
    "我妈包饺子每天", "Q: Please advise",
])
def test_batch_12_rules_keep_ordinary_text(text):
    """M2: 刚出生的孩子 was published as ***的孩子 (a demo FAQ phrasing too)."""
    assert mask_text(text) == text


@pytest.mark.parametrize("text,fragment", [
    ("户名王翠兰", "翠兰"), ("收款人户名：王翠兰", "翠兰"),  # M1: whose a bank account is
    ("我妈李桂香", "桂香"), ("俺是李富贵", "富贵"),  # M1 addendum: as an interview nickname
    ("楼下的王翠兰每天吵", "翠兰"), ("我妈包桂香今年八十", "桂香"), ("Q：287654321", "287654321"),
])
def test_batch_12_account_holders_and_nicknames_are_hidden(text, fragment):
    assert leaked_plain(text, [], [fragment]) == [], mask_text(text)


@pytest.mark.parametrize("text", [
    # session 11's rules for the last of batch 12: seats, rows and floors that are no home,
    # an office's accounts after an app and a colon, a pillar
    "电影院8排3号座", "在电影院8排3号", "考场第3排5号", "会场3排5号", "第二排第三个", "我们村第三家",
    "三楼东户", "村东头第三家超市", "抖音：平安深圳", "微博：健康深圳", "官方快手：深圳交警", "微博：深圳发布",
    "关注我们的抖音：防骗小课堂", "第一条1您好", "忠孝东路四段",
])
def test_session_11_rules_keep_ordinary_text(text):
    assert mask_text(text) == text


def test_a_pet_name_of_the_given_name_is_hidden_only_with_the_name_field_and_where_a_person_is_meant():
    assert mask_text("柱子他妈让我来问一下。", ["赵铁柱"]) == "**他妈让我来问一下。"
    assert mask_text("大家都叫我小柱", ["赵铁柱"]) == "大家都叫我**"
    assert mask_text("柱子他妈让我来问一下。") == "柱子他妈让我来问一下。"
    assert mask_text("门口的柱子倒了", ["赵铁柱"]) == "门口的柱子倒了"


# Attack batch 13 (N1, N4: /tmp/attack/b13/writings*.py), the writings session 11's rules hide:
# a name after its status or the accusation (五保户…, 举报…), three addresses.
BATCH13 = [
    ("我要举报李建军，他在小区里乱搭乱建。", "建军"), ("投诉孙德胜长期占用消防通道。", "德胜"),
    ("我准备起诉周海涛，他借钱不还。", "海涛"), ("五保户郑老根的房子漏雨没人管。", "老根"),
    ("低保户冯秀珍被取消了低保资格。", "秀珍"), ("村民何二牛家的猪跑到我家菜地里。", "二牛"),
    ("农民工郭大鹏被包工头欠薪。", "大鹏"), ("患儿朱小宝今年三岁，需要做手术。", "小宝"),
    ("产妇许丽娟在医院等了一天没人管。", "丽娟"), ("独居老人韩桂英家里断水三天了。", "桂英"),
    ("我战友马志强退伍后没有安置。", "志强"), ("外卖小哥田立新骑车撞了我。", "立新"),
    ("保安队长彭建华打了业主。", "建华"), ("物业经理周国强态度恶劣。", "国强"),
    ("中介黄小明收了定金不退。", "小明"), ("我和前男友何志强有纠纷。", "志强"),
    ("家住解放碑民权路28号附3号", "附3号"), ("农八师121团12连5号", "5号"), ("东风林场三工区8排3号", "8排3号"),
    # documents' numbers after their label, accounts, a parking space
    ("社保电脑号 612345678，查不到缴费记录。", "612345678"), ("结婚证字号 J440301-2010-001234", "001234"),
    ("出生医学证明编号 Q440123456", "440123456"), ("外国人永久居留身份证号 USA440190010101", "440190010101"),
    ("Skype: live:tiezhu_sz", "tiezhu_sz"), ("我的公众号叫“铁柱说事”，上面有视频。", "铁柱说事"),
    ("我的车位B2-123被人占了一个月。", "B2-123"),
    # N4: a full name in a plain place of the sentence, with what follows it
    ("你们去问问王翠兰就知道了。", "翠兰"), ("让孙德胜出来给大家道歉。", "德胜"), ("必须叫李建军赔钱。", "建军"),
    ("王翠兰家的狗天天咬人。", "翠兰"), ("李建军的车天天堵在单元门口。", "建军"), ("我跟李建军吵了一架。", "建军"),
    ("我被李建军打了，脸都肿了。", "建军"), ("法院判决孙德胜赔偿，他一直不执行。", "德胜"),
    ("王翠兰和李建军都没领到补贴。", "建军"), ("请转告李建军，明天去社区一趟。", "建军"),
    ("陈美玲今年七十三岁，一个人住。", "美玲"), ("嫁给了李建军以后一直受家暴。", "建军"),
    ("钱国栋欠我工资三万二，一直拖着不给。", "国栋"),
    # session 12: the last seven of N1 (a patient by the bed, a pupil by the class, a list before 等N户,
    # a surname's initial in a text, a Hong Kong married name, a name on Soul)
    ("12床的刘春花一直没人来换药。", "春花"), ("三年级二班的王小虎被同学欺负。", "小虎"),
    ("张福贵、李有田、赵满仓等12户村民的补偿款没发。", "福贵"), ("张福贵、李有田、赵满仓等12户村民的补偿款没发。", "有田"),
    ("张福贵、李有田、赵满仓等12户村民的补偿款没发。", "满仓"), ("W翠兰反映的问题请尽快处理。", "翠兰"),
    ("香港的陈方美玲女士想咨询回内地养老。", "美玲"), ("Soul上叫铁柱爱吃瓜，可以找到我。", "铁柱爱吃瓜"),
    # a name the dictionary knows as one, before what the person accused did
    ("举报王建国收受贿赂。", "建国"), ("举报王建国长期占道", "建国"), ("投诉王建国态度差", "建国"),
    # one-word variants of the session's rules
    ("张福贵、李有田和赵满仓等12户", "满仓"), ("张福贵、李有田等村民", "有田"), ("张三、李和平等人", "和平"),
    ("12床刘春花一直没人管", "春花"), ("二年级（3）班的王小虎被打了", "小虎"), ("soul上叫铁柱爱吃瓜", "铁柱爱吃瓜"),
    ("在Soul上的昵称是铁柱爱吃瓜", "铁柱爱吃瓜"), ("网友W翠兰反映", "翠兰"), ("陈方美玲太太", "美玲"),
    ("患儿朱小宝家长", "小宝"),
    # N1's interview nicknames: a name accused at the end of the text, a parking space after 车位 alone
    ("举报李建军", "建军"), ("我要举报李建军", "建军"), ("车位B2-123", "B2-123"),
    # review 2's one-word variants of N4 (left open by session 11)
    ("我被李建军骗了", "建军"), ("李建军家的鸡天天叫", "建军"), ("叫李建军过来", "建军"), ("跟李建军借了钱", "建军"),
    ("王翠兰家的鸭子", "翠兰"), ("李建军经常骂人", "建军"), ("李建军偷了我的车", "建军"),
]


@pytest.mark.parametrize("nickname,handle", [("Soul铁柱爱吃瓜", "铁柱爱吃瓜"), ("小红书铁柱的日常", "铁柱的日常")])
def test_an_app_and_a_handle_as_a_nickname_is_a_name(nickname, handle):
    """Attack N1: the interview nickname Soul铁柱爱吃瓜 was shown as typed."""
    assert as_name(nickname) == handle
    assert handle not in mask_text(f"我是{nickname}，想问一下", [as_name(nickname)])


@pytest.mark.parametrize("nickname", ["抖音用户", "快手粉丝", "淘宝运费怎么算", "微博可以注销吗", "抖音平安深圳"])
def test_an_app_and_words_as_a_nickname_is_no_name(nickname):
    assert as_name(nickname) is None


def test_a_name_split_over_two_paragraphs_before_a_greeting_is_hidden():
    assert leaked_rich("<p>王</p><p>翠兰</p><p>您好，已转交。</p>", ["翠兰"]) == []
    assert str(mask_html("<p>王</p><p>翠兰</p><p>您好，已转交。</p>")) == "<p>王</p><p>**</p><p>您好，已转交。</p>"


@pytest.mark.parametrize("text,fragment", BATCH13)
def test_batch_13_writing_is_hidden(text, fragment):
    assert leaked_plain(text, [], [fragment]) == [], mask_text(text)


@pytest.mark.parametrize("text", [
    # the attack's ordinary sentences next to batch 13's rules (N1 KEPT, N4)
    "举报电话是多少？", "投诉有没有回复？", "我要起诉公司，去哪里立案？", "五保户有哪些补助？",
    "低保户可以领取哪些补贴？", "村民小组长怎么选？", "农民工工资被拖欠怎么办？", "患儿家长可以陪护吗？",
    "独居老人有没有上门服务？", "快递员被狗咬了算工伤吗？", "物业经理态度恶劣。", "中介收了定金不退。",
    "我跟邻居吵了一架。", "老板不给发工资。", "李主任说这事不归他管。", "王老师家访了。",
    "结婚证丢了怎么补办？", "出生证明怎么开？", "请携带结婚证、户口本", "车位被占了找谁？", "小区车位123个",
    "我的车位费交了", "关注我们的公众号叫“深圳发布”", "公众号上能查公积金吗？",
    # N4's ordinary sentences, and words that stand where its names stand
    "你们去问问社区就知道了。", "让物业出来给大家道歉。", "必须叫他赔钱。", "我被狗咬了。", "法院判决以后一直不执行。",
    "请转告社区，明天去一趟。", "嫁给外地人户口能迁吗？", "我跟王老师吵了一架", "让孙悟空出来", "王府井家的狗",
    "叫林业局出来", "问问方向就知道了", "让高速出来", "跟张家口以后",
    # session 12: next to the last seven (N1 KEPT) and the over-masking review 2 left
    "三年级二班的课表在哪看？", "12床的家属请到护士站。", "二班的任课老师说了", "陌陌上遇到诈骗怎么办？",
    "反映小孩转学到C市的问题", "关于C市职称评定事项的咨询", "A股市场说", "K线图说", "王府井、张家口等地",
    "北京、上海等城市", "李宁、安踏等品牌", "在抖音上叫卖", "微信上叫外卖", "微信上叫他过来", "快手上叫什么名字",
    "抖音上叫平安深圳", "被告方赔偿", "原告方要求撤诉", "让司机师傅出来道歉", "感谢安装师傅", "让管道师傅来一趟",
    "感谢司机同志", "市人大常委会主任蒋卓庆", "办公室主任刘强说会处理", "投诉周生生长期乱收费", "投诉周黑鸭长期乱收费",
    "投诉周大福长期欺诈", "投诉美团外卖", "投诉中国移动长期乱扣费", "投诉周大福金店",
    "投诉金龙鱼长期虚假宣传", "被高仿货骗了", "被保健品骗了", "李敏镐偷吻被强吻里的歌是什么", "叫出租车过来",
    "被黄牛党骗了", "被李老板骗了", "让程序员过来", "张家口家的", "车位B区", "车位A-12元", "投诉何时", "投诉江北区", "北京和上海等城市", "一和二等奖", "淘宝运费怎么算", "淘宝店铺装修模板怎么设计",
])
def test_batch_13_rules_keep_ordinary_text(text):
    assert mask_text(text) == text


# Review 1 F0: a nickname that starts with a word offices name their accounts with (平安, 健康,
# 美丽, 智慧…) is a person's account; the office's is the word and a place or a service.
@pytest.mark.parametrize("text,fragment", [
    ("我的抖音号：平安喜乐2018", "喜乐2018"), ("我的微博叫健康快乐每一天", "快乐每一天"),
    ("我的抖音号是平安是福888", "是福888"), ("我的微博名：美丽人生李小花", "美丽人生"),
    ("我的小红书号：智慧妈妈王芳", "智慧妈妈"), ("我的快手号：中国好人张铁柱", "中国好人"),
    ("抖音搜“平安喜乐小王”就能找到我", "喜乐小王"), ("抖音搜“平安深圳”就能找到我", "平安深圳"),
    ("我的抖音：平安深圳", "平安深圳"), ("微博号：文明人生2020", "人生2020"),
])
def test_a_personal_account_starting_with_an_offices_word_is_hidden(text, fragment):
    assert leaked_plain(text, [], [fragment]) == [], mask_text(text)


@pytest.mark.parametrize("text", [
    "抖音：平安深圳", "微博：健康深圳", "抖音号：中国消防", "关注微博@平安深圳交警", "请关注共青团中央的微博号：共青团中央",
    "在抖音搜“平安深圳”观看视频", "微博：平安广东", "抖音：健康南山区",
])
def test_an_offices_account_named_with_a_place_stays(text):
    assert mask_text(text) == text


# Review 1 F1: an app and a colon is an account only as a short name that ends the item, not
# words: a source cited, a status, what was seen there.
@pytest.mark.parametrize("text", [
    "抖音：看到一个视频说公积金可以提前取", "微博：已删除", "快手：直播间", "我在抖音：刷到一条消息",
    "来源抖音：社保新规解读", "微博：看到有人说社保要涨了", "微博：热搜第一",
])
def test_an_app_and_a_colon_before_words_stays(text):
    assert mask_text(text) == text


@pytest.mark.parametrize("text,fragment", [
    ("快手：铁柱在深圳", "铁柱在深圳"), ("快手：铁柱在深圳。", "铁柱在深圳"), ("抖音：阿杰的日常，微信：tiezhu88", "阿杰的日常"),
    ("电话：13800138000 快手：铁柱在深圳", "铁柱在深圳"), ("微博：小鱼儿爱吃鱼", "小鱼儿爱吃鱼"),
])
def test_an_app_and_a_colon_before_a_name_is_an_account(text, fragment):
    assert leaked_plain(text, [], [fragment]) == [], mask_text(text)


# Review 1 F1b: a seat in a hall and a shop counted from the end of a village are no home.
@pytest.mark.parametrize("text", [
    "医院第3排5号", "法院3排5号", "戏院8排3号", "王庄村东头第三家超市门口", "学校3号院2排5号教室", "李家庄西头第二家饭馆",
])
def test_a_row_that_is_no_home_stays(text):
    assert mask_text(text) == text


# Review 2 F1: what follows 举报/投诉/起诉 is as often a place, an office or a thing as a person;
# F10: an official after 队长 is named as such (docs/privacy.md), an anonymised 王某 stays.
@pytest.mark.parametrize("text", [
    "投诉江北区的噪音问题", "投诉沈阳市的", "投诉唐山市", "我要举报高新区的违建。", "举报林业局不作为", "投诉林业局态度恶劣",
    "投诉徐汇区的医院", "投诉陆家嘴的写字楼", "投诉卢沟桥的", "举报郑州市长期污染", "投诉高压线的", "投诉董事会的",
    "投诉许可证的", "投诉毛坯房的", "投诉范围内的", "投诉曾经的", "投诉何时才能处理", "投诉夏季长期停电",
    "投诉黄牛党长期倒票", "投诉黄牛长期倒票", "举报黄赌毒的", "投诉孙悟空的", "投诉高层住宅的", "投诉石材厂的噪音",
    "投诉朱家角长期堵车", "投诉马家堡态度恶劣", "投诉潘家园的", "投诉谭家湾的", "投诉叶县的", "投诉孔雀城的",
    "投诉张亮麻辣烫的卫生", "投诉林肯汽车", "投诉高德打车", "投诉金地物业的", "投诉史家胡同的", "投诉付款方式的",
    "举报金龙鱼食用油", "投诉周大福金店的", "投诉何炅的节目", "投诉金融办的", "投诉夏令营的",
    "中队长王建国说会处理", "交警大队长李明说会处理", "感谢派出所队长王建国同志", "举报王某", "投诉黄某态度差",
    "我要举报刘某某",
])
def test_what_follows_an_accusation_stays_unless_a_person(text):
    assert mask_text(text) == text


@pytest.mark.parametrize("text,fragment", [
    ("举报李建军违建", "建军"), ("投诉孙德胜乱停车", "德胜"), ("起诉周海涛借钱不还", "海涛"), ("我要举报李建军！", "建军"),
    ("举报李明长期占道", "李明"), ("我举报了李建军，他天天占道", "建军"), ("保安队长王建国打人", "建国"),
])
def test_a_person_accused_is_hidden(text, fragment):
    assert leaked_plain(text, [], [fragment]) == [], mask_text(text)


# Review 2 F2: a price, a year or an area after 我的车位 is no parking space's number.
@pytest.mark.parametrize("text", [
    "我的车位300元一个月太贵了", "我家的车位2020年买的", "我的车位是2019年买的", "我的车位12平方米太小", "我的车位100块一个月",
])
def test_a_price_year_or_area_after_my_parking_space_stays(text):
    assert mask_text(text) == text


@pytest.mark.parametrize("text,fragment", [("我的车位是123号", "123"), ("我的车位045被占了", "045")])
def test_a_parking_space_number_is_hidden(text, fragment):
    assert leaked_plain(text, [], [fragment]) == [], mask_text(text)


# Review 2 F8: 就能找到我们 is how an office points to its account; a person's still hidden.
@pytest.mark.parametrize("text", [
    "在抖音搜“平安深圳”就能找到我们", "抖音搜“平安深圳”即可找到我们的账号", "欢迎在抖音搜“健康深圳”找到我们，了解更多",
])
def test_an_offices_account_that_finds_us_stays(text):
    assert mask_text(text) == text


@pytest.mark.parametrize("text,fragment", [
    ("抖音搜“铁柱一家”就能找到我们", "铁柱一家"), ("抖音搜“平安喜乐2018”就能找到我", "喜乐2018"),
])
def test_a_persons_account_that_finds_them_is_hidden(text, fragment):
    assert leaked_plain(text, [], [fragment]) == [], mask_text(text)


# Review 2 F3: a question about one's own channel is no channel's name.
@pytest.mark.parametrize("text", [
    "我的公众号是不是被封了", "我的公众号是什么", "我的公众号叫什么名字能改吗", "我的视频号是新注册的",
    "我的直播间是被谁举报了", "我的公众号：还没开通",
])
def test_a_question_about_my_channel_stays(text):
    assert mask_text(text) == text


@pytest.mark.parametrize("text,fragment", [
    ("我的公众号叫铁柱说事", "铁柱说事"), ("我的公众号是铁柱说事，欢迎关注", "铁柱说事"), ("我的视频号：铁柱在深圳", "铁柱在深圳"),
])
def test_my_channel_without_quotes_is_hidden(text, fragment):
    assert leaked_plain(text, [], [fragment]) == [], mask_text(text)


# Review 2 F4: a place, an office or a boss where a three-character name could stand.
@pytest.mark.parametrize("text", [
    "问问林老板就知道了", "马老板欠我工资", "问问高铁站就知道了", "让高铁站出来说明", "叫龙华区赔钱", "让余杭区出来道歉",
    "石材厂欠我工资三个月", "居委会和曹家渡都没有管", "让何时能出来", "我和江西省都没有关系", "村民郭家庄",
])
def test_a_place_or_a_boss_where_a_name_could_stand_stays(text):
    assert mask_text(text) == text


# Review 12 #2: 主任 before a name is anyone's title unless it follows the body it heads.
@pytest.mark.parametrize("text,fragment", [
    ("我们公司的主任王秀英拖欠工资", "秀英"), ("我舅舅是主任李建军，他霸占了我家的地", "建军"),
    ("举报主任王建国收受贿赂", "建国"), ("主任张伟说会处理", "张伟"),
])
def test_a_name_after_zhuren_is_hidden(text, fragment):
    assert leaked_plain(text, [], [fragment]) == [], mask_text(text)


# Review 12 #1: a run of 和 (a separator and a character of a name) before 等人 once split in
# exponentially many ways: 60 of them took 24 s, 200 would never end (the time-out fails it).
@pytest.mark.timeout(60)
def test_a_run_of_list_separators_before_deng_is_read_in_linear_time():
    text = "张福贵、李有田和赵满仓等12户。" + "和" * 2000 + "。"
    masked = mask_text(text)
    assert "满仓" not in masked and "和" * 2000 in masked


# Review 12's leftovers (session 13): what its rules still published …
REVIEW_12_HIDDEN = [
    # a dictionary name (nr) accused at the very end, before ！ or 的态度; the name whose last
    # character begins the deed (张伟 + 收受贿赂) hidden without the deed's first character
    ("举报王建国", "建国"), ("我要举报王建国！", "建国"), ("举报王建国的态度很差", "建国"), ("举报张伟收受贿赂", "张伟"),
    # a surname's initial in small letters
    ("w翠兰反映的问题请尽快处理。", "翠兰"), ("网友w翠兰说", "翠兰"),
    # a man named like a place before 师傅
    ("江山师傅修好了我家的水管", "江山"), ("感谢江山师傅", "江山"),
    # Latin names in a letter: after who the person is, before what a person does or after an accusation
    ("我的邻居Tom Li天天堵门", "Tom Li"), ("房东Lily Chen不退押金", "Lily Chen"), ("Zhang Wei借钱不还", "Zhang Wei"),
    ("我要举报Zhang Wei", "Zhang Wei"), ("请联系Zhang Wei处理", "Zhang Wei"), ("Zhang Wei took my money", "Zhang Wei"),
    ("a man named Tom Li keeps calling me", "Tom Li"), ("司机Wang Wei态度差", "Wang Wei"),
    # a handle on an app, the sentence after it going on
    ("我在Soul上叫铁柱爱吃瓜欢迎大家来找我", "铁柱爱吃瓜"), ("陌陌上叫小甜甜的那个人骗了我五千块钱", "小甜甜"),
]


@pytest.mark.parametrize("text,fragment", REVIEW_12_HIDDEN)
def test_review_12_leftover_is_hidden(text, fragment):
    assert leaked_plain(text, [], [fragment]) == [], mask_text(text)


@pytest.mark.parametrize("text,masked", [
    # … and what they hid that is no one's
    ("举报张伟收受贿赂", "举报张*收受贿赂"),
    ("我在Soul上叫铁柱爱吃瓜欢迎大家来找我", "我在Soul上叫[微信/QQ号]欢迎大家来找我"),
    ("陌陌上叫小甜甜的那个人骗了我", "陌陌上叫[微信/QQ号]的那个人骗了我"),
])
def test_review_12_masks_only_the_name(text, masked):
    assert mask_text(text) == masked


@pytest.mark.parametrize("text", [
    # 叫 as a verb on an app; words the dictionary tags as names; villages in a list; a word or a
    # room written with a letter; Latin words that are no one
    "闲鱼上叫价太高了，能不能管一管", "在抖音上叫喊着要砸店", "快手上叫停了这个活动",
    "投诉马拉松多次封路", "举报马拉松长期扰民", "孔雀、白鹭等人工繁育的鸟类", "马拉松、孔雀等人",
    "王村、李庄等村民反映道路不通", "王村、李庄等12户村民", "王家湾、李家沟等村民",
    "B超室反映排队太久", "X光室说要等三天", "b超室说", "K歌房说", "T恤店说",
    "我去Hong Kong旅游", "练Tai Chi", "学习Python Programming", "请联系Customer Service处理", "我在Apple Store买的",
])
def test_review_12_ordinary_text_stays(text):
    assert mask_text(text) == text


@pytest.mark.parametrize("nickname", ["抖音客服", "美团骑手", "淘宝卖家", "抖音人工客服"])
def test_an_app_and_a_role_as_a_nickname_is_no_name(nickname):
    """Review 12: 抖音客服 was a handle, so 客服 was hidden in every text of the interview."""
    assert as_name(nickname) is None


def test_a_compound_surname_split_over_two_paragraphs_before_a_greeting_is_hidden():
    assert leaked_rich("<p>欧阳</p><p>娜娜</p><p>您好，已转交。</p>", ["娜娜"]) == []


# Attack batch 14 (P1: /tmp/attack/b14/writings.py and writings2.py, session 13): written-register kin
# words, a department's answer naming the other party, a name in any plain place of a sentence, a
# space before 女士, utility household numbers, villas and basements, labelled addresses, ruby.
# (Left: 王翠兰（化名）— the writer says it is not her name; 知乎搜：深圳铁柱 — a search, no account.)
BATCH14 = [
    ('被投诉人：无。相关人员李建军，男，汉族，1975年3月出生，住本村。', ['建军']),
    ('王翠兰，女，62岁，系我母亲。', ['翠兰']),
    ('张福贵（男，1958年生）是我们村的五保户。', ['福贵']),
    ('家父王德顺去年去世，抚恤金至今未发。', ['德顺']),
    ('家母李桂香今年八十岁，想申请高龄津贴。', ['桂香']),
    ('先父孙有财留下的房子被人占了。', ['有财']),
    ('犬子赵小宝今年考上了大学。', ['小宝']),
    ('内人刘秀芬在医院住院。', ['秀芬']),
    ('我岳父周长林的养老金停发了。', ['长林']),
    ('我继子马小龙上学的事。', ['小龙']),
    ('我奶奶李王氏九十岁了，没有身份证。', ['李王氏']),
    ('村里人都叫他二愣子，大名刘长贵。', ['长贵']),
    ('请尽快处理。\n此致\n敬礼！\n王翠兰\n2026年12月1日', ['翠兰']),
    ('以上意见供参考。\n——李建军 12月1日', ['建军']),
    ('反映人：本村村民\n签名：孙德胜（按手印）', ['德胜']),
    ('牧民扎西多吉家的牛被撞死了，没人赔。', ['扎西多吉']),
    ('我邻居阿依古丽的孩子没有户口。', ['阿依古丽']),
    ('联系人 王 翠 兰，有事找她。', ['翠 兰', '翠兰']),
    ('我叫李建军（Li Jianjun），在深圳打工。', ['建军', 'Jianjun']),
    ('李建军是我们村的会计，账目不公开。', ['建军']),
    ('房东孙德胜不退押金，还扣了我两千。', ['德胜']),
    ('找到了肇事司机，叫钱国栋。', ['国栋']),
    ('我和李建军是同一批下岗的。', ['建军']),
    ('经查，周海涛确实存在违建行为。', ['海涛']),
    ('姓名：赵铁柱 性别：男 民族：汉', ['铁柱']),
    ('请帮忙找一下我走失的父亲王德顺，78岁，有老年痴呆。', ['德顺']),
    ('我的前妻张丽丽带走了孩子。', ['丽丽']),
    ('我是王翠兰的女儿，替她来问。', ['翠兰']),
    ('我是孙德胜的代理人。', ['德胜']),
    ('家里座机 8123 4567，白天有人接。', ['8123', '4567']),
    ('邮箱：tiezhu88#163.com（#换成@）', ['tiezhu88']),
    ('Line：tiezhu88，我在台湾。', ['tiezhu88']),
    ('驾驶证档案编号 440300123456', ['440300123456']),
    ('燃气户号 3100123456 的账单不对。', ['3100123456']),
    ('水费户号：20123456，多收了钱。', ['20123456']),
    ('手机号是幺三八、幺二三四、五六七八。', ['五六七八']),
    ('手机号 138 后面是 1234 再后面 5678', ['5678']),
    ('我的号码13812345678（微信同号）', ['12345678']),
    ('联系电话：138****5678 不对，是13812345678', ['12345678']),
    ('残疾人证号 44030119900101123X41', ['0101123']),
    ('我的银行卡尾号后八位是 12345678，卡号 6222 0212 3456 7890 123', ['3456 7890', '34567890']),
    ('社会保障号码 440301199001011234', ['199001011234', '0101123']),
    ('护照号 E12345678，在国外办不了。', ['12345678']),
    ('老年人优待证 No.0012345', ['0012345']),
    ('退役军人优待证号 12345678901234', ['12345678901234']),
    ('我的微信：tie-zhu_1988（备注市民）', ['tie-zhu_1988']),
    ('贴吧ID 铁柱哥哥 发过帖子', ['铁柱哥哥']),
    ('身份证号码：4403 0119 9001 0112 34', ['0112', '1990']),
    ('锡林郭勒盟阿巴嘎旗那仁宝拉格苏木巴彦图嘎查3组', ['巴彦图嘎查3组']),
    ('住东四十条胡同28号院3号', ['28号院3号', '院3号']),
    ('碧桂园别墅区D-18', ['D-18']),
    ('我家在城中村新围村二巷五号', ['二巷五号', '五号']),
    ('地址：幸福里小区北门进去左手第二栋三楼', ['第二栋三楼']),
    ('我租的地下室负一层B102', ['B102']),
    ('住在7号楼3门601，楼上漏水', ['3门601', '601']),
    ('我家是12栋二单元六楼西户', ['六楼西户']),
    ('收货地址：深圳市南山区科技园南区W1-A栋5楼', ['W1-A栋5楼']),
    ('家住幸福小区12#楼2单元301', ['301']),
    ('住址：xx镇xx村38号', ['38号']),
    ('门牌是光明路一百二十三号', ['一百二十三号']),
]
BATCH14_RICH = [
    ('<p>来信人：</p><table><tr><td>王翠兰</td><td>13812345678</td></tr></table>', ['翠兰', '12345678']),
    ('<p>赵铁柱&nbsp;同志：</p><p>您好！</p>', ['铁柱']),
    ('<p>王&#32763;兰您好：</p>', ['翠兰', '&#32763;兰']),
    ('<p>联系人：<ruby>王<rt>wang</rt>翠兰</ruby></p>', ['翠兰']),
    ('<p>回复<q>王翠兰</q>：您反映的问题已处理。</p>', ['翠兰']),
    ('<p>电话：<code>13812345678</code></p>', ['12345678']),
]
# the second round: each form with three names (all five in the probe)
BATCH14_PLACES = [
    ('我找王翠兰要钱，他一直不给。', ['翠兰']),
    ('我找孙德胜要钱，他一直不给。', ['德胜']),
    ('我找周海涛要钱，他一直不给。', ['海涛']),
    ('去年向王翠兰借了五万块。', ['翠兰']),
    ('去年向孙德胜借了五万块。', ['德胜']),
    ('去年向周海涛借了五万块。', ['海涛']),
    ('对王翠兰的处理结果不服。', ['翠兰']),
    ('对孙德胜的处理结果不服。', ['德胜']),
    ('对周海涛的处理结果不服。', ['海涛']),
    ('我与王翠兰签了租房合同。', ['翠兰']),
    ('我与孙德胜签了租房合同。', ['德胜']),
    ('我与周海涛签了租房合同。', ['海涛']),
    ('王翠兰的低保被取消了。', ['翠兰']),
    ('孙德胜的低保被取消了。', ['德胜']),
    ('周海涛的低保被取消了。', ['海涛']),
    ('帮王翠兰申请一下低保。', ['翠兰']),
    ('帮孙德胜申请一下低保。', ['德胜']),
    ('帮周海涛申请一下低保。', ['海涛']),
    ('替王翠兰问一下养老金的事。', ['翠兰']),
    ('替孙德胜问一下养老金的事。', ['德胜']),
    ('替周海涛问一下养老金的事。', ['海涛']),
    ('给王翠兰打了十几个电话都不接。', ['翠兰']),
    ('给孙德胜打了十几个电话都不接。', ['德胜']),
    ('给周海涛打了十几个电话都不接。', ['海涛']),
    ('关于王翠兰违建的举报。', ['翠兰']),
    ('关于孙德胜违建的举报。', ['德胜']),
    ('关于周海涛违建的举报。', ['海涛']),
    ('这件事是王翠兰干的。', ['翠兰']),
    ('这件事是孙德胜干的。', ['德胜']),
    ('这件事是周海涛干的。', ['海涛']),
    ('我把钱转给了王翠兰。', ['翠兰']),
    ('我把钱转给了孙德胜。', ['德胜']),
    ('我把钱转给了周海涛。', ['海涛']),
    ('由王翠兰负责打扫楼道。', ['翠兰']),
    ('由孙德胜负责打扫楼道。', ['德胜']),
    ('由周海涛负责打扫楼道。', ['海涛']),
    ('我们村的王翠兰一直在占地。', ['翠兰']),
    ('我们村的孙德胜一直在占地。', ['德胜']),
    ('我们村的周海涛一直在占地。', ['海涛']),
    ('和王翠兰一起去的社区。', ['翠兰']),
    ('和孙德胜一起去的社区。', ['德胜']),
    ('和周海涛一起去的社区。', ['海涛']),
    ('比王翠兰多交了两千。', ['翠兰']),
    ('比孙德胜多交了两千。', ['德胜']),
    ('比周海涛多交了两千。', ['海涛']),
    ('连王翠兰都领到了补贴。', ['翠兰']),
    ('连孙德胜都领到了补贴。', ['德胜']),
    ('连周海涛都领到了补贴。', ['海涛']),
    ('1. 王翠兰\n2. 李有田', ['翠兰']),
    ('1. 孙德胜\n2. 李有田', ['德胜']),
    ('1. 周海涛\n2. 李有田', ['海涛']),
    ('群主王翠兰把我踢出了群。', ['翠兰']),
    ('群主孙德胜把我踢出了群。', ['德胜']),
    ('群主周海涛把我踢出了群。', ['海涛']),
    ('楼长王翠兰不让装空调。', ['翠兰']),
    ('楼长孙德胜不让装空调。', ['德胜']),
    ('楼长周海涛不让装空调。', ['海涛']),
    ('村医王翠兰乱收费。', ['翠兰']),
    ('村医孙德胜乱收费。', ['德胜']),
    ('村医周海涛乱收费。', ['海涛']),
]
BATCH14_KEPT = [
    '我要举报黄赌毒窝点，就在菜市场后面。',
    '投诉曹操出行司机绕路。',
    '投诉高德地图导航错误。',
    '我被高空抛物砸伤了。',
    '我被黄牛骗了五百块。',
    '被马蜂蛰了去哪个医院。',
    '举报高利贷团伙暴力催收。',
    '投诉万科物业不作为。',
    '我被白蚁咬坏了家具。',
    '我爸常年在外地打工。',
    '我妈白天上班晚上照顾孩子。',
    '我哥于是去社区办了证明。',
    '脑瘫的孩子能不能申请补贴？',
    '自闭症的孩子上学怎么办？',
    '唐宝的妈妈们想成立一个互助会。',
    '星星的孩子需要更多关爱。',
    '请问社保卡丢了怎么补办？',
    '家父家母都已经退休了。',
    '此致\n敬礼！',
    '经查，该小区确实存在违建行为。',
    '我和老伴是同一批下岗的。',
    '房东不退押金，还扣了我两千。',
    '相关人员，男，汉族，请到窗口办理。',
    '找到了肇事司机，叫他赔钱。',
    '王府井步行街的商户反映停车难。',
    '请问黄金周期间办事大厅开放吗？',
    '周一到周五都可以办理。',
    '高新区的企业怎么申请补贴？',
    '马上就到截止日期了。',
    '我是王老师的学生家长。',
    '向阳村二组的路灯坏了。',
    '市民中心B栋1203室是哪个部门？',
    '幸福小区北门的垃圾没人清理。',
    '地下室负一层经常积水。',
    '12345热线打不通。',
    '请拨打0755-12345678咨询。',
    '退役军人优待证怎么办理？',
    '残疾人证丢了怎么补？',
    '燃气户号在哪里查？',
    '老年人优待证有什么用？',
    '社会保障号码就是身份证号吗？',
    '驾驶证档案编号在哪看？',
    '微信同号可以吗？',
    '李白的诗里写过这个地方。',
    '孙悟空的雕像被人破坏了。',
    '钱包丢了去哪里报案？',
    '我和爱人都是外地户口。',
    '何时能收到答复？',
    '车位不够，停车难。',
    '扎西德勒！祝大家新年快乐。',
    '我找社区要钱，他们一直不给。',
    '去年向银行借了五万块。',
    '对处理结果不服。',
    '我与房东签了租房合同。',
    '低保被取消了。',
    '帮老人申请一下低保。',
    '替我妈问一下养老金的事。',
    '给社区打了十几个电话都不接。',
    '关于违建的举报。',
    '这件事是物业干的。',
    '我把钱转给了房东。',
    '由物业负责打扫楼道。',
    '我们村的王家庄一直在占地。',
    '和邻居一起去的社区。',
    '比去年多交了两千。',
    '连外地人都领到了补贴。',
    '1. 身份证\n2. 户口本',
    '群主把我踢出了群。',
    '楼长不让装空调。',
    '村医乱收费。',
    '找王府井的商户要钱',
    '向高新区借了五万块',
    '对黄金周的安排不满',
    '与万科物业签了合同',
    '给江北区打电话',
    '关于周末办理的问题',
    '帮孙悟空雕像修一下',
    '是钱塘江的问题',
    '转给了石家庄的公司',
    '由何时开始执行',
]


@pytest.mark.parametrize("text,fragments", BATCH14 + BATCH14_PLACES)
def test_batch_14_writing_is_hidden(text, fragments):
    assert leaked_plain(text, [], fragments) == [], mask_text(text)


@pytest.mark.parametrize("html,fragments", BATCH14_RICH)
def test_batch_14_rich_writing_is_hidden(html, fragments):
    assert leaked_rich(clean_html(html), fragments) == [], str(mask_html(clean_html(html)))


@pytest.mark.parametrize("text", BATCH14_KEPT)
def test_batch_14_ordinary_text_stays(text):
    assert mask_text(text) == text
    assert mask_text(text, ["赵铁柱"]) == text


@pytest.mark.parametrize("text,fragment", [
    # P5's one-liners: the full name of someone called by surname and 大妈, a lowercase q号, a doctor
    # taking red envelopes
    ("我们楼的刘大妈叫刘桂芝", "桂芝"), ("q号：287654321", "287654321"), ("主治医生张建国收红包", "建国"),
])
def test_batch_14_one_liner_is_hidden(text, fragment):
    assert leaked_plain(text, [], [fragment]) == [], mask_text(text)


@pytest.mark.parametrize("text", ["李老师叫我去办公室", "王阿姨叫张师傅过来", "刘大妈叫外卖"])
def test_a_form_of_address_calling_someone_stays(text):
    assert mask_text(text).endswith(text[3:])


@pytest.mark.parametrize("text,masked", [("张师傅是司机", "张师傅是司机"), ("我同事是李娜", "我同事是李*"), ("我丈夫是高峰", "我丈夫是高*")])
def test_what_someone_is_after_shi_is_no_name(text, masked):
    """Found while reviewing P5: a relation word, 是 and a frequent word (司机) was masked as a name."""
    assert mask_text(text) == masked


@pytest.mark.parametrize("text", ["去年向王建国借了五万块", "我与王建国签了租房合同", "我找王建国要钱"])
def test_a_rare_dictionary_name_in_a_plain_place_is_hidden(text):
    """P5's re-check: 王建国 (the dictionary knows it, as a name, 12 times) was published in 17 of 20 places."""
    assert leaked_plain(text, [], ["建国"]) == [], mask_text(text)


# Review 13 F1: a third party named right after who the person is to the writer (or the party a complaint
# is about), before any verb — the relation patterns needed one of _AFTER_PERSON after the name, and 88 of
# 88 relation × complaint-verb pairs were published.
REVIEW13_NAMES = ["王翠兰", "周海涛", "刘桂芝", "陈志强", "张伟", "黄丽", "李建军", "王建国"]
REVIEW13_VERBS = ["借钱不还", "占用楼道", "堵门", "养狗扰民", "违建", "赌博", "家暴", "放鞭炮", "占道经营", "造谣", "卖假货"]


@pytest.mark.parametrize("who", ["我邻居", "我的邻居", "我丈夫", "我老公", "我婆婆", "她老公", "我同事", "我发小", "我闺蜜",
                                 "业主", "楼上住户", "我们村长"])
def test_a_name_after_who_the_person_is_is_hidden_whatever_verb_follows(who):
    published = [who + name + verb for name in REVIEW13_NAMES for verb in REVIEW13_VERBS
                 if name[1:] in mask_text(who + name + verb)]
    assert published == []


@pytest.mark.parametrize("text,masked", [
    ("我邻居王翠兰占用楼道堆放杂物，多次沟通无果", "我邻居王**占用楼道堆放杂物，多次沟通无果"),
    ("我邻居张伟养狗扰民", "我邻居张*养狗扰民"), ("业主王翠兰占用楼道", "业主王**占用楼道"),
])
def test_only_the_name_after_who_the_person_is_is_hidden(text, masked):
    assert mask_text(text) == masked


@pytest.mark.parametrize("text", [
    "我邻居家的狗", "我丈夫单位不给报销", "业主大会", "我同事说", "业主委员会", "我同事马上来", "我邻居周一搬走",
    "我丈夫陈述了事实", "我同事张罗了聚会", "我儿子周末回家", "业主张贴通知", "我们房东说", "我丈夫戴眼镜",
    "我女儿韩剧看多了", "我邻居侯车室等", "我丈夫高工资", "我朋友圈里", "我同学会计专业",
])
def test_words_after_who_the_person_is_stay(text):
    assert mask_text(text) == text


# Review 13 F2: ordinary words the new plain-place, kin and signature rules took for names.
@pytest.mark.parametrize("text", [
    "联系田径队的教练", "，龙舟赛长期停办", "1、杨梅汁\n2、柳橙汁\n3、胡萝卜", "1. 江小白\n2. 雷碧", "家父母都退休了",
    "先父母的坟", "——张家界 12月1日",
])
def test_a_team_a_drink_parents_and_a_place_are_no_names(text):
    assert mask_text(text) == text


@pytest.mark.parametrize("text,fragment", [
    ("联系李建军", "建军"), ("1. 王翠兰\n2. 李建军", "翠兰"), ("家父王德顺去世", "德顺"), ("——李建军 12月1日", "建军"),
])
def test_the_names_of_those_rules_are_still_hidden(text, fragment):
    assert leaked_plain(text, [], [fragment]) == [], mask_text(text)


# Review 13 F3: what a form says to write after the label of an address is no address.
@pytest.mark.parametrize("text", [
    "家庭住址：请如实填写，门牌号必须准确", "现住址：填写至门牌号", "户籍地址：与户口本一致（填写到楼栋号）",
    "收货地址：请联系客服修改，订单号在短信里",
])
def test_an_address_labels_instructions_stay(text):
    assert mask_text(text) == text


@pytest.mark.parametrize("text", ["家庭住址：幸福小区3栋2单元501", "住址：xx镇xx村38号", "现住址：李家村三组",
                                  "家庭住址：东风路十二号"])
def test_a_labelled_address_is_still_hidden(text):
    assert mask_text(text).endswith("[地址]"), mask_text(text)


def test_the_labelled_address_looks_for_its_number_in_the_value_only():
    """The look-ahead ran to the end of the line from every label (quadratic: 40,000 characters of 住址：
    took 6.6 s); it now looks no further than the value may run. Told by what it matches, not by time:
    a number past the value's 60 characters does not make it an address."""
    assert mask_text("住址：" + "某" * 70 + "5号") == "住址：" + "某" * 70 + "5号"


@pytest.mark.parametrize("text,fragment", [
    # Review 13 F13: where the writer (or someone) lives, told by a village's group
    ("我是长乐镇向阳村二组村民，反映低保问题", "二组"), ("本人是红星乡东风村5组村民", "5组"), ("我叫李建军，是向阳村二组村民", "二组"),
    ("我是东风村5组的，我家的房子漏水", "5组"), ("我父亲在向阳村二组养猪", "二组"),
    # F8: a place after 是 is no trade
    ("我老公是江山", "江山"), ("我同事是高原", "高原"),
    # F7: a handle with 说 inside
    ("快手上叫老王说车", "说车"), ("抖音上叫大鹏说房", "说房"),
])
def test_review_13_writing_is_hidden(text, fragment):
    assert leaked_plain(text, [], [fragment]) == [], mask_text(text)


@pytest.mark.parametrize("text", [
    "向阳村二组的路灯坏了", "东风村5组村民请求修建水渠", "服务热线 HOTLINE：12345678", "报名截止 DEADLINE: 2026-12-31",
    "TIMELINE：20260101", "FAQ：12345678", "张师傅是司机",
])
def test_review_13_ordinary_text_stays(text):
    assert mask_text(text) == text


@pytest.mark.parametrize("text,fragment", [
    # Attack batch 15 (Q1): a document's number after a label the rules did not know
    ("病案号 0012345", "0012345"), ("门诊号：MZ20230012345", "20230012345"), ("户口本编号 440300012345", "012345"),
    ("户口簿编号：440300012345", "012345"), ("我是台胞，台湾身份证A123456789", "123456789"),
    ("台湾居民身份证号码 A123456789", "123456789"),
    # and a WeChat account after 微 and a heart (V❤ was known)
    ("微❤ tiezhu_88", "tiezhu_88"), ("加我微♥：tiezhu_88", "tiezhu_88"),
])
def test_batch_15_document_and_account_is_hidden(text, fragment):
    assert leaked_plain(text, [], [fragment]) == [], mask_text(text)


@pytest.mark.parametrize("text", [
    "门诊时间：8:00-12:00", "门诊楼3号电梯", "户口本首页和本人页复印件", "病案复印需要带身份证", "户口本编号在哪里看",
    "台湾身份证可以办理居住证吗", "门诊费用报销比例为50%", "微❤公益活动报名",
])
def test_batch_15_ordinary_text_stays(text):
    assert mask_text(text) == text


@pytest.mark.parametrize("text,expected", [
    # Attack Q2: a word beginning with a Chinese numeral after a number stays whole
    ("手机13800138000一直关机", "手机[电话]一直关机"), ("电话 13800138000 一直打不通", "电话 [电话] 一直打不通"),
    ("我的QQ 123456789 一起来", "我的QQ [微信/QQ号] 一起来"), ("身份证440301198503152214 一并提交", "身份证[身份证号] 一并提交"),
    ("卡号 6222021234567890123 一个月了", "卡号 [银行卡号] 一个月了"), ("电话13800138000 二十四小时开机", "电话[电话] 二十四小时开机"),
    # while digits written in numerals at a number's end are still its own
    ("手机1380013八零零零", "手机[电话]"), ("手机138 0013 八零零零", "手机[电话]"), ("电话一三八零零一三八零零零", "电话[电话]"),
])
def test_batch_15_a_numeral_word_after_a_number_is_not_masked_with_it(text, expected):
    assert mask_text(text) == expected


@pytest.mark.parametrize("text", [
    # Review 14 F1: a figure after the bare word 门诊/病案/住院 is a count, not a record's number
    "我院门诊2023年接诊量达120000人次，住院病人8000人", "门诊2024年1-6月共接诊56789人次", "病案 2024年10000份已电子化",
    "全院住院2023年共收治12000人次",
])
def test_review_14_figures_after_a_record_word_stay(text):
    assert mask_text(text) == text


@pytest.mark.parametrize("text,fragment", [
    ("住院号2023123456", "2023123456"), ("住院号：ZY2023123456", "2023123456"), ("门诊号是MZ20230012345", "20230012345"),
    ("病案号为0012345", "0012345"), ("门诊编号 20230012345", "20230012345"),
])
def test_review_14_a_record_number_is_still_hidden(text, fragment):
    assert leaked_plain(text, [], [fragment]) == [], mask_text(text)
