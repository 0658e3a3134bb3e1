# storyline: the two commands of the quick start are `make demo` and `make test`.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SHARED ?= ../shared
DB     ?= demo.db

.PHONY: install quote-model demo test test-fast lint score score-dates score-timex score-quotes score-clusters audit-timex bench clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "storyline needs $(PYTHON) (set PYTHON=...)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,spark]'
	touch $(STAMP)

install: $(STAMP)  ## create .venv and install storyline with its test and Spark extras

# The quote span model (docs/quotes.md) is trained here from PolNeAR's train split in ../shared, never
# downloaded or committed; without the corpus, quotes come from the rules alone.
QUOTE_MODEL := storyline/data/quote_model/config.cfg
QUOTE_SOURCES := training/quotes/train.py training/quotes/polnear_spans.py storyline/quote_features.py storyline/quote_model.py

$(QUOTE_MODEL): $(STAMP) $(QUOTE_SOURCES)
	@if [ -d $(SHARED)/corpora/polnear/train ]; then \
	  OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 $(BIN)/python training/quotes/train.py --out storyline/data/quote_model; \
	else \
	  echo "no $(SHARED)/corpora/polnear/train: the quote span model is not built (quotes from the rules alone)"; \
	fi

quote-model: $(QUOTE_MODEL)  ## train the quote span model from PolNeAR train (about 15 minutes on 2 cores)

demo: $(STAMP)  ## build a store from examples/ and show what it holds
	rm -f $(DB) $(DB)-wal $(DB)-shm
	$(BIN)/storyline build --db $(DB) --dossier examples/dossier.toml examples/corpus
	$(BIN)/storyline stats --db $(DB)
	@echo
	@echo "Try next:"
	@echo "  $(BIN)/storyline search --db $(DB) 'stabilisation force'"
	@echo "  $(BIN)/storyline duplicates --db $(DB)"
	@echo "  $(BIN)/storyline quotes --db $(DB) --speaker 'Henrik Baerveldt'"
	@echo "  $(BIN)/storyline dossier --db $(DB) --as-of 2025-06-30"
	@echo "  $(BIN)/storyline timeline --db $(DB) --dossier examples/dossier.toml --format png -o timeline.png"
	@echo "  $(BIN)/storyline serve --db $(DB)"

test: $(STAMP) $(QUOTE_MODEL)  ## every test, slow suites included (what CI runs)
	$(BIN)/python -m pytest -q --durations=20

test-fast: $(STAMP) $(QUOTE_MODEL)  ## the fast tests only
	$(BIN)/python -m pytest -q -m "not slow"

lint: $(STAMP)
	$(BIN)/ruff check storyline tests benchmarks analysis training
	$(BIN)/ruff format --check storyline tests benchmarks analysis

score: score-dates score-timex score-quotes score-clusters  ## every scorer in ../shared/eval on the splits we have

score-dates: $(STAMP)
	$(BIN)/python $(SHARED)/eval/score_dates.py datelines --dir $(SHARED)/corpora/datelines/silver --cmd "$(BIN)/storyline extract --format jsonl --no-analysis"

score-timex: $(STAMP)
	$(BIN)/python $(SHARED)/eval/score_dates.py timex --dir $(SHARED)/corpora/timebank/tbaq --cmd "$(BIN)/storyline extract --format jsonl"

score-quotes: $(STAMP) $(QUOTE_MODEL)
	$(BIN)/python $(SHARED)/eval/score_quotes.py --split dev --cmd "$(BIN)/storyline extract --format jsonl"

audit-timex: $(STAMP)  ## sort the timex errors on TBAQ by what the gold does with the same phrase elsewhere
	$(BIN)/python analysis/timex_gold.py --dir $(SHARED)/corpora/timebank/tbaq

score-clusters: $(STAMP)
	$(BIN)/python $(SHARED)/eval/score_clusters.py --csv $(SHARED)/corpora/headlines/uci-dev.csv --cmd "$(BIN)/storyline"

bench: $(STAMP)  ## every benchmark; writes docs/benchmarks.md
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache .mypy_cache $(DB) $(DB)-wal $(DB)-shm
