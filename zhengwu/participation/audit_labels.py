"""Chinese names of the participation app's audit actions (``core.registries.audit_labels``)."""

LABELS = {
    "participation.adoption_group.create": "新增意见采纳分组",
    "participation.comment.create": "提交意见",
    "participation.comment.decide": "处理意见",
    "participation.comment.publish": "公开意见",
    "participation.comment.unpublish": "取消公开意见",
    "participation.demo.load": "载入公众参与演示数据",
    "participation.question.add": "新增调查题目",
    "participation.question.delete": "删除调查题目",
    "participation.questionnaire.create": "新建网上调查",
    "participation.questionnaire.export": "导出调查结果",
    "participation.questionnaire.publish": "发布网上调查",
    "participation.questionnaire.update": "修改网上调查",
    "participation.response.create": "提交调查答卷",
    "participation.solicitation.articles_update": "修改征求意见条文",
    "participation.solicitation.create": "新建意见征集",
    "participation.solicitation.publish": "发布意见征集",
    "participation.solicitation.summary_publish": "公布意见采纳情况",
    "participation.solicitation.update": "修改意见征集",
}
