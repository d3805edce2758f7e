from ninja import Router

router = Router(tags=["信件分办建议"])
