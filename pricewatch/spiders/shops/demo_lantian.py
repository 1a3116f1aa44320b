"""蓝天百货 Lantian Store (bundled demo shop): no structured data, GBK pages, paginated listing."""

from pricewatch.platforms import StructuredDataSpider


class DemoLantianSpider(StructuredDataSpider):
    name = "demo_lantian"
    start_urls = ["http://127.0.0.1:8802/category/all?page=1"]
    currency = "CNY"
    product_links = "a.product-link"
    next_page = "a.next"
    product_url_pattern = r"/item/[A-Z]+-\d+\.html"
    selectors = {
        "title": "h1.product-title",
        "price": ".price",
        "list_price": "del.list-price",
        "availability": ".stock",
        "sku": ".sku",
    }
