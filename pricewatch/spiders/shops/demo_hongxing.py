"""红星数码 Hongxing Digital (bundled demo shop): product pages carry schema.org JSON-LD."""

from pricewatch.platforms import StructuredDataSpider


class DemoHongxingSpider(StructuredDataSpider):
    name = "demo_hongxing"
    start_urls = ["http://127.0.0.1:8801/"]
    product_url_pattern = r"/products/[^/?]+"
