"""Every write of 公众参与 (意见征集 and 网上调查/评选); see the two modules."""

from .common import DRAFT_ROLES, PUBLISH_ROLES, department_choices  # noqa: F401
from .solicitations import (  # noqa: F401
    SEARCH_DOC_TYPE,
    adoption_group_create,
    adoption_summary_publish,
    comment_decide,
    comment_mask_suggestion,
    comment_period_default,
    comment_publish,
    comment_submit,
    comment_unpublish,
    solicitation_articles_update,
    solicitation_create,
    solicitation_publish,
    solicitation_update,
)
from .surveys import (  # noqa: F401
    already_answered_message,
    answers_validate,
    question_add,
    question_delete,
    questionnaire_create,
    questionnaire_export,
    questionnaire_publish,
    questionnaire_update,
    response_submit,
)
