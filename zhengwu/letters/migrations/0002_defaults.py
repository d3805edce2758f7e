"""Default channel rules and a starting sensitive-word list (both editable afterwards).

Written straight to the tables: a migration runs before any actor exists, like the
calendar seed. Rows already present are left as the county edited them.
"""

from django.db import migrations

# channel: (allow_anonymous, accept_days, handle_days, extension_days, warn_days, publishable)
POLICIES = {
    "county_head": (False, 3, 15, 10, 3, True),
    "department": (False, 3, 15, 10, 3, True),
    # 信访工作条例: acceptance decided within 15 days, handled within 60, extendable by 30;
    # a petition is always in the writer's own name.
    "petition": (False, 15, 60, 30, 10, True),
    "consultation": (True, 2, 5, 0, 1, True),
    "complaint": (False, 3, 15, 10, 3, True),
    "suggestion": (True, 3, 15, 10, 3, True),
    # 举报 protects the informant: anonymous allowed, never published.
    "report": (True, 3, 30, 15, 5, False),
}

# Blocking words: abuse and illegal advertising, never part of a real request.
BLOCK_WORDS = [
    "傻逼", "操你妈", "草泥马", "狗日的", "他妈的", "王八蛋", "去死吧",
    "代开发票", "办假证", "假证件", "出售枪支", "枪支弹药出售", "出售毒品", "冰毒出售",
    "网络赌博", "赌博网站", "六合彩", "私服外挂", "裸聊", "援交", "高利贷放款",
]
# Review words: the letter goes through, and the clerk sees them at once (risk of harm).
REVIEW_WORDS = ["自杀", "跳楼", "自焚", "同归于尽", "报复社会", "炸药", "爆炸物"]


def forwards(apps, schema_editor):
    ChannelPolicy = apps.get_model("letters", "ChannelPolicy")
    SensitiveWord = apps.get_model("letters", "SensitiveWord")
    for channel, (anon, accept, handle, extend, warn, publishable) in POLICIES.items():
        ChannelPolicy.objects.get_or_create(channel=channel, defaults={
            "allow_anonymous": anon, "accept_days": accept, "handle_days": handle,
            "extension_days": extend, "warn_days": warn, "publishable": publishable,
        })
    for word in BLOCK_WORDS:
        SensitiveWord.objects.get_or_create(word=word, defaults={"level": "block"})
    for word in REVIEW_WORDS:
        SensitiveWord.objects.get_or_create(word=word, defaults={"level": "review"})


class Migration(migrations.Migration):
    dependencies = [("letters", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
