"""Tables of the search app.

``SearchEntry`` is the PostgreSQL engine's index (one row per public document; on
PostgreSQL a migration adds the ``tsv`` tsvector column and its GIN index; on SQLite the
table exists but stays empty). ``SearchQueryDay`` counts normalised queries per day for
the hot words: no user, no IP, no time of day.
"""

from django.db import models


class SearchEntry(models.Model):
    doc_key = models.CharField("文档键", max_length=200, unique=True)
    doc_type = models.CharField("类型", max_length=40, db_index=True)
    doc_id = models.CharField("编号", max_length=150)
    title = models.TextField("标题")
    body = models.TextField("正文摘录", blank=True)  # cut to STORED_BODY_CHARS, for snippets
    url = models.CharField("链接", max_length=500)
    published_at = models.DateTimeField("发布时间", null=True, blank=True, db_index=True)
    department_code = models.CharField("部门代码", max_length=64, blank=True, db_index=True)
    department_name = models.CharField("部门名称", max_length=200, blank=True)
    # Segmented words, space separated; the tsvector is computed from these.
    title_words = models.TextField(blank=True)
    body_words = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "检索条目"
        verbose_name_plural = "检索条目"

    def __str__(self):
        return self.doc_key


class SearchQueryDay(models.Model):
    day = models.DateField("日期")
    query = models.CharField("搜索词", max_length=100)
    count = models.PositiveIntegerField("次数", default=0)

    class Meta:
        verbose_name = "搜索词统计"
        verbose_name_plural = "搜索词统计"
        constraints = [models.UniqueConstraint(fields=["day", "query"], name="search_query_day_unique")]
        indexes = [models.Index(fields=["day"])]

    def __str__(self):
        return f"{self.day} {self.query} {self.count}"


class SearchSynonym(models.Model):
    """One group of words that mean the same to a citizen: 低保 = 最低生活保障.

    Maintained by staff (/office/search/). Any word of the group in a query also finds
    documents with the other words (both directions); letter routing reads the same
    groups (``zhengwu.search.synonyms``).
    """

    canonical = models.CharField("规范用语", max_length=60, unique=True,
                                 help_text="文件和事项中的正式说法,例如:最低生活保障")
    variants = models.CharField("同义词和简称", max_length=500,
                                help_text="群众常说的叫法,用空格或顿号分开,例如:低保 低保金")
    note = models.CharField("说明", max_length=200, blank=True)
    is_active = models.BooleanField("启用", default=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        ordering = ["canonical"]
        verbose_name = "同义词"
        verbose_name_plural = "同义词词典"

    def __str__(self):
        return f"{self.canonical} = {self.variants}"

    @property
    def variant_list(self) -> list[str]:
        from .synonyms import split_words

        return split_words(self.variants)

    @property
    def words(self) -> list[str]:
        return list(dict.fromkeys([self.canonical, *self.variant_list]))


class SearchMissDay(models.Model):
    """Queries that found nothing, counted per day, so staff can grow the dictionary.

    Only the cleaned query (numbers that may be ID cards or phones, e-mail addresses and
    name-like words removed) and a count: no user, no IP, no time of day.
    """

    day = models.DateField("日期")
    query = models.CharField("搜索词", max_length=100)
    count = models.PositiveIntegerField("次数", default=0)

    class Meta:
        verbose_name = "无结果搜索"
        verbose_name_plural = "无结果搜索"
        constraints = [models.UniqueConstraint(fields=["day", "query"], name="search_miss_day_unique")]
        indexes = [models.Index(fields=["day"])]

    def __str__(self):
        return f"{self.day} {self.query} {self.count}"
