# Everything runs from a local virtual environment that these targets create.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run chat test lint bench messages clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## Start every platform that has a token; the console chat when none has.
run: $(STAMP)
	$(BIN)/credits-bot run

chat: $(STAMP)
	$(BIN)/credits-bot chat

## Lint, type-check and run the whole test suite.
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy --strict bot adapters credits_bot
	$(BIN)/pytest -q

bench: $(STAMP)
	$(BIN)/credits-bot bench

## After changing the bot's words: extract the message ids, merge them into every .po
## (new ones arrive empty; the catalog test fails until each is translated).
messages: $(STAMP)
	mkdir -p build
	$(BIN)/pybabel extract --no-location --omit-header -k NP_:1c,2 -k N_ \
		-o build/credits.pot bot adapters credits_bot
	$(BIN)/pybabel update --no-fuzzy-matching -D credits \
		-i build/credits.pot -d bot/locale

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
