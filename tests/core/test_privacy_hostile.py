"""Publication masking against the ways citizens really write personal data: obfuscated
e-mails, numbers broken over lines or by odd separators, mixed numerals, dialling prefixes,
landlines, chat accounts, licence plates, names around forms of address and addresses down
to the flat. And the other side: dates, amounts, document numbers, letter numbers and
government hotlines stay readable."""
from __future__ import annotations

import pytest

from interact.core.privacy import mask_html, mask_text, scan_text

# (what a citizen wrote, names known from the form, fragments that must not survive)
HIDDEN = [
    # --- e-mail addresses written to dodge filters
    ("有结果请发我邮箱 zhangsan @ 163 dot com，谢谢", [], ["zhangsan"]),
    ("我的邮箱zhangsan（at）163.com", [], ["zhangsan"]),
    ("邮箱：zhangsan#163.com（#换成@）", [], ["zhangsan"]),
    ("回复到ｚｈａｎｇｓａｎ＠１６３．ｃｏｍ就行", [], ["ｚｈａｎｇｓａｎ", "zhangsan"]),
    ("邮件发 zhangsan at 163 dot com", [], ["zhangsan"]),
    ("邮箱是zhangsan艾特163点com", [], ["zhangsan"]),
    ("邮箱：wanghong1988@163", [], ["wanghong1988"]),
    ("E-mail: Li.Hua_1990@Sina.Com.cn", [], ["Li.Hua_1990", "Sina"]),
    # --- ID numbers broken up
    ("身份证号：44030119900101\n123X", [], ["44030119900101", "123X"]),
    ("身份证 440301-1990-0101-1234", [], ["440301", "1990-0101", "1234"]),
    ("身份证 440301\u300019900101\u3000123X", [], ["440301", "19900101", "123X"]),
    ("身份证号码440301199001011\n234，请核实", [], ["440301199001011", "234，"]),
    ("身份证：４４０３０１１９９００１０１１２３Ｘ", [], ["４４０３０１", "１２３Ｘ"]),
    ("证件号 440301 1990 0101 12 3 4", [], ["440301", "0101"]),
    ("身份证号是四四零三零一一九九零零一零一一二三四", [], ["四四零三零一", "一二三四"]),
    # --- phone numbers
    ("手机：137\n1234\n5678", [], ["1234", "5678"]),
    ("电话 1371234\n5678 白天打", [], ["1371234", "5678"]),
    ("我的手机号一三7 1234 五六78", [], ["1234", "五六78"]),
    ("手机1三7一2三4五6七8", [], ["1三7一2三4五6七8", "五6七8"]),
    ("联系电话 +86 137 1234 5678", [], ["1234", "5678"]),
    ("联系电话0086-13712345678", [], ["13712345678"]),
    ("电话008613712345678", [], ["13712345678", "008613712345678"]),
    ("＋８６－１３７－１２３４－５６７８", [], ["１２３４", "５６７８"]),
    ("家里座机0755-8888 6666", [], ["8888", "6666"]),
    ("有事打（0755）88886666找我", [], ["88886666"]),
    ("固话 0755 8888 6666，手机也行", [], ["8888", "6666"]),
    ("座机八八八八六六六六", [], ["八八八八六六六六"]),
    # --- chat accounts
    ("加我微信：zhangsan_1990", [], ["zhangsan_1990"]),
    ("微信号 wxid_abc12345", [], ["wxid_abc12345"]),
    ("vx：zs19900101，QQ 85412345", [], ["zs19900101", "85412345"]),
    ("我的QQ号是８５４１２３４５６", [], ["８５４１２３４５６"]),
    ("微信同手机号13712345678", [], ["13712345678"]),
    # --- licence plates
    ("我的车牌号粤B12345被误罚", [], ["粤B12345", "B12345"]),
    ("车牌蒙A·D12345的新能源车", [], ["D12345"]),
    ("车号 京N 8A8B8 停在楼下", [], ["8A8B8"]),
    # --- names around forms of address and labels
    ("联系人李建国电话13712345678", [], ["建国"]),
    ("联系人：王秀英，住幸福小区", [], ["秀英"]),
    ("姓名 张伟 性别 男", [], ["张伟"]),
    ("我叫刘德华今年65岁", [], ["德华"]),
    ("本人欧阳娜娜，反映一个问题", [], ["娜娜"]),
    ("感谢楼下的刘桂英阿姨帮忙", [], ["桂英"]),
    ("隔壁李大爷天天在楼道堆杂物", [], ["李大爷"]),
    ("感谢张建国同志的耐心解答", [], ["建国"]),
    ("请转告陈志强先生尽快处理", [], ["志强"]),
    ("谢谢黄丽女士", [], ["黄丽"]),
    # --- addresses down to the flat
    ("我家住阳光小区3栋2单元502室", [], ["阳光小区", "502"]),
    ("住址：东湖村三组18号", [], ["东湖村", "18号"]),
    ("地址：锦绣家园12号楼1单元", [], ["锦绣家园", "12号楼"]),
    ("住在金地花园B座1203", [], ["金地花园", "1203"]),
    ("家在幸福小区3-2-401，门口堆满垃圾", [], ["幸福小区", "401"]),
    ("碧桂园十八栋二单元六零三", [], ["碧桂园", "六零三"]),
    ("住城关镇张庄村二组", [], ["张庄村"]),
    ("我住翠苑二期8栋1203室", [], ["翠苑", "1203"]),
    ("家住新华街道光明社区5号楼3门201", [], ["光明社区", "201"]),
    ("老家在李家村一组，现住滨河小区", [], ["李家村"]),
]


@pytest.mark.parametrize(("text", "names", "forbidden"), HIDDEN, ids=[f"hidden{n}" for n in range(len(HIDDEN))])
def test_hostile_writing_is_hidden(text, names, forbidden):
    masked = mask_text(text, names)
    for fragment in forbidden:
        assert fragment not in masked, masked


# Ordinary text that must stay as written.
KEPT = [
    "2024年5月1日提交的申请，至今2026-03-01仍未办结。",
    "每月补贴5000元，一次性发放1.5万元，共计12,000元。",
    "依据《示范市物业管理条例》第十二条和示府办发〔2024〕12号文件。",
    "我的来信编号是XJ20260105-0001，查询码 8K3F-2Q7M。",
    "打了12345热线三次，也打过12333和0471-12345。",
    "市政务服务热线：12345；咨询电话：0755-88886666。",
    "工作日9:00-17:00受理，周末不受理。",
    "全市共有3栋楼的电梯需要更换，涉及120户居民。",
    "我们小区5栋一直漏水，物业不管。",
    "第二 13 条规定，三年内有效。",
    "地铁2号线和3号线换乘不便。",
    "邮编010010，需要3个工作日。",
    "统一社会信用代码91150100MA0N1234XY。",
    "请各位先生女士排队办理。",
    "全体同志按时参会。",
    "李局长您好，我反映的是小区停车问题。",
    "2019年至2023年连续五年缴纳社保，缴费基数4500元。",
    "去年第3组村民的补偿还没发。",
    "G6高速京藏段拥堵。",
    "我买的是第1期房子，已经交房3年。",
    "银行客服95588说要问社保局。",
]


@pytest.mark.parametrize("text", KEPT, ids=[f"kept{n}" for n in range(len(KEPT))])
def test_ordinary_numbers_and_words_stay_readable(text):
    assert mask_text(text) == text


def test_masks_say_what_was_hidden_and_keep_nothing_of_it():
    masked, findings = scan_text("微信 zhangsan_1990，车牌粤B12345，邮箱 zhangsan#163.com")
    assert "zhangsan" not in masked and "12345" not in masked
    assert {f.kind for f in findings} >= {"account", "plate", "email"}


def test_html_answer_with_a_number_split_over_paragraphs():
    masked = str(mask_html("<p>身份证号：44030119900101</p><p>123X，电话 137</p><p>1234 5678</p>"))
    assert "44030119900101" not in masked and "123X" not in masked and "5678" not in masked
