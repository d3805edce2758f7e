from ninja import Router

router = Router(tags=["民意分析"])
