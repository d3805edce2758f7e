"""Splitting a draft into its articles."""

from zhengwu.participation.articles import articles_split

from .factories import DRAFT_TEXT


def test_articles_are_split_at_each_di_x_tiao_with_chapter_headings_and_continuation_lines():
    articles = articles_split(DRAFT_TEXT)

    assert [a.label for a in articles] == ["第一条", "第二条", "第三条", "第四条"]
    assert articles[0].text == "为了规范停车秩序,制定本规定。"
    assert articles[0].heading == "第一章 总则"
    # A line without 第X条 continues the article above it.
    assert articles[2].text == "临时泊位首30分钟免费。\n超过部分按小时计费。"
    assert articles[2].heading == "第二章 收费"


def test_the_preamble_before_the_first_article_is_not_an_article():
    articles = articles_split("某某规定\n(征求意见稿)\n第一条 目的。")

    assert [(a.label, a.text) for a in articles] == [("第一条", "目的。")]


def test_article_numbers_in_large_chinese_numerals_and_digits_and_full_width_spaces():
    body = "第十一条\u3000甲。\n第一百零二条 乙。\n第3条 丙。"

    assert [(a.label, a.text) for a in articles_split(body)] == [("第十一条", "甲。"), ("第一百零二条", "乙。"), ("第3条", "丙。")]


def test_an_article_reference_inside_a_sentence_does_not_start_an_article():
    body = "第一条 依照本办法第三条的规定执行。\n第二条 其他。"

    assert [a.label for a in articles_split(body)] == ["第一条", "第二条"]


def test_a_text_without_articles_is_split_into_numbered_paragraphs():
    body = "一、工作目标。\n\n二、主要任务。\n继续说明。\n\n三、保障措施。"

    articles = articles_split(body)

    assert [a.label for a in articles] == ["第1段", "第2段", "第3段"]
    assert articles[1].text == "二、主要任务。\n继续说明。"


def test_empty_text_gives_no_articles():
    assert articles_split("") == []
    assert articles_split("   \n  ") == []
