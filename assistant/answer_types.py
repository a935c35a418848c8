"""Answer types: what kind of short answer a question asks for, and whether a span is one.

:func:`expected_type` reads the question (Chinese or English): a 多少钱 question asks for
money, 哪一年 for a year, 谁 for a person. :func:`has_type` checks a candidate span: numbers,
money, years and dates by pattern (a numeral in words counts where jieba tags it a numeral;
a day is no count); people, places and organisations by jieba's tags or the suffixes their
names end in. :func:`language` tells Chinese questions from the rest.
"""

from __future__ import annotations

import re
from typing import Literal

from .text import CJK, CLASSIFIERS, CN_NUMERALS, QUOTATION_MARKS, normalize

AnswerType = Literal["money", "year", "date", "number", "person", "place", "org"]
ANSWER_TYPES: tuple[AnswerType, ...] = ("money", "year", "date", "number", "person", "place", "org")
Language = Literal["zh", "other"]

# (pattern, type): the first that matches the question decides; Chinese, then English
_ZH_TYPES: tuple[tuple[re.Pattern[str], AnswerType], ...] = (
    (re.compile(r"多少钱|多少(?:万|亿|千)?(?:元|美元|欧元|日元|英镑|港元|块)|(?:价格|票价|门票|售价|费用|花费|金额|投资|"
                r"资金|成本|收入|营收|预算|工资|薪|奖金|罚款|补贴|补助|经费)[^，,。]{0,6}?(?:多少|几)(?!时间|天|年|月|小时|分钟|次)"),
     "money"),
    (re.compile(r"多少(?:万|亿|千|百)?(?:元|块)?的?(?:投资|资金|经费|捐款|收入|营收|税收|补贴|补助|奖金|费用|成本|工资|罚款|"
                r"利润)(?!项目|者|人|方|企业|机构|主体|基金|公司)"), "money"),  # 吸引了多少投资
    (re.compile(r"哪[一1]?年|何年|(?:西元|公元|民国)几年|什么年份|哪个年份|哪[一1]年份|几几年|哪个年代|哪个世纪"), "year"),
    (re.compile(r"什么时候|什么时间|何时|哪[一1]?天|几月|几号|几日|哪个月|什么日子|日期是"), "date"),
    (re.compile(r"谁|哪位|何人|什么人|哪个人"), "person"),
    (re.compile(r"哪(?:家|所|个|一家|一所)(?:公司|企业|单位|机构|学校|部门|医院|大学|银行|组织|球队|俱乐部|政党|媒体|电视台)|"
                r"什么(?:公司|机构|组织|单位|部门|学校|大学)"), "org"),
    (re.compile(r"哪里|哪儿|何地|何处|在哪|哪个(?:省|市|县|区|地方|地区|国家|城市|镇|村)|哪(?:座|国|省|市|县)|什么地方"), "place"),
    (re.compile(r"多少|(?<![哪这那])几(?:个|名|人|家|所|件|项|条|种|次|倍|岁|天|年|万|千|百|十|成)|多大|多长|多久|多高|多远|多重|"
                r"多深|多快|多宽|多厚"), "number"),
)
_EN_TYPES: tuple[tuple[re.Pattern[str], AnswerType], ...] = (
    (re.compile(r"\bhow much (?:money|does|did|do|will|is|was|were)\b.*\b(?:cost|spend|spent|invest|pay|paid|earn|"
                r"worth|price|budget|fund)|\bwhat (?:is|was) the (?:price|cost|budget|fee)|\bhow much .*"
                r"\b(?:yuan|dollars?|rmb|money|funding|funds?|investments?|payments?|revenues?|income|profits?|donations?|"
                r"subsid(?:y|ies)|fees?|costs?|budgets?|spending|expenditures?|salar(?:y|ies)|wages?|fines?|taxes)\b",
                re.I), "money"),
    (re.compile(r"\b(?:what|which|in what|in which) year\b", re.I), "year"),
    (re.compile(r"\bwhen\b|\bwhat (?:date|day|month|time)\b|\bon which (?:date|day)\b", re.I), "date"),
    (re.compile(r"\bwho(?:m|se)?\b", re.I), "person"),
    (re.compile(r"\bwhich (?:company|companies|organi[sz]ation|agency|university|school|institution|enterprise|"
                r"department|bank|hospital|firm)\b", re.I), "org"),
    (re.compile(r"\bwhere\b|\bwhich (?:city|county|province|country|place|town|district|region|village)\b", re.I),
     "place"),
    (re.compile(r"\bhow (?:many|much|long|far|big|large|old|high|tall)\b|\bwhat (?:percentage|proportion|share|"
                r"number|rate|amount)\b", re.I), "number"),
)

_NUMERAL = r"(?:\d+(?:[.,．]\d+)*|[零〇一二两三四五六七八九十百千万亿半]+)"
_MONEY = re.compile(rf"[￥¥$＄]\s*\d|{_NUMERAL}\s*(?:多)?(?:[万亿千百]|万亿)?\s*(?:元|美元|欧元|日元|英镑|港元|港币|澳元|"
                    r"卢布|韩元|新台币|台币|法郎|马克|镑|块钱|块|文|两银子|两)")
_YEAR = re.compile(r"\d{1,4}\s*年|[零〇一二三四五六七八九]{2,4}年|公元|世纪|年代|\b\d{4}\b|[元一二三四五六七八九十]+年|"
                   r"[\u4e00-\u9fff]{1,4}(?:元年|年间|时期|朝|时代)")
_DAY = r"\d{1,2}\s*月|\d{1,2}\s*[日号]|[一二三四五六七八九十]{1,3}月|[初十廿二三]?[一二三四五六七八九十]日|(?:今|去|明|前|后)年"
_TIME_WORDS = (r"(?:今|昨|明)天|近日|日前|春节|元旦|中秋|国庆|清明|端午|上午|下午|凌晨|晚上|(?:周|星期)[一二三四五六日天]|"
               r"季度|上旬|中旬|下旬|月底|月初|年底|年初|年末|期间|之后|之前|以后|以前|时候|时期|时代|朝|世纪|年代")
_DATE = re.compile(_DAY + "|" + _TIME_WORDS + r"|[春夏秋冬]|季|期|纪|代|节|晚|早|夜|午|前|后|时|初|末|间")
_STATED_TIME = re.compile(  # a time a sentence says, not one character of a word (建设前期工作, preparatory work)
    _YEAR.pattern + "|" + _DAY + "|" + _TIME_WORDS + r"|(?:当|次|翌|每|前|后)天|当日|次日|同日|目前|此前|当时|元宵|圣诞|"
    r"中午|傍晚|早上|夜间|深夜|礼拜[一二三四五六日天]|年前|年后|早期|晚期|初期|末期|中期|[春夏秋冬][季天]|"
    r"\d+\s*(?:时|点|分|秒|岁|天)|[一二三四五六七八九十两]+(?:时|点|岁|天)|" rf"[{CJK}](?:末|初)|[{CJK}]后[,，。]")
_NUMBER = re.compile(rf"\d|[半数几](?=[十百千万亿{CLASSIFIERS}])|前(?=[一二三四五六七八九十])|"
                     rf"多(?=[{CLASSIFIERS.replace('元', '').replace('年', '')}])|[{CN_NUMERALS}]+(?=[{CLASSIFIERS}国旗])"
                     )  # a numeral with its classifier, a rank (前五); 数据, 几乎, 多元 count nothing
_KINDS_COUNT = re.compile(rf"[两三四五六七八九十]大(?=[{CJK}])(?![{CJK}]{{0,3}}[村镇乡县区市省州])"
                          )  # a count of kinds in a sentence (五大维度, 三大任务; 五大龙沟村 is a name)
_CODE = re.compile(r"\d+[A-Za-z](?![A-Za-z])|[A-Za-z]+\d[\d.]*")  # 5G, 3D, G20, PM2.5: names, not counts
_NUMERAL_WORD = re.compile(f"[{CN_NUMERALS}]")  # in a word tagged as a numeral (四十九, 三成, 第三)
_QUOTED = re.compile("|".join(f"{p[0]}[^{p[1]}]*{p[1]}" for p in QUOTATION_MARKS))  # a name (“十四五”), not a count
POINTING = "这那此其每"  # 这一喜人的转变: a 一 after them points, it counts nothing (nor does 多少 of 多少个孤立IP)
_POINTING_ONE = re.compile(f"(?<=[{POINTING}])一")
_CALENDAR = re.compile(r"(?:\d{4}\s*年)?\d{1,2}\s*月(?:\d{1,2}\s*[日号])?")  # a day, not a count
_CALENDAR_SPAN = re.compile(rf"{_CALENDAR.pattern}(?:\s*[至到\-—–~～]\s*{_CALENDAR.pattern})?")  # …nor a span of days
_DATES = re.compile(rf"{_CALENDAR_SPAN.pattern}|(?<!\d)(?:1\d|20)\d{{2}}\s*年"
                    )  # what a clause says of days and years counts nothing (六千年, read 6000年, counts years)
_ORG_SUFFIX = re.compile(r"(?:公司|集团|大学|学院|学校|中学|小学|银行|医院|局|厅|委|委员会|部|署|会|协会|学会|中心|研究院|"
                         r"研究所|政府|组织|联盟|电视台|报社|出版社|基金会|俱乐部|队|党|军|社|所|院|处|站|台|行|厂|店|"
                         r"联合国|[A-Z]{2,})$")
_PERSON_MARK = re.compile(r"[·•]|(?:[家者员手师长官督主童判帝王父母子女妃后公侯伯]|先生|女士|教授|博士|主任|书记|局长|厅长|省长|市长|县长|院长|校长|总统|主席|总理|"
                          r"国王|皇帝|王后|女王|王子|公主|将军|大师|老师|董事长|总经理|经理|部长|队长|教练|导演|作者|"
                          r"父亲|母亲|儿子|女儿|妻子|丈夫|兄弟|姐妹|[帝王后公侯伯子])$")
_ENTITY_TAGS = {"person": ("nr",), "place": ("ns",), "org": ("nt",)}
ENTITY_MAX_CHARS = 12  # an untagged name without digits up to this long passes as a person or organisation


_ASKED_LEVEL = re.compile(r"哪(?:一?个|一)?([省市县区镇乡村])(?![域别间段块分])|\bwhich (province|city|county|district|town|village)\b", re.I)
_LEVEL_OF = {"province": "省", "city": "市", "county": "县", "district": "区", "town": "镇", "village": "村"}
_MONEY_COLUMN = re.compile(r"[(（](?:万|亿|千|百)?(?:元|美元|港元)[)）]\s*[：:]\s*\d")  # a table cell: 金额(元)：143585
_GENERIC_PLACE = frozenset("省市县区镇乡村州国地城各全本该某当每两三多个")  # 区县, 全省, 各市 name no place
_OFFICES = ("董事长", "校长", "厅长", "院长", "局长", "部长", "省长", "市长", "县长", "区长", "书记", "主席", "主任", "总统", "总理",
            "首相", "经理", "会长", "社长", "队长", "教练", "馆长", "所长", "行长", "总裁", "总监", "主编")
_OFFICE = rf"(?:[省市县区镇乡村]委|党委|党组|纪委|政协|人大常委会|常务副|总|副)?(?:{'|'.join(_OFFICES)})"  # 省委书记 is not 总书记
_DEPUTY = ("副", "常务副")  # a 副主席 is no 主席
_ASKS_DEPUTY_EN = re.compile(r"\b(?:vice|deputy|assistant)\b", re.I)
_ASKED_OFFICE = re.compile(rf"({_OFFICE})(?:是谁|是哪位|为何人)|谁(?:是|担任|出任)[^，,。？?]{{0,12}}?({_OFFICE})")
_ASKED_OFFICE_EN = re.compile(r"\bwho(?:'s|\s+(?:is|was|are|were|will be))\b.*\b(?:president|chair(?:man|woman)?|secretary|"
                              r"governor|mayor|director|head|principal|dean|minister|premier|manager|ceo|coach|captain|"
                              r"curator|editor|chief|commissioner)s?\b", re.I)  # …the office is in Chinese on the page
_MEASURES = {"length": ("千米", "公里", "公尺", "厘米", "毫米", "英里", "英尺", "米"),
             "area": ("平方公里", "平方千米", "平方公尺", "平方米", "公顷", "亩"),
             "weight": ("公斤", "千克", "吨", "斤", "克", "磅"), "volume": ("立方米", "毫升", "升")}
_MEASURE_OF = {u: kind for kind, units in _MEASURES.items() for u in units}
MEASURE_UNITS = tuple(sorted(_MEASURE_OF, key=len, reverse=True))  # longest first: 平方米 before 米


def _value_in(units: tuple[str, ...]) -> re.Pattern[str]:
    """A value written in one of ``units`` (3.5万吨, 50余米, 2个月)."""
    return re.compile(rf"{_NUMERAL}\s*(?:多|余)?\s*(?:[万亿千百])?\s*(?:{'|'.join(units)})")


_MEASURE_VALUE = {kind: _value_in(units) for kind, units in _MEASURES.items()}  # a value in a unit of that measure
_EN_MEASURE_OF = {"square": "area", "hectare": "area", "mu": "area", "kilometer": "length", "kilometre": "length",
                  "meter": "length", "metre": "length", "mile": "length", "ton": "weight", "tonne": "weight",
                  "kilogram": "weight", "liter": "volume", "litre": "volume"}
HOW_LONG = re.compile(r"\bhow long\b", re.I)  # asks a length or a time (a duration), not a count of things
HOW_LONG_ZH = re.compile(r"多久|多长的?时间|多少的?时间")  # asks how long something lasts (not 350元, not 一碗)
_LONG = _value_in((*_MEASURES["length"], "个?月", "个?小时", "年", "周", "天", "日", "分钟", "秒"))  # a length or a time
_ASKED_MEASURE = re.compile(rf"(?:多少|几)(?:万|亿|千|百)?({'|'.join(MEASURE_UNITS)})|"
                            rf"\bhow many ({'|'.join(_EN_MEASURE_OF)})s?\b", re.I)  # 占地多少亩: an area
# the character a unit of measure shows right after a numeral (5千米 → 米, 3公里 → 公): a count in it counts no things
MEASURES = "".join(sorted({u.lstrip(CN_NUMERALS)[0] for u in MEASURE_UNITS}))
COUNTED_UNIT = re.compile(f"(?!个百分点)(?:{'|'.join(MEASURE_UNITS)}|[{re.sub('[元块万亿个]', '', CLASSIFIERS)}])(?!亿|万)"
                          )  # the unit a count is asked in (after 多少 or 几)
SAME_UNITS = ("人名位口", "天日", "家户", "次回", "种类")  # units that count the same things
_MEASURED = "岁天日年周倍分秒" + MEASURES  # asked in these, 一个 counts nothing (多少岁 is not 一个)
_UNIT_OF = re.compile(rf"[\d{CN_NUMERALS}.]\s*(?:[万亿])?\s*(?:余|多)?([^\d{CN_NUMERALS}.\s])")  # 11家配送企业 → 家


def _same_units(unit: str) -> str:
    """The units that count what ``unit`` counts (个 too, unless it counts people or is an age,
    a time or a measure: 22个委员会 counts no teachers)."""
    unit = unit.lstrip(CN_NUMERALS)  # 千米 is read at 米, as a value shows it
    same = next((group for group in SAME_UNITS if unit in group), unit)
    return same + ("" if unit[0] in _MEASURED or same == SAME_UNITS[0] else "个")


def in_unit(span: str, unit: str) -> bool:
    """Whether a number span counts in ``unit`` (or in none): 12所 for 几所, not 3.28亿元 or 29家,
    nor a clause whose every count is in another unit (覆盖29家医疗机构 for 多少天); 个 counts
    things (几所: 3个), never an age, a time or a measure."""
    if has_type("money", span) or span[-1] in "%％":
        return False
    same = _same_units(unit)
    return all(m.group(1) in same or m.group(1) not in CLASSIFIERS + MEASURES for m in _UNIT_OF.finditer(span))


def names_unit(span: str, unit: str) -> bool:
    """Whether a number span says a count in ``unit`` or in one that counts the same things
    (:func:`_same_units`): 三条 for 几条, 65厘米 for 多少厘米, not 08 or 29家."""
    same = _same_units(unit)
    return any(m.group(1) in same for m in _UNIT_OF.finditer(span))


def asked_unit(question: str) -> str | None:
    """The unit a count is asked in: 几所中学 → 所, 多少人 → 人 (not 多少年轻人: 年轻人 is a
    word), "how many students" → 人 (:func:`_counted_unit`); None when none is named."""
    from .postag import pos_words

    q = normalize(question)
    if language(q) != "zh":
        return _counted_unit(q)
    asked = re.search("多少|(?<![前第])几", q)  # 前几名 asks a rank, not a count of people
    unit = COUNTED_UNIT.match(q, asked.end()) if asked else None
    if asked is None or unit is None:
        return None
    words = pos_words(q[asked.end():])
    return unit.group() if words and words[0][0] == unit.group() else None


def _counts_in(unit: str, text: str) -> bool:
    """Whether ``text`` holds a count in ``unit`` (:func:`_same_units`) or a bare number in
    digits, not only days and years, names (5G) and numbers of other things (几百米 for 多少年)."""
    same = _same_units(unit)
    return any(m.group(1) in same or (m.group()[0].isdigit() and m.group(1) not in CLASSIFIERS + MEASURES)
               for m in _UNIT_OF.finditer(_uncounted(text)))


_ABOVE_CITY = frozenset(("中国", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建", "江西", "山东", "河南",
                         "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海", "台湾", "内蒙古", "广西",
                         "西藏", "宁夏", "新疆"))  # a country or province answers no 哪个市 (北京, 上海… are cities)


def _holds_office(office: str, text: str) -> bool:
    """Whether ``text`` names ``office`` itself, not only its deputy (副主席 is no 主席)."""
    return any(office.startswith(_DEPUTY) or not text[:m.start()].endswith(_DEPUTY)
               for m in re.finditer(re.escape(office), text))


def states_asked(kind: AnswerType | None, question: str, text: str, units: bool = True) -> bool:
    """Whether ``text`` states a value of the kind asked, for the questions where its absence
    settles the matter: a 多少钱 (money) question needs a sum of money, a 哪个县 (province,
    city, district, town, village) question a place of that level by name, a question for
    who holds an office (校长是谁, 政协主席是谁) that office named as asked and not only its deputy (副主席), a count in a unit of measure (多少亩, "how many
    tons") a value in a unit of that measure and any other count some count, not only dates
    (省委书记 is not 总书记; asked in English, some office named, since the page's word for
    "president" can be 校长, 院长 or 主席), a date or a year some time (a day, a year, an era,
    a season, 之后…: all but 1 of 574 CMRC and DRCD sentences holding a date answer say one;
    建设前期工作 says none). Every other question passes: a person can be said in too many
    ways to tell. With ``units`` False, any count counts for a count
    asked in a unit that is not a measure."""
    if kind == "money":
        text = normalize(text)
        return bool(_MONEY.search(text) or _MONEY_COLUMN.search(text))
    if kind == "number":  # 占地多少亩 needs an area, 多少吨 a weight: a count of something else is no answer
        measure = _ASKED_MEASURE.search(normalize(question))
        text = normalize(text)
        if measure is None and HOW_LONG.search(question):  # "how long": a length or a time, not 一台
            return states_long(text)
        if measure is None:  # …多少人 a count of people (几百米 counts none), any other some count (2月4日 none)
            unit = asked_unit(question) if units else None
            return _counts_in(unit, text) if unit else _holds_count(text) or bool(_KINDS_COUNT.search(text))
        kind_of = _MEASURE_OF[measure.group(1)] if measure.group(1) else _EN_MEASURE_OF[measure.group(2).lower()]
        return _MEASURE_VALUE[kind_of].search(text) is not None
    if kind in ("date", "year"):  # 什么时候开工 answered by a sentence that says no time at all
        return bool(_STATED_TIME.search(normalize(text)))
    if kind not in ("person", "place"):
        return True
    question = normalize(question)
    if kind == "person":  # 大同大学的校长是谁: who holds an office needs the office named
        if language(question) != "zh":  # "Who is the president of …": some office named (its word is a guess)
            return _ASKED_OFFICE_EN.search(question) is None or any(
                _ASKS_DEPUTY_EN.search(question) or not m.group().startswith(_DEPUTY)
                for m in re.finditer(_OFFICE, normalize(text)))
        office = _ASKED_OFFICE.search(question)
        return office is None or _holds_office(office.group(1) or office.group(2), normalize(text))
    level = _ASKED_LEVEL.search(question)
    if level is None:
        return True
    from .postag import pos_words

    suffix = level.group(1) or _LEVEL_OF[level.group(2)]
    return any(len(w) >= 2 and (f.startswith("ns") and (suffix == "省" or _level_name(w) not in _ABOVE_CITY)
                                or w.endswith(suffix) and not set(w[:-1]) <= _GENERIC_PLACE)
               for w, f in pos_words(normalize(text)))


def states_long(text: str) -> bool:
    """Whether ``text`` says how long something is or lasts (50米至100米, 3年, 2个月), not only
    on which day or in which year."""
    return _LONG.search(_uncounted(normalize(text))) is not None


def _level_name(word: str) -> str:
    """A place's name without its level: 山西省 → 山西, 新疆维吾尔自治区 → 新疆."""
    for ending in ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省"):
        if word.endswith(ending) and len(word) > len(ending):
            return word[: -len(ending)]
    return word


# what an English "how many …" counts, in the Chinese unit such a count is written in (27万名 children)
_EN_COUNTED = {**dict.fromkeys(("people", "persons", "residents", "citizens", "villagers", "students", "pupils", "children",
                                "teachers", "workers", "employees", "staff", "visitors", "tourists", "members",
                                "volunteers", "patients", "participants", "graduates", "doctors", "nurses", "farmers",
                                "athletes", "players", "candidates", "applicants", "deputies", "officials", "women",
                                "men", "seniors", "drivers", "experts", "streamers", "officers", "representatives"),
                               "人"),
               **dict.fromkeys(("households", "families"), "户"),
               **dict.fromkeys(("companies", "enterprises", "firms", "businesses"), "家"),
               **dict.fromkeys(("schools", "universities", "colleges"), "所"),
               **dict.fromkeys(("kinds", "types", "varieties", "categories", "species"), "种"),
               "days": "天", "weeks": "周", "months": "月", "years": "年", "hours": "小时", "times": "次"}
_EN_AUXILIARY = frozenset(("do", "does", "did", "is", "are", "was", "were", "has", "have", "had", "will", "would",
                           "can", "could", "should", "in", "of", "for", "at", "on", "from", "to", "by", "with"))


def _counted_unit(question: str) -> str | None:
    """The Chinese unit of what an English "how many …" question counts (students → 人,
    companies → 家, days → 天), or None: the words counted are those before its verb."""
    m = re.search(r"\bhow many\s+(.*)", question, re.I)
    if m is None:
        return None
    for word in re.findall(r"[a-z-]+", m.group(1).lower())[:4]:
        if word in _EN_AUXILIARY:
            return None
        if word in _EN_COUNTED:
            return _EN_COUNTED[word]
    return None


def language(text: str) -> Language:
    """``zh`` when the text holds Chinese characters, else ``other`` (English and the rest)."""
    return "zh" if re.search(f"[{CJK}]", text) else "other"


def expected_type(question: str) -> AnswerType | None:
    """The type of short answer the question asks for, or None (a description, a reason, a list)."""
    table = _ZH_TYPES if language(question) == "zh" else _EN_TYPES
    q = normalize(question)
    for pattern, kind in table:
        if pattern.search(q):
            return kind
    return None


def has_type(kind: AnswerType | None, span: str) -> bool:
    """Whether ``span`` is a short answer of type ``kind`` (any span is, when ``kind`` is None)."""
    span = span.strip()
    if kind is None:
        return True
    if not span:
        return False
    if kind == "money":
        return bool(_MONEY.search(span))
    if kind == "year":
        return bool(_YEAR.search(span))
    if kind == "date":
        return bool(_DATE.search(span) or _YEAR.search(span))
    if kind == "number":  # a lone numeral (千 of 千年) is a fragment, not a number; a date is no count
        return (_holds_count(span) and not _CALENDAR_SPAN.fullmatch(span)
                and not re.fullmatch(f"[{CN_NUMERALS}半数多几]", span))
    return _is_entity(kind, span)


def _holds_count(text: str) -> bool:
    """Whether ``text`` counts something: not only days and years, quoted names (“十四五”),
    names of Latin letters and digits (5G, G20), a pointing 一 (这一) or the words 多少."""
    return _counts(_uncounted(text.replace("多少", "")))


def _uncounted(text: str) -> str:
    """``text`` without what holds numerals but counts nothing: days and years, quoted names,
    names of Latin letters and digits, a pointing 一."""
    return _CODE.sub("", _DATES.sub("", _QUOTED.sub("", _POINTING_ONE.sub("", text))))


def _counts(text: str) -> bool:
    """Whether ``text`` holds a count: digits, a numeral with its classifier, or a numeral word
    (五大龙沟村 holds none)."""
    from .postag import pos_words

    if _NUMBER.search(text):
        return True
    return bool(_NUMERAL_WORD.search(text)) and any(f.startswith("m") and _NUMERAL_WORD.search(w)
                                                    for w, f in pos_words(text))


def _is_entity(kind: str, span: str) -> bool:
    from .postag import pos_words

    if re.fullmatch(r"[\d\s.,%％]*\d[\d\s.,%％]*(?:万|亿)?[个名人件项次倍户元岁天年月日所家]?", span):
        return False  # a number is no name
    words = pos_words(span)
    if any(f.startswith(_ENTITY_TAGS[kind]) and len(w) >= 2 for w, f in words):
        return True
    if kind == "place":  # 哪里 is answered by a description as often as by a name: the span ranker chooses
        return True
    if (_PERSON_MARK if kind == "person" else _ORG_SUFFIX).search(span):
        return True
    # names jieba does not know (transliterations, titles): short, and no number or date in them
    return len(span) <= ENTITY_MAX_CHARS and not re.search(r"\d|[，,。；;]", span) and not _DATE.fullmatch(span)
