"""Masking of personal data before publication: real-looking letters in, masked text out."""

import re

import pytest

from zhengwu.core.text_masking import mask_personal_data

CASES = [
    # (text, writer's name, must disappear, must stay)
    ("我叫王小明,身份证号110101199003070011,电话13912345678,家住城关镇阳光小区3栋2单元501室。", "王小明",
     ["王小明", "110101199003070011", "13912345678", "阳光小区", "501室", "3栋", "2单元"], ["城关镇", "王某"]),
    ("本人张伟,住东城街道人民路88号,邮箱 zhangwei@example.com,银行卡 6222 0212 3456 7890 123", "",
     ["张伟", "人民路88号", "zhangwei@example.com", "6222 0212 3456 7890 123"], ["东城街道", "张某"]),
    ("楼下饭店老板李建国每天油烟很大,联系人:赵丽 0371-12345678,座机电话5123456", "",
     ["李建国", "赵丽", "0371-12345678", "5123456"], ["楼下饭店老板", "油烟很大"]),
    ("河口乡柳树村三组的村民反映农村道路坏了,美丽乡村建设不到位。", "",
     ["柳树村", "三组"], ["河口乡", "农村道路", "美丽乡村"]),
    ("我们小区3-2-501的业主陈小红多次反映,物业不理。QQ:12345678,微信号 wx_chen2020", "",
     ["3-2-501", "陈小红", "12345678", "wx_chen2020"], ["物业不理"]),
    ("举报人欧阳明华反映石桥镇王家庄村的问题,手机+86 138-0013-8000。", "",
     ["欧阳明华", "王家庄村", "138-0013-8000"], ["石桥镇", "欧阳某"]),
    ("我是李娜,今年65岁,老伴叫孙大海,旧身份证号是110101650307123。", "李娜",
     ["李娜", "孙大海", "110101650307123"], ["65岁"]),
    ("工资被拖欠三个月,共计12000元,2026年3月5日去劳动局反映过。", "",
     [], ["12000元", "2026年3月5日", "劳动局"]),
    ("县教育局王主任说孩子上学问题会解决,请刘先生放心。", "",
     [], ["县教育局", "孩子上学"]),
]


@pytest.mark.parametrize("text,writer,gone,kept", CASES)
def test_personal_data_is_masked_and_the_matter_stays_readable(text, writer, gone, kept):
    result = mask_personal_data(text, known_names=[writer] if writer else [])

    for part in gone:
        assert part not in result.text, (part, result.text)
    for part in kept:
        assert part in result.text, (part, result.text)


@pytest.mark.parametrize("text,writer,gone,kept", CASES)
def test_no_id_number_or_phone_survives(text, writer, gone, kept):
    masked = mask_personal_data(text, known_names=[writer] if writer else []).text

    assert not re.search(r"1[3-9]\d[- ]?\d{4}[- ]?\d{4}", masked)
    assert not re.search(r"\d{15,18}", masked)


def test_findings_list_each_item_for_the_reviewer():
    result = mask_personal_data("我叫王小明,电话13912345678", known_names=["王小明"])

    assert {(f.kind, f.text) for f in result.findings} == {("phone", "13912345678"), ("name", "王小明")}
    stored = result.as_json(part="body")
    # Positions and kinds for storing, never the values (issue 15 finding 2).
    assert {(f["kind"], f["start"], f["end"]) for f in stored} == {("phone", 8, 19), ("name", 2, 5)}
    assert all(f.keys() == {"kind", "part", "start", "end"} and f["part"] == "body" for f in stored)
    assert "13912345678" not in str(stored) and "王小明" not in str(stored)


def test_the_writers_name_is_masked_wherever_it_appears():
    result = mask_personal_data("张三反映的问题,请回复张三本人", known_names=["张三"])

    assert "张三" not in result.text and result.text.count("张某") == 2


def test_empty_and_odd_input():
    assert mask_personal_data("").text == ""
    assert mask_personal_data(None).text == ""
