# The two set-up commands: `make demo` and `make test`. Each builds .venv on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOME_DIR ?= data
SEED_DROPS := $(sort $(wildcard seeds/20*))

.PHONY: demo test lint install docs screenshots clean-data

$(BIN)/newsflow: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $@

install: $(BIN)/newsflow

demo: install
	@for drop in $(SEED_DROPS); do \
		echo "==> newsflow run $$drop"; \
		NEWSFLOW_HOME=$(HOME_DIR) $(BIN)/newsflow run $$drop || exit 1; \
	done
	NEWSFLOW_HOME=$(HOME_DIR) $(BIN)/newsflow show --limit 8
	@echo
	@echo "Look at it in a browser (http://127.0.0.1:8501; Ctrl-C stops it):"
	@echo "  $(BIN)/newsflow dashboard --home $(HOME_DIR)"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(BIN)/python -m pytest

# The dashboard's screenshots in docs/img, taken by its browser test on the demo data (the test
# alone writes them to a temporary folder).
screenshots: install
	$(BIN)/python -m pytest tests/e2e/test_dashboard.py --screenshots docs/img

# The reference pages in docs/ as a site in site/ (mkdocs-material, installed with the docs extra).
docs: install
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[docs]"
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --quiet

clean-data:
	rm -rf $(HOME_DIR)
