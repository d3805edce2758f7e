"""Chinese names of the letters app's audit actions (``core.registries.audit_labels``)."""

LABELS = {
    "letters.letter.accept": "受理信件",
    "letters.letter.assign": "分办信件",
    "letters.letter.extension_request": "申请信件延期",
    "letters.letter.extension_approve": "批准信件延期",
    "letters.letter.extension_refuse": "不批准信件延期",
    "letters.letter.joint_opinion": "会办意见",
    "letters.letter.not_accept": "不予受理信件",
    "letters.letter.rate": "评价信件办理",
    "letters.letter.rehandle": "信件重新办理",
    "letters.letter.reply_approve": "审核通过答复",
    "letters.letter.reply_draft": "起草答复",
    "letters.letter.reply_return": "退回答复",
    "letters.letter.submit": "提交来信",
    "letters.letter.transfer": "转办信件",
    "letters.policy.update": "修改信件办理规则",
    "letters.publication.prepare": "准备公开信件",
    "letters.publication.publish": "公开信件答复",
    "letters.publication.withdraw": "撤回公开的信件",
    "letters.word.add": "新增敏感词",
    "letters.word.update": "修改敏感词",
}
