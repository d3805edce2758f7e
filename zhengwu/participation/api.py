from ninja import Router

router = Router(tags=["意见征集与网上调查"])
