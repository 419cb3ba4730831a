"""Settings for benchmarks/serving.py only: production's, plus a minimal view (benchmarks/bench_urls.py) to compare
the personal page against. Never used by the product."""

from portal.settings.production import *  # noqa: F403

# The product's URLs plus /bench/minimal/ (a tiny HttpResponse through the same middleware).
ROOT_URLCONF = "benchmarks.bench_urls"
