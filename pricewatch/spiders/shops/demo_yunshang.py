"""云上优选 Yunshang Select (bundled demo shop): prices appear only after JavaScript runs."""

from pricewatch.platforms import RenderedSpider


class DemoYunshangSpider(RenderedSpider):
    name = "demo_yunshang"
    start_urls = ["http://127.0.0.1:8803/"]
    currency = "CNY"
    product_links = "a.goods-link"
    product_url_pattern = r"/goods/\d+$"
    selectors = {
        "title": "h1.goods-title",
        "price": ".price",
        "list_price": "del.origin-price",
        "availability": ".stock",
        "sku": ".sku",
    }
