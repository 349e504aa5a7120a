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
    # --- found by publishing through the UI (attack batch 5, N1/N15)
    ("手机138，0013，8000，请回电", [], ["0013", "8000"]),
    ("电话138*0013*8003", [], ["0013", "8003"]),
    ("手机138~0013~8000", [], ["0013", "8000"]),
    ("电话一三九，零零一三，八零零二", [], ["零零一三", "八零零二"]),
    ("身份证440301，19850315，2214", [], ["19850315", "2214"]),
    ("市民司马青（手机138，0013，8010）来电", [], ["司马青", "8010"]),
    ("我母亲柏秀兰身体不好", [], ["柏秀兰"]),
    ("请您母亲柏秀兰携带材料办理", [], ["柏秀兰"]),
    ("老板陈富贵拖欠工资三个月", [], ["陈富贵"]),
    ("歐陽娜娜咨询公积金提取", ["欧阳娜娜"], ["陽娜娜", "娜娜"]),
    ("住复兴门外大街甲8号", [], ["复兴门外大街甲8号"]),
    ("住12栋602，楼上漏水", [], ["12栋602"]),
    ("扣扣 987654321 公积金能提吗", [], ["987654321"]),
    ("Q号:123456789", [], ["123456789"]),
    ("抖音号 nana_ouyang88", [], ["nana_ouyang88"]),
    ("加v: zhangwei_88", [], ["zhangwei_88"]),
    # --- compound surnames outside the common few, longer names after a name label (N15)
    ("我叫司空摘星手机138,0013,9999怎么提取公积金", [], ["空摘星", "摘星", "9999"]),
    ("我叫司空摘星，想问公积金", [], ["空摘星", "摘星"]),
    ("司空摘星您好，您的来信收悉", [], ["摘星"]),
    ("来信人：赫连铁树", [], ["铁树"]),
    ("我母亲柏秀兰行动不便", [], ["柏秀兰"]),
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
    # --- third persons named where people name them (findings A4)
    ("我是慕容雪的丈夫司马青", ["慕容雪"], ["慕容雪", "司马青"]),
    ("请您丈夫司马青先生携带身份证原件办理", ["慕容雪"], ["司马青"]),
    ("孩子叫司马小宝，今年上二年级", [], ["小宝"]),
    ("孩子叫上官小飞", [], ["小飞"]),
    ("班主任钱多多老师打了孩子", [], ["多多"]),
    ("我同事赵子龙也想问这个问题", [], ["子龙"]),
    ("我妻子刘芳在医院工作", [], ["刘芳"]),
    ("我的丈夫张伟失业了", [], ["张伟"]),
    ("老师吴建国打了孩子", [], ["建国"]),
    ("我是王小明的母亲", [], ["小明"]),
    ("我的名字是赵敏", [], ["赵敏"]),
    ("致信人 李娜", [], ["李娜"]),
    ("回复王五：您的来信收悉", [], ["王五"]),
    ("孙悟空，电话13712345678", [], ["悟空"]),
    ("诸葛亮13512345678", [], ["诸葛亮", "13512345678"]),
    # --- the last digits of a number written on their own
    ("身份证号尾号2214", [], ["2214"]),
    ("身份证尾号是0012的那张卡", [], ["0012"]),
    ("卡号尾号8899的银行卡被冻结", [], ["8899"]),
    ("公积金账号尾号 1234", [], ["1234"]),
    # --- account numbers of 12 digits and more after their label
    ("公积金账号 1234 5678 9012", [], ["1234", "5678", "9012"]),
    ("社保卡号123456789012", [], ["123456789012", "9012"]),
    ("个人账户：１２３４５６７８９０１２３", [], ["１２３４５６７８９０１２３"]),
    # --- passports and travel permits
    ("护照号 E12345678", [], ["E12345678", "12345678"]),
    ("港澳通行证：C12345678", [], ["C12345678"]),
    # --- written the ways of the findings (fixed before, kept as regressions)
    ("王大锤同志反映的问题已转交", [], ["大锤"]),
    ("账号 6217 0000 1234 5678 901 2", [], ["6217", "5678"]),
    ("zhuge_liang at 163 dot com", [], ["zhuge_liang"]),
    ("微信号 murong_xue88", [], ["murong_xue88"]),
    ("车牌粤B8K88K", [], ["B8K88K"]),
]

# What the mask leaves around a hidden number must not be a fragment of it.
WHOLE = [
    ("联系电话：+86 137 1234 5678", "联系电话：[电话]"),
    ("电话+86 13712345678", "电话[电话]"),
    ("(137)12345678", "[电话]"),
    ("有事打（0755）88886666找我", "有事打[电话]找我"),
    # (fixed before, kept as regressions)
    ("身份证４４０３０１ １９８５ ０３１５ ２２１Ｘ", "身份证[身份证号]"),
    ("地址：朝阳区建国门外大街1号国贸大厦A座2301", "地址：[地址]"),
]


@pytest.mark.parametrize(("text", "expected"), WHOLE, ids=[f"whole{n}" for n in range(len(WHOLE))])
def test_a_mask_takes_the_whole_number(text, expected):
    assert mask_text(text) == expected


@pytest.mark.parametrize(("text", "names", "forbidden"), HIDDEN, ids=[f"hidden{n}" for n in range(len(HIDDEN))])
def test_hostile_writing_is_hidden(text, names, forbidden):
    masked = mask_text(text, names)
    for fragment in forbidden:
        assert fragment not in masked, masked


# Ordinary text that must stay as written.
KEPT = [
    "全市共受理123，456，789件",
    "金额1,234,567元",
    "共有1，2，3，4，5项",
    "2024，2025，2026年的数据",
    "第3栋楼的电梯",
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
    # names of public examples, places, departments and everyday words after 孩子/老师 …
    "向雷锋同志学习，做新时代好青年。",
    "学习焦裕禄同志的精神，弘扬雷锋精神。",
    "学习习近平新时代中国特色社会主义思想。",
    "中山路和解放大街路口的红绿灯坏了。",
    "市人力资源社会保障局回复：您好，来信收悉。",
    "回复市民：您好，已转交。",
    "孩子高考，成绩不理想，老师和学生都很辛苦。",
    "孩子周末去补课，孩子毕业了还没拿到证书。",
    "我同事们都说医生说要住院，朋友推荐的。",
    "我爱人在外地工作，孩子户口在老家。",
    "领导干部，领导班子，同事关系，孩子安置，都要落实。老师傅说要换。",
    "请提供银行卡尾号以便核对。",
    "护照办理需要多长时间？",
    "账号被冻结了怎么办？",
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


@pytest.mark.parametrize(("text", "names", "forbidden"), HIDDEN, ids=[f"again{n}" for n in range(len(HIDDEN))])
def test_masking_a_masked_text_changes_nothing(text, names, forbidden):
    """Stored masked copies (the search index, FAQ entries from letters, logged questions)
    are masked again after the rules change (``letters reindex``): what was hidden stays
    as it was hidden (司空** does not become ***)."""
    once = mask_text(text, names)
    assert mask_text(once, names) == once


@pytest.mark.parametrize("run", ["\n", " ", "\u3000", "\t", "1", "a", "A1", "一"])
def test_a_long_run_is_read_as_its_ends_and_masks_as_a_short_one(run):
    """20,000 newlines took about a minute to mask (every rule beginning with ``\\s*`` or a run
    of digits or letters was tried again from each character of the run): the rules read a long
    run as its first and last characters, and what they find is the same."""
    from interact.core.privacy import RUN_KEPT, _folded

    text = "王小明您好，" + run * 20_000 + "我的电话13812345678，邮箱 zhang.san@163.com"
    folded, _ = _folded(text)
    assert len(folded) < 2 * RUN_KEPT + 80
    masked = mask_text(text, ["王小明"])
    assert masked == "王**您好，" + run * 20_000 + "我的电话[电话]，邮箱 [电子邮箱]"


def test_an_email_after_dots_or_dashes_is_found_from_its_first_letter():
    assert "zhang" not in mask_text("--..zhang.san@163.com")
    assert mask_text("邮箱 _zhang@163.com") == "邮箱 [电子邮箱]"
    assert mask_text("a." * 5000 + "b@163.com") == "[电子邮箱]"
