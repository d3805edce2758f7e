from ninja import Router

router = Router(tags=["信件与信访"])
