from ninja import Router

router = Router(tags=["政府信息公开"])
