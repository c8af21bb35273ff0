# The two commands a new user needs: `make brochure` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
EDITIONS := $(wildcard inputs/*/edition.yaml)

.PHONY: brochure lint test bench fuzz clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

brochure: $(STAMP)
	@for ed in $(dir $(EDITIONS)); do \
		name=$$(basename $$ed); \
		$(BIN)/brochure build $$ed --out outputs/$$name || exit 1; \
	done
	$(BIN)/brochure draft inputs/kommunen --out outputs/kommunen

# pyflakes and bugbear rules (pyproject.toml [tool.ruff]): zero findings, before any test runs.
lint: $(STAMP)
	$(BIN)/ruff check pipeline tests tools

test: lint
	$(BIN)/python -m pytest

# Longer, random property runs (FUZZ_EXAMPLES per property, default 20000): prints examples tried and failures.
fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest tests/test_fuzz.py -p no:cacheprovider --hypothesis-show-statistics -q

bench: $(STAMP)
	$(BIN)/python -m pipeline.bench
	$(BIN)/python -m tests.diff_corpus

clean:
	rm -rf outputs $(VENV)
