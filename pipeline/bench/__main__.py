"""`python -m pipeline.bench` (make bench)."""

from pipeline.bench.main import main

main()
