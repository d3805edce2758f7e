"""Who may download a case's sealed result: the applicant and the item department's staff."""

from zhengwu.cases.owners import CASE
from zhengwu.org import responsibility


def case_result_rule(user, stored_file) -> bool:
    if stored_file.owner_id is not None and stored_file.owner_id == user.pk:
        return True
    if stored_file.object_type != CASE.name or not str(stored_file.object_id).isdigit():
        return False
    from zhengwu.cases.models import Case

    department_id = Case.objects.filter(pk=int(stored_file.object_id)).values_list("item__department_id", flat=True).first()
    if department_id is None:
        return False
    # Business posts of the department (org.responsibility); the 三员 posts read no case files.
    return responsibility.acts_for(user, unit_id=department_id)
