"""Word tokens for scripts written without spaces (Chinese, Japanese), and what depends on them:
the page-language vote, stopword density, the --min-words filter."""

import re

from cleaner import Cleaner
from cleaner.classify import block_features
from cleaner.corpus.steps import Filters
from cleaner.document import Block
from cleaner.tokens import count_words, words
from conftest import ROOT

ZH_PROSE = "记者从市政府获悉，这座新的图书馆将于下个月正式开放，市民可以在网上预约参观的时间。"
ZH_MENU = "首页 新闻 财经 体育 娱乐 科技 汽车 房产"
JA_PROSE = "市によると、新しい図書館は来月から一般に公開される予定で、事前の予約が必要だということです。"
JA_MENU = "ホーム ニュース 天気 スポーツ 経済 国際 政治"


def test_han_and_kana_are_tokens_one_by_one_and_other_scripts_are_untouched():
    assert words("今日は晴れ") == ["今", "日", "は", "晴", "れ"]
    assert words("abc中文def") == ["abc", "中", "文", "def"]
    assert words("한국어 문장입니다") == ["한국어", "문장입니다"]  # Korean has spaces between words
    # every line of the German and English pages in raw/ tokenises exactly as \w+ does
    lines = [line for p in sorted((ROOT / "raw").glob("*.txt")) for line in p.read_text(encoding="utf-8").splitlines()]
    assert len(lines) > 100
    assert all(words(line) == re.findall(r"\w+", line) for line in lines)


def test_chinese_and_japanese_pages_get_their_own_stoplists():
    cleaner = Cleaner()
    assert cleaner.rules_for(ZH_PROSE * 3).language == "zh"
    assert cleaner.rules_for(JA_PROSE * 3).language == "ja"
    assert cleaner.rules_for("Der Gemeinderat hat am Dienstag den Haushalt beschlossen.").language == "de"
    for prose, menu, lang in ((ZH_PROSE, ZH_MENU, "zh"), (JA_PROSE, JA_MENU, "ja")):
        rules = cleaner.rules.for_language(lang, "de")
        f_prose = block_features(Block(0, prose, 1), rules)
        f_menu = block_features(Block(1, menu, 2), rules)
        assert f_prose["words"] == len(re.sub(r"\W", "", prose))  # a character is a word
        assert f_prose["stopword_density"] >= 0.3 > f_menu["stopword_density"], lang


def test_min_words_counts_chinese_and_japanese_by_character():
    assert count_words("Der Rat tagt.") == 3
    assert count_words(ZH_PROSE) == len(re.sub(r"[\W]", "", ZH_PROSE))
    record = {"text": ZH_PROSE + "\n" + ZH_PROSE, "language": "zh"}
    assert Filters(min_words=50).verdict(record) is None
    assert Filters(min_words=100).verdict(record) == "min_words"
    assert Filters(min_words=4).verdict({"text": "Der Rat tagt.", "language": "de"}) == "min_words"


def test_case_classes_are_unicode_case_on_every_code_point():
    from cleaner.tokens import LOWER, UPPER

    upper, lower = re.compile(f"[{UPPER}]"), re.compile(f"[{LOWER}]")
    for c in range(0x110000):
        ch = chr(c)
        assert bool(upper.fullmatch(ch)) == (ch.isupper() and ch.isalpha()), hex(c)
        assert bool(lower.fullmatch(ch)) == (ch.islower() and ch.isalpha()), hex(c)


def test_menus_and_nested_bullets_in_any_script():
    """'Accueil Actualités Économie Sport Culture' is a menu as 'Accueil Actualités Politique Sport
    Culture' is (capitals beyond A-Z and umlauts), and a line of prose in those languages is not."""
    from cleaner.classify import _menu_shaped
    from cleaner.segment import LIST_BULLET

    rules = Cleaner().rules.languages["de"]

    def menu(text):
        b = Block(0, text, 1)
        b.features = block_features(b, rules)
        return _menu_shaped(b)

    for line in (
        "Accueil Actualités Économie Sport Culture",
        "Accueil Actualités Politique Sport Culture",
        "Wiadomości Świat Sport Kultura Łódź",
        "Главная Новости Спорт Культура",
    ):
        assert menu(line), line
    for line in (
        "Économie : la croissance ralentit au troisième trimestre",
        "Łódź buduje nowy dworzec dla miasta",
        "ÉCONOMIE SPORT CULTURE MONDE",
    ):
        assert not menu(line), line
    assert LIST_BULLET.match("o Świat") and LIST_BULLET.match("o Économie") and not LIST_BULLET.match("o świat")
    assert not LIST_BULLET.match("o Ⓐ")  # (a circled letter is a symbol)
