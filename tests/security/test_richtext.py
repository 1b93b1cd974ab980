"""The allow-list itself (shop.richtext): what survives, what goes, and two properties."""

import pytest
from django.template import Context, Template
from hypothesis import given, settings
from hypothesis import strategies as st

from shop.richtext import clean_html
from tests.security.xss import XSS_VECTORS, dangers

REL = 'rel="nofollow noopener"'


@pytest.mark.parametrize(
    ("given_html", "expected"),
    [
        ("<p>Mật ong <strong>bạc hà</strong></p>", "<p>Mật ong <strong>bạc hà</strong></p>"),
        ("<p>a<br>b</p>", "<p>a<br>b</p>"),
        ("<b>b</b> <i>i</i> <em>e</em>", "<b>b</b> <i>i</i> <em>e</em>"),
        ("<ul><li>một</li><li>hai</li></ul>", "<ul><li>một</li><li>hai</li></ul>"),
        ("<ol><li>một</li></ol>", "<ol><li>một</li></ol>"),
        ("<ul><li>a<li>b</ul>", "<ul><li>a</li><li>b</li></ul>"),
        (
            '<a href="https://chophien.vn/">x</a>',
            f'<a href="https://chophien.vn/" {REL}>x</a>',
        ),
        ('<a href="http://a.vn">x</a>', f'<a href="http://a.vn" {REL}>x</a>'),
        ('<a href="mailto:htx@a.vn">x</a>', f'<a href="mailto:htx@a.vn" {REL}>x</a>'),
        # rel and target are ours to set, not the author's
        (
            '<a href="https://a.vn" rel="opener" target="_blank">x</a>',
            f'<a href="https://a.vn" {REL}>x</a>',
        ),
        ('<a href="javascript:alert(1)">x</a>', f"<a {REL}>x</a>"),
        ('<a href="JaVaScRiPt:alert(1)">x</a>', f"<a {REL}>x</a>"),
        ('<a href="jav&#x09;ascript:alert(1)">x</a>', f"<a {REL}>x</a>"),
        ('<a href="data:text/html,x">x</a>', f"<a {REL}>x</a>"),
        ('<a href="vbscript:x">x</a>', f"<a {REL}>x</a>"),
        ('<a href="/dashboard/">x</a>', f"<a {REL}>x</a>"),  # relative: only absolute links
        ("<img src=x onerror=alert(1)>Ngon", "<p>Ngon</p>"),
        ("<script>alert(1)</script><p>Ngon</p>", "<p>Ngon</p>"),
        ("<style>p{color:red}</style><p>Ngon</p>", "<p>Ngon</p>"),
        ('<iframe src="https://a.vn">x</iframe><p>Ngon</p>', "<p>Ngon</p>"),
        ('<p style="color:red" class="x" id="y" onclick="z">Ngon</p>', "<p>Ngon</p>"),
        ("<h1>Tiêu đề</h1><div>khối</div><span>đoạn</span>", "<p>Tiêu đềkhốiđoạn</p>"),
        ("<!-- ghi chú --><p>Ngon</p>", "<p>Ngon</p>"),
        # Text typed in the plain box: escaped, blank lines make paragraphs.
        ("Mật ong & chè\n\nĐồng Văn", "<p>Mật ong &amp; chè</p>\n\n<p>Đồng Văn</p>"),
        ("dòng một\ndòng hai", "<p>dòng một<br>dòng hai</p>"),
        ("1 < 2", "<p>1 &lt; 2</p>"),
        ("", ""),
        ("   \n ", ""),
        (None, ""),
    ],
)
def test_cleaner_table(given_html, expected):
    assert clean_html(given_html) == expected


def test_the_template_filter_marks_the_cleaned_html_safe():
    rendered = Template("{% load shop_tags %}{{ text|clean_html }}").render(
        Context({"text": "<p onclick=x>Ngon <b>lắm</b></p><script>alert(1)</script>"})
    )
    assert rendered == "<p>Ngon <b>lắm</b></p>"


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_no_vector_survives_the_cleaner(vector):
    assert not dangers(f"<div>{clean_html(vector)}</div>") - dangers("<div></div>")


_markup = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "<p>",
                "</p>",
                "<b>",
                "</b>",
                "<i>",
                "<em>",
                "</em>",
                "<strong>",
                "<ul>",
                "<ol>",
                "<li>",
                "</li>",
                "</ul>",
                "<br>",
                "<a href='https://a.vn'>",
                "</a>",
                "<a href=javascript:alert(1)>",
                "<script>",
                "</script>",
                "<img src=x onerror=1>",
                "<svg onload=1>",
                "<style>",
                "<iframe>",
                "<!--",
                "-->",
                "<",
                ">",
                "&",
                "&amp;",
                "&lt;script&gt;",
                "\n\n",
                "\n",
                '"',
                "'",
                "=",
                "onclick=",
                " ",
                "<p style=x>",
                "<scr",
                "ipt>",
                "<math>",
                "<table><td>",
                "<textarea>",
                "<title>",
                "</",
            ]
        ),
        st.text(max_size=8),
    ),
    max_size=30,
).map("".join)


@settings(max_examples=400, deadline=None)
@given(_markup)
def test_cleaning_is_idempotent_and_never_leaves_a_script(text):
    cleaned = clean_html(text)
    assert clean_html(cleaned) == cleaned
    assert "<script" not in cleaned.lower()
    assert not dangers(f"<div>{cleaned}</div>") - dangers("<div></div>")
