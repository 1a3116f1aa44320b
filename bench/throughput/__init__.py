"""The parts of the crawl benchmark; ``bench/crawl_throughput.py`` is its entry point.

The entry point's docstring tells the whole story; the parts are:

* :mod:`throughput.shop`: the generated catalogue and its product pages;
* :mod:`throughput.server`: the process that serves them on 127.0.0.1;
* :mod:`throughput.measure`: the bare and full crawls, each in a child process, and their clock;
* :mod:`throughput.checks`: what every crawl must have got right for its figure to count.

The scripts in ``bench/`` import it as ``throughput`` (``bench/`` is on ``sys.path`` when one
of them runs).
"""
