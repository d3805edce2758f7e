"""Keywords of letters, denormalised so hot and rising topics are one GROUP BY each."""

from django.db import models


class LetterFact(models.Model):
    """One row per letter: its local receiving date and dimensions, for the counts.

    The letters table only has ``received_at`` (a timestamp); grouping by the local day
    there needs a per-row time-zone conversion (a Python function on SQLite), which over
    200,000 letters takes seconds. Here the day is a plain indexed column: letters per
    day is one GROUP BY, weeks and months are summed from at most 731 days.
    """

    letter = models.OneToOneField("letters.Letter", on_delete=models.CASCADE, related_name="+", verbose_name="信件")
    received_on = models.DateField("来信日期")
    category = models.CharField("类别", max_length=32)
    department_id = models.BigIntegerField("承办部门", null=True, blank=True)
    township_id = models.BigIntegerField("乡镇(街道)", null=True, blank=True)

    class Meta:
        verbose_name = "信件统计行"
        verbose_name_plural = "信件统计行"
        indexes = [
            # Counts group by (day, dimension): each index yields its groups in order, so
            # SQLite streams them without sorting; the narrowed views seek by dimension.
            models.Index(fields=["received_on", "category"], name="insights_fact_day_cat"),
            models.Index(fields=["received_on", "department_id"], name="insights_fact_day_dept"),
            models.Index(fields=["received_on", "township_id"], name="insights_fact_day_town"),
            models.Index(fields=["department_id", "received_on"], name="insights_fact_dept_day"),
            models.Index(fields=["township_id", "received_on"], name="insights_fact_town_day"),
            models.Index(fields=["category", "received_on"], name="insights_fact_cat_day"),
        ]

    def __str__(self):
        return f"{self.letter_id} {self.received_on}"


class LetterKeyword(models.Model):
    """One keyword of one letter (each word once per letter).

    The letter's date, category, department and township are copied here so the topic
    queries read this table alone: COUNT(*) of a word over a period is the number of
    letters that mention it. ``department_id`` follows the letter when it is assigned or
    transferred.
    """

    letter = models.ForeignKey("letters.Letter", on_delete=models.CASCADE, related_name="+", verbose_name="信件")
    word = models.CharField("关键词", max_length=32)
    received_on = models.DateField("来信日期")
    category = models.CharField("类别", max_length=32)
    department_id = models.BigIntegerField("承办部门", null=True, blank=True)
    township_id = models.BigIntegerField("乡镇(街道)", null=True, blank=True)

    class Meta:
        verbose_name = "信件关键词"
        verbose_name_plural = "信件关键词"
        constraints = [
            models.UniqueConstraint(fields=["letter", "word"], name="insights_keyword_once_per_letter"),
        ]
        indexes = [
            # Hot and rising topics: a range of dates, grouped by word (covering).
            models.Index(fields=["received_on", "word"], name="insights_kw_day_word"),
            # Example letters of one word, newest first.
            models.Index(fields=["word", "received_on"], name="insights_kw_word_day"),
            # The same topic queries narrowed to one department, township or category.
            models.Index(fields=["department_id", "received_on", "word"], name="insights_kw_dept_day_word"),
            models.Index(fields=["township_id", "received_on", "word"], name="insights_kw_town_day_word"),
            models.Index(fields=["category", "received_on", "word"], name="insights_kw_cat_day_word"),
        ]

    def __str__(self):
        return self.word
