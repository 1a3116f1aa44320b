"""Running crawls: Scrapy glue, rendering, failure codes, in-process crawls and the launcher."""
