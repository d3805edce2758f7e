import pytest

from zhengwu.disclosure.richtext import body_links, html_to_text, sanitize_html


@pytest.mark.parametrize("dirty, forbidden", [
    ('<p>好<script>alert(1)</script></p>', "script"),
    ('<p>好<script>alert(1)</script></p>', "alert"),
    ('<img src="/x.png" onerror="alert(1)">', "onerror"),
    ('<a href="javascript:alert(1)">点我</a>', "javascript"),
    ('<a href="JaVaScRiPt:alert(1)">点我</a>', "alert"),
    ('<p style="color:red" onclick="x()">字</p>', "style"),
    ('<p style="color:red" onclick="x()">字</p>', "onclick"),
    ('<iframe src="https://evil.example/"></iframe>', "iframe"),
    ('<svg><script>alert(1)</script></svg>', "alert"),
    ('<style>p{}</style><p>字</p>', "p{}"),
    ('<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', "data:"),
])
def test_script_handlers_and_dangerous_urls_are_removed(dirty, forbidden):
    assert forbidden not in sanitize_html(dirty).lower()


def test_structure_and_safe_links_are_kept():
    clean = sanitize_html('<h2>一、背景</h2><p>见<a href="/disclosure/1/" title="办法">办法</a>。</p><table><tr><th scope="col">项</th></tr></table>')

    assert '<h2>一、背景</h2>' in clean
    assert '<a href="/disclosure/1/" title="办法" rel="noopener noreferrer">办法</a>' in clean
    assert '<th scope="col">项</th>' in clean


def test_nul_and_control_characters_are_dropped():
    assert sanitize_html("<p>a\x00b\x07c</p>") == "<p>abc</p>"


def test_plain_text_becomes_paragraphs_and_is_escaped():
    assert sanitize_html("第一段\n第二行\n\n第二段 A & B") == "<p>第一段<br>第二行</p><p>第二段 A &amp; B</p>"


def test_plain_text_of_the_body_keeps_paragraphs_and_decodes_entities():
    assert html_to_text("<p>甲 &amp; 乙</p><p>丙</p>") == "甲 & 乙\n\n丙"


def test_body_links_lists_hrefs_and_srcs_once():
    html = '<a href="/a/">1</a><img src="/b.png"><a href="/a/">2</a>'
    assert body_links(html) == ["/a/", "/b.png"]
